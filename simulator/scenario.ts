/**
 * The seed article's operating scenario as a deterministic stream of contract events. A discrete-event
 * simulation: flows schedule steps and events on one agenda; `events()` runs it and hands events out in the
 * order the systems would send them — occurredAt order, except a delayed marketplace feed, whose held orders
 * come out in a burst with their original occurredAt. Same options → the same events, ids included.
 *
 * Event ids are `ev-<seed>.<start ms, base 36>-<n>`: fixed by seed, start and sequence, so re-running a back-fill
 * is deduplicated by msgID, while runs from another start (two live runs, say) never collide. Entity ids
 * (orders, POs, RMAs, waves, tracking numbers) carry the same tag.
 */
import type { OpsEvent } from '../contracts/index.ts';
import { SITES, buildCatalog, type Catalog } from './catalog.ts';
import { createCarriers, type CarrierDesk } from './carrier.flow.ts';
import { Demand, type Promotion } from './demand.ts';
import { EventQueue } from './event-queue.ts';
import { createFulfillment, type Fulfillment } from './fulfillment.flow.ts';
import { CYCLE_MS, IncidentBook, type GroundTruthIncident, type Incident } from './incidents.ts';
import { createInventory } from './inventory.flow.ts';
import { createOrders } from './orders.flow.ts';
import { createProcurement } from './procurement.flow.ts';
import { Random, deriveSeed } from './random.ts';
import { createReturns, type Returns } from './returns.flow.ts';
import { SiteCalendar } from './site-calendar.ts';
import { DAY, createUtcFormatter } from './time-zones.ts';
import type { World } from './world.ts';

export interface ScenarioOptions {
  seed: number;
  /** First simulated instant (ms, Date or ISO string). */
  start: number | Date | string;
  /** Length of the window in days; omit (or Infinity) for an endless live run. */
  days?: number;
  /** Catalog size; default 500. */
  skus?: number;
  /** Mean orders per day across channels before promotions; default 20,000 (~195k events a day). */
  ordersPerDay?: number;
}

export interface Scenario {
  readonly seed: number;
  readonly start: number;
  readonly end: number;
  readonly catalog: Catalog;
  /** The simulated instant of the most recent step (≥ occurredAt of every event handed out so far). */
  readonly now: number;
  /** Run the simulation; yields each event once. A scenario can be iterated only once. */
  events(limit?: number): Generator<OpsEvent, void, undefined>;
  /** Ground truth of the incidents that start before `until` (default: the end of the window). */
  groundTruth(until?: number): GroundTruthIncident[];
  promotions(until?: number): Promotion[];
}

export const DEFAULT_SKUS = 500;
export const DEFAULT_ORDERS_PER_DAY = 20_000;
/**
 * Events per order created, measured over 7-day back-fills from 2026-03-02 (seeds 1–3, 500 skus, 20k orders a
 * day): 8.73–8.87 (~195k events a day). Live mode divides the requested rate by this to size the business.
 */
export const EVENTS_PER_ORDER = 8.8;

export function createScenario(o: ScenarioOptions): Scenario {
  const seed = o.seed >>> 0;
  const start = typeof o.start === 'number' ? o.start : new Date(o.start).getTime();
  if (!Number.isFinite(start)) throw new RangeError(`invalid start: ${String(o.start)}`);
  const end = o.days === undefined || !Number.isFinite(o.days) ? Infinity : start + o.days * DAY;
  const ordersPerDay = o.ordersPerDay ?? DEFAULT_ORDERS_PER_DAY;
  const tag = `${seed}.${Math.floor(start).toString(36)}`;
  const catalog = buildCatalog({ rng: new Random(deriveSeed(seed, 'catalog')), skus: o.skus ?? DEFAULT_SKUS });
  const calendars = SITES.map((s, i) => new SiteCalendar(s, i));
  const incidents = new IncidentBook({ seed, start, end, catalog, calendars, ordersPerDay });
  const demand = new Demand({ seed, start, ordersPerDay, catalog });
  const queue = new EventQueue();
  // Events emitted by the running step; a reused array with its own length (no truncation per step).
  const out: OpsEvent[] = [];
  let outLen = 0;
  const counters = new Map<string, { head: string; n: number }>();

  // `now` is a plain field (not a getter over a closure variable): it is read by every step, and a double in a
  // field is updated in place where a closure variable would box a new number on every write.
  const world: World & { now: number } = {
    rng: new Random(deriveSeed(seed, 'events')),
    catalog, calendars, incidents, demand, start, end, ordersPerDay,
    now: start,
    iso: createUtcFormatter(),
    rel: (ms) => Math.round(ms - start),
    abs: (rel) => start + rel,
    emit: (ev) => { out[outLen++] = ev; },
    // Nothing may be scheduled in the past: the agenda would hand it out before what already happened.
    emitAt: (at, ev) => { if (at < end) queue.pushEvent(at < world.now ? world.now : at, ev); },
    schedule: (at, fn, arg) => { if (at < end) queue.pushStep(at < world.now ? world.now : at, fn, arg); },
    nextId(prefix) {
      let c = counters.get(prefix);
      if (!c) counters.set(prefix, (c = { head: `${prefix}-${tag}-`, n: 0 }));
      return c.head + ++c.n;
    },
  };

  // Wiring: flows are created in dependency order; the two cycles are closed through late-bound callbacks.
  const inventory = createInventory(world);
  const procurement = createProcurement(world, inventory);
  const carriers: CarrierDesk = createCarriers(world, {
    recordShipped: (site, ms, units) => fulfillment.recordShipped(site, ms, units),
    onDelivered: (s) => returns.onDelivered(s),
  });
  const fulfillment: Fulfillment = createFulfillment(world, { inventory, dock: (s) => carriers.dock(s) });
  const returns: Returns = createReturns(world, inventory);
  createOrders(world, { inventory, procurement, fulfillment });

  const startIncident = (inc: Incident) => {
    if (inc.kind === 'supplier_delay') procurement.startSupplierDelay(inc);
    else if (inc.kind === 'shrink') inventory.startShrink(inc);
    else if (inc.kind === 'returns_surge') returns.startSurge(inc);
    // feed_delay and late_pickup are consulted by the order and carrier flows as they happen.
  };
  /** At each cycle start, plan the cycle after it (late pickups must be known a day ahead). */
  const planAhead = (k: number) => {
    for (const inc of incidents.planCycle(k + 1)) world.schedule(inc.startMs, () => startIncident(inc));
    incidents.prune(world.now);
    world.schedule(start + (k + 1) * CYCLE_MS, () => planAhead(k + 1));
  };
  for (const inc of incidents.planCycle(0)) world.schedule(inc.startMs, () => startIncident(inc));
  planAhead(0);

  let started = false;
  return {
    seed, start, end, catalog,
    get now() { return world.now; },
    *events(limit = Infinity) {
      if (started) throw new Error('a scenario can be iterated once; create another for a second pass');
      started = true;
      const prefix = `ev-${tag}-`;
      let seq = 0;
      while (seq < limit) {
        const e = queue.pop();
        if (!e || e.at >= end) return;
        world.now = e.at;
        if (e.ev) {
          e.ev.id = prefix + seq++;
          yield e.ev;
          continue;
        }
        (e.fn as (arg: unknown) => void)(e.arg);
        const n = outLen;
        outLen = 0;
        for (let i = 0; i < n && seq < limit; i++) {
          const ev = out[i];
          ev.id = prefix + seq++;
          yield ev;
        }
      }
    },
    groundTruth: (until = end) => incidents.groundTruth(until),
    promotions: (until = end) => demand.promotions(Math.min(until, world.now + 30 * DAY)),
  };
}
