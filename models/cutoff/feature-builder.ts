/**
 * The streaming feature builder: replays contract events in time order — per site a running backlog by deadline,
 * throughput over the last hour, labor on shift, cutoffs and pickups (./site-state.ts) — and answers, for any open
 * order at the current clock, its features (./features.ts). The same object runs inside the backtest (fed a file)
 * and inside `CutoffScorer` (fed live events), so training and scoring cannot drift apart. Outcomes (./miss.ts)
 * are tracked too, and feed a per-slot miss rate learned on the fly.
 *
 * An order belongs to the site that fulfils it (its first `orders.allocated`, else where it was created) and to
 * the cutoff group of that site × promisedShipBy. Its carrier is its wave's (`orders.released_to_wave` →
 * `warehouse.wave_created`), else the one carrier whose cutoff (`carrier.cutoff_scheduled` or a wave's) falls on
 * promisedShipBy, else unknown. Orders are kept until `retainMs` after their deadline once resolved.
 */
import type { OpsEvent, OrderCreated } from '../../contracts/index.ts';
import { outcomeAt, type Outcome } from './miss.ts';
import { PickupHistory } from './pickup-risk.ts';
import { offsetOfIso, zoneOffsetMinutes } from './rolling.ts';
import { snapshotOf, type OrderSnapshot } from './features.ts';
import { SiteState } from './site-state.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const TICK_MS = 15 * MINUTE;
const PRIORITIES = ['standard', 'expedited', 'express'] as const;
const CHANNELS = ['dtc-web', 'marketplace-a', 'marketplace-b', 'wholesale-portal'] as const;
/** The share of a cutoff's orders handed off that says its truck came, where pickups are not reported. */
const PSEUDO_PICKUP_SHARE = 0.3;
const PSEUDO_PICKUP_WINDOW_MS = 4 * HOUR;
/** The pickup history's carrier key for trucks inferred from handoffs. */
const HANDOFF_TRUCK = '(handoffs)';
/** Prior weight of the global rate in a slot's running miss rate (a slot is site × local cutoff time). */
const SLOT_PRIOR = 20;

/** The event types the builder reads; a reader may drop every other type before replaying. */
export const CUTOFF_EVENT_TYPES = new Set<string>([
  'orders.created', 'orders.allocated', 'orders.backordered', 'orders.split', 'orders.released_to_wave',
  'orders.picked', 'orders.packed', 'orders.shipped', 'orders.cancelled', 'carrier.cutoff_scheduled',
  'carrier.pickup_arrived', 'carrier.handoff_scan', 'warehouse.wave_created', 'warehouse.labor_shift',
  'warehouse.station_throughput',
]);

/** One order's cutoff: every order of a site with the same promisedShipBy. */
export interface CutoffGroup {
  site: string;
  deadlineMs: number;
  deadlineIso: string;
  orders: number;
  handed: number;
  /**
   * Where no site reports pickups: when the group's truck evidently came — the handoff that brought the share of
   * its orders handed off to PSEUDO_PICKUP_SHARE (NaN until then). Orders shipped from another site stay below it.
   */
  pseudoArrivalMs: number;
  /** That handoff's own instant (handoffAt), which says whether the truck was late. */
  pseudoHandoffMs: number;
  open: Set<OrderRecord>;
  members: OrderRecord[];
}

export interface OrderRecord {
  orderId: string;
  /** The site the order was promised from (orders.created), and the one fulfilling it (its first allocation). */
  createdSite: string;
  site: string;
  group: CutoffGroup;
  createdMs: number;
  deadlineMs: number;
  units: number;
  lines: number;
  priority: number;
  channel: number;
  /** Local minute of day of the deadline, for the slot key and the hour features. */
  localMinute: number;
  shipments: number;
  handoffs: Map<string, number>;
  lastHandoffMs: number;
  cancelledMs: number;
  allocated: boolean;
  backordered: boolean;
  released: boolean;
  waveCarrier: string | undefined;
  pickedUnits: number;
  unpacked: number;
  packedMs: number;
  /** Units counted in the site backlog (0 once packed, cancelled or backordered). */
  inBacklog: number;
  outcome: Outcome;
  resolvedMs: number;
}

export interface FeatureBuilderOptions {
  /** Keep resolved orders this long (default 2 days; Infinity for a backtest that reads outcomes at the end). */
  retainMs?: number;
  /** Called once per order when its outcome becomes known. */
  onResolved?: (o: OrderRecord) => void;
}

export class CutoffFeatureBuilder {
  readonly sites = new Map<string, SiteState>();
  readonly orders = new Map<string, OrderRecord>();
  readonly groups = new Map<string, CutoffGroup>();
  readonly pickupHistory = new PickupHistory();
  private readonly waves = new Map<string, string>();
  private readonly slots = new Map<string, { n: number; missed: number }>();
  private resolvedTotal = 0;
  private missedTotal = 0;
  private nextTick = -Infinity;
  /** The replay clock: the latest occurredAt seen (or advanced to). */
  now = -Infinity;

  constructor(private readonly o: FeatureBuilderOptions = {}) {}

  site(id: string): SiteState {
    let s = this.sites.get(id);
    if (!s) this.sites.set(id, (s = new SiteState(id)));
    return s;
  }

  /** Move the clock to t, running the 15-minute ticks (productivity samples, overdue outcomes) on the way. */
  advance(t: number): void {
    if (this.nextTick === -Infinity && Number.isFinite(t)) this.nextTick = Math.ceil(t / TICK_MS) * TICK_MS;
    while (this.nextTick <= t) {
      this.tick(this.nextTick);
      this.nextTick += TICK_MS;
    }
    if (t > this.now) this.now = t;
  }

  /** Apply one event; `ms` is its occurredAt (events must come in time order). */
  ingest(ev: OpsEvent, ms = Date.parse(ev.occurredAt)): void {
    if (!CUTOFF_EVENT_TYPES.has(ev.type)) return;
    this.advance(ms);
    const site = this.site(ev.site);
    switch (ev.type) {
      case 'orders.created': return this.create(ev, ms, site);
      case 'carrier.cutoff_scheduled': site.timezone = ev.timezone; return site.addCutoff(ev.carrier, Date.parse(ev.cutoffAt));
      case 'carrier.pickup_arrived': {
        const lead = site.addArrival(ev.carrier, ms);
        if (lead !== undefined) this.pickupHistory.add(ev.site, ev.carrier, lead);
        return;
      }
      case 'warehouse.wave_created':
        if (ev.carrier) this.waves.set(ev.waveId, ev.carrier);
        if (this.waves.size > 5000) this.waves.delete(this.waves.keys().next().value!);
        if (ev.carrier && ev.cutoffAt) site.addCutoff(ev.carrier, Date.parse(ev.cutoffAt));
        return;
      case 'warehouse.labor_shift':
        return site.addShift({ startMs: Date.parse(ev.startsAt), endMs: Date.parse(ev.endsAt), pickers: ev.pickers, packers: ev.packers });
      case 'warehouse.station_throughput': {
        const w = ev.station === 'pick' ? site.stationPick : ev.station === 'pack' ? site.stationPack : site.stationShip;
        return w.add(ms, ev.units);
      }
      case 'orders.picked': site.sawPicked = true; site.picked.add(ms, ev.units); break;
      case 'orders.packed': site.sawPacked = true; site.packed.add(ms, ev.units); break;
      default:
    }
    const order = 'orderId' in ev && ev.orderId ? this.orders.get(ev.orderId) : undefined;
    // Resolved orders still move: a missed order is packed and shipped later, and leaves the backlog then.
    if (!order) return;
    switch (ev.type) {
      case 'orders.allocated':
        if (!order.allocated && ev.site !== order.site) this.move(order, ev.site);
        order.allocated = true;
        if (order.backordered) { order.backordered = false; this.toBacklog(order, order.unpacked); }
        return;
      case 'orders.backordered': order.backordered = true; return this.toBacklog(order, 0);
      case 'orders.split': order.shipments = Math.max(order.shipments, ev.shipments.length); return;
      case 'orders.released_to_wave': order.released = true; order.waveCarrier ??= this.waves.get(ev.waveId); return;
      case 'orders.picked': order.pickedUnits += ev.units; return;
      case 'orders.packed':
        order.unpacked = Math.max(0, order.unpacked - ev.units);
        if (order.unpacked === 0) order.packedMs = ms;
        return this.toBacklog(order, order.unpacked);
      case 'carrier.handoff_scan': return this.handoff(order, ev.trackingNumber, ms, ms);
      case 'orders.shipped': {
        site.sawShipped = true;
        site.shipped.add(ms, order.units / order.shipments);
        return this.handoff(order, ev.trackingNumber, Math.min(Date.parse(ev.handoffAt), ms), ms);
      }
      case 'orders.cancelled':
        order.cancelledMs = ms;
        this.toBacklog(order, 0);
        return this.settle(order, ms);
      default:
    }
  }

  private create(ev: OrderCreated, ms: number, site: SiteState): void {
    if (this.orders.has(ev.orderId)) return;
    const deadlineMs = Date.parse(ev.promisedShipBy);
    const group = this.groupFor(ev.site, deadlineMs, ev.promisedShipBy);
    const units = ev.lines.reduce((n, l) => n + l.qty, 0);
    const offset = site.timezone ? zoneOffsetMinutes(site.timezone, deadlineMs) : offsetOfIso(ev.promisedShipBy);
    const order: OrderRecord = {
      orderId: ev.orderId, createdSite: ev.site, site: ev.site, group, createdMs: ms, deadlineMs, units, lines: ev.lines.length,
      priority: Math.max(0, PRIORITIES.indexOf(ev.priority)), channel: CHANNELS.indexOf(ev.channel as (typeof CHANNELS)[number]),
      localMinute: ((((deadlineMs / MINUTE + offset) % 1440) + 1440) % 1440),
      shipments: 1, handoffs: new Map(), lastHandoffMs: NaN, cancelledMs: NaN, allocated: false, backordered: false,
      released: false, waveCarrier: undefined, pickedUnits: 0, unpacked: units, packedMs: NaN, inBacklog: 0,
      outcome: 'open', resolvedMs: NaN,
    };
    group.orders++;
    group.open.add(order);
    group.members.push(order);
    this.orders.set(ev.orderId, order);
    this.toBacklog(order, units);
  }

  private groupFor(site: string, deadlineMs: number, deadlineIso: string): CutoffGroup {
    const key = `${site}|${deadlineMs}`;
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = { site, deadlineMs, deadlineIso, orders: 0, handed: 0, pseudoArrivalMs: NaN, pseudoHandoffMs: NaN, open: new Set(), members: [] }));
    return group;
  }

  /** The order is fulfilled by another site than the one that promised it: its backlog and cutoff group move. */
  private move(order: OrderRecord, site: string): void {
    const units = order.inBacklog;
    this.toBacklog(order, 0);
    const from = order.group;
    from.orders--;
    from.open.delete(order);
    from.members.splice(from.members.indexOf(order), 1);
    order.site = site;
    order.group = this.groupFor(site, order.deadlineMs, from.deadlineIso);
    order.group.orders++;
    order.group.open.add(order);
    order.group.members.push(order);
    this.toBacklog(order, units);
  }

  /** Set how many of the order's units count in its site's backlog. */
  private toBacklog(order: OrderRecord, units: number): void {
    const target = order.cancelledMs === order.cancelledMs || order.backordered ? 0 : units;
    if (target === order.inBacklog) return;
    const wasIn = order.inBacklog > 0 ? 1 : 0, isIn = target > 0 ? 1 : 0;
    this.site(order.site).addBacklog(order.deadlineMs, target - order.inBacklog, isIn - wasIn);
    order.inBacklog = target;
  }

  private handoff(order: OrderRecord, tracking: string, handoffMs: number, ms: number): void {
    if (order.handoffs.has(tracking)) return;
    const g = order.group;
    if (order.handoffs.size === 0) g.handed++;
    // Only near the deadline: orders promised days out ride earlier trucks, and their cutoff is not complete yet.
    if (g.pseudoArrivalMs !== g.pseudoArrivalMs && handoffMs >= g.deadlineMs - PSEUDO_PICKUP_WINDOW_MS && g.handed >= PSEUDO_PICKUP_SHARE * g.orders) {
      g.pseudoArrivalMs = ms;
      g.pseudoHandoffMs = handoffMs;
      if (!this.site(g.site).pickupCarriers.size) this.pickupHistory.add(g.site, HANDOFF_TRUCK, (g.deadlineMs - handoffMs) / MINUTE);
    }
    order.handoffs.set(tracking, handoffMs);
    order.lastHandoffMs = Math.max(order.lastHandoffMs === order.lastHandoffMs ? order.lastHandoffMs : -Infinity, handoffMs);
    this.toBacklog(order, 0);
    this.settle(order, ms);
  }

  /** Record the outcome once it is known (and the slot's running miss rate with it). */
  private settle(order: OrderRecord, ms: number): void {
    if (order.resolvedMs === order.resolvedMs) return;
    const outcome = outcomeAt({ deadlineMs: order.deadlineMs, shipments: order.shipments, handoffs: order.handoffs.size,
      lastHandoffMs: order.lastHandoffMs, cancelledMs: order.cancelledMs }, ms);
    if (outcome === 'open') return;
    order.outcome = outcome;
    order.resolvedMs = ms;
    order.group.open.delete(order);
    if (outcome === 'cancelled') order.group.orders--;
    else {
      const slot = this.slots.get(slotKey(order)) ?? { n: 0, missed: 0 };
      slot.n++;
      this.resolvedTotal++;
      if (outcome === 'missed') { slot.missed++; this.missedTotal++; }
      this.slots.set(slotKey(order), slot);
    }
    this.o.onResolved?.(order);
  }

  private tick(t: number): void {
    for (const s of this.sites.values()) s.sample(t);
    for (const [key, g] of this.groups) {
      if (t > g.deadlineMs + HOUR) for (const order of [...g.open]) this.settle(order, t);
      if (!g.open.size && t > g.deadlineMs + (this.o.retainMs ?? 2 * 24 * HOUR)) {
        this.groups.delete(key);
        for (const o of g.members) { this.toBacklog(o, 0); this.orders.delete(o.orderId); }
      }
    }
  }

  /** The order's carrier as known now: its wave's, else the only carrier with a cutoff on its deadline. */
  carrierOf(order: OrderRecord): string | undefined {
    if (order.waveCarrier) return order.waveCarrier;
    const set = this.site(order.createdSite).carriersAt(order.deadlineMs) ?? this.site(order.site).carriersAt(order.deadlineMs);
    return set?.size === 1 ? set.values().next().value : undefined;
  }

  /** The feature vector of an open order at t (t ≥ every event ingested; call `advance(t)` first). */
  snapshot(order: OrderRecord, t = this.now): OrderSnapshot {
    return snapshotOf(this, order, t);
  }

  /** The order's slot (site × local cutoff time): its running miss rate, shrunk toward the overall rate. */
  slotRate(order: OrderRecord): number {
    const slot = this.slots.get(slotKey(order));
    const globalRate = (this.missedTotal + 1) / (this.resolvedTotal + 20);
    return ((slot?.missed ?? 0) + SLOT_PRIOR * globalRate) / ((slot?.n ?? 0) + SLOT_PRIOR);
  }

  /**
   * The order's truck at t: when it came (NaN: not yet) and, if it has not, P(it comes after the cutoff). Trucks
   * are seen in pickup events where the site reports them, else in the burst of handoffs they take.
   */
  truckAt(order: OrderRecord, carrier: string | undefined, cutoffMs: number, t: number): { arrival: number; pTruck: number } {
    const site = this.site(order.site);
    const reported = site.pickupCarriers.size > 0;
    const g = order.group;
    const arrival = reported ? (carrier ? site.arrivalFor(carrier, cutoffMs, t) : NaN) : g.pseudoArrivalMs <= t ? g.pseudoArrivalMs : NaN;
    if (arrival === arrival) return { arrival, pTruck: 0 };
    return { arrival, pTruck: this.pickupHistory.pLate(order.site, reported ? carrier : HANDOFF_TRUCK, (cutoffMs - t) / MINUTE) };
  }

  /**
   * Whether the order's truck came after its cutoff, as known at `asOf`: 'late' when it came late or had not come
   * by then although the cutoff passed, 'on_time', or 'unknown' (carrier unknown, or the site reports no pickups).
   */
  truckOutcome(order: OrderRecord, asOf: number): 'late' | 'on_time' | 'unknown' {
    const carrier = this.carrierOf(order);
    const site = this.site(order.site);
    if (!site.pickupCarriers.size) {
      const g = order.group;
      if (g.pseudoArrivalMs <= asOf) return g.pseudoHandoffMs > g.deadlineMs ? 'late' : 'on_time';
      // Nothing (or too little) handed off by the deadline: the truck did not come, unless the cutoff is too small to say.
      return asOf > g.deadlineMs && g.orders >= 5 ? 'late' : 'unknown';
    }
    if (!carrier || !site.pickupCarriers.has(carrier)) return 'unknown';
    const cutoffMs = site.cutoffFor(carrier, order.deadlineMs);
    const arrival = site.arrivalFor(carrier, cutoffMs, asOf);
    if (arrival === arrival) return arrival > cutoffMs ? 'late' : 'on_time';
    return asOf > cutoffMs ? 'late' : 'unknown';
  }

  /** Whether an order still waits for its handoff at t (the population that is scored). */
  isOpen(order: OrderRecord): boolean {
    return order.handoffs.size === 0 && order.cancelledMs !== order.cancelledMs && order.resolvedMs !== order.resolvedMs;
  }
}

function slotKey(o: OrderRecord): string {
  return `${o.site}|${Math.round(o.localMinute)}`;
}

