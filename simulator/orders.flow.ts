/**
 * Order capture and allocation. Each channel is a Poisson stream shaped by time of day, weekday and promotions;
 * an order is routed to the site serving its region, allocated line by line, split when the other site has
 * what the first lacks, backordered when neither has it (retried when the next PO lands, cancelled after 3
 * tries), and 1.5% of consumer orders are cancelled by the customer before they reach a wave.
 * A feed_delay incident holds a marketplace's orders and delivers them in a 3-minute burst when it ends.
 */
import { CHANNELS, EAST, PRIORITIES, REGIONS, SERVICE_CHOICES, SITES, WEST } from './catalog.ts';
import type { Fulfillment } from './fulfillment.flow.ts';
import type { Inventory } from './inventory.flow.ts';
import type { Procurement } from './procurement.flow.ts';
import { DAY, HOUR, MINUTE } from './time-zones.ts';
import type { Line, Shipment, World } from './world.ts';

const CANCEL_CHANCE = 0.015;
const BACKORDER_TRIES = 3;
const BURST_MS = 3 * MINUTE;

interface Order {
  orderId: string;
  channel: number;
  site: number;
  carrier: number;
  service: number;
  lines: Line[];
  promisedRel: number;
  /** Allocation attempts; -1 once cancelled. */
  tries: number;
  shipments: Shipment[] | undefined;
  cancelReason: string;
}

export function createOrders(w: World, deps: { inventory: Inventory; procurement: Procurement; fulfillment: Fulfillment }): void {
  const { rng, catalog } = w;
  const { inventory, procurement, fulfillment } = deps;

  // Steps are shared functions given the order (no closure per order: ~20k orders a day stay alive for hours).
  function arrive(channel: number) {
    create(channel);
    w.schedule(w.demand.nextArrival(rng, channel, w.now), arrive, channel);
  }

  function create(channel: number) {
    const c = CHANNELS[channel];
    const t = w.now;
    const promo = w.demand.promotionAt(channel, t);
    const built: Line[] = [];
    const want = rng.count(c.lines.mean, c.lines.max);
    for (let i = 0; i < want; i++) {
      const sku = promo && rng.chance(promo.lineShare) ? rng.pick(promo.skus) : catalog.sampler.sample(rng);
      if (hasSku(built, sku)) continue;
      const price = catalog.skus[sku].price * c.priceFactor * (promo ? 0.8 : 1);
      built.push({ sku, qty: rng.count(c.qty.mean, c.qty.max) * c.qty.casePack, priceCents: Math.round(price * 100) });
    }
    // A pushed-to array keeps spare capacity (17 slots); ~100k order lines are alive at once, so keep exact copies.
    const lines = built.slice();
    const region = REGIONS[rng.weighted(catalog.regionWeights)];
    const site = c.business ? EAST : region.site;
    const priority = rng.weighted(c.priority);
    const choice = SERVICE_CHOICES[priority];
    const { carrier, service } = choice.options[rng.weighted(choice.cum)];
    // Orders need ~2 h of pick/pack before the cutoff (1 h for express); wholesale ships within 2 days.
    const lead = c.business ? 36 * HOUR : priority === 2 ? HOUR : 2 * HOUR;
    const promise = w.calendars[site].nextCutoffDay(carrier, t, lead);
    const order: Order = { orderId: w.nextId('SO'), channel, site, carrier, service, lines, promisedRel: w.rel(promise.cutoffMs[carrier]),
      tries: 0, shipments: undefined, cancelReason: '' };
    const ev = {
      id: '', type: 'orders.created' as const,
        occurredAt: w.iso(t), source: c.id, site: SITES[site].id, schemaVersion: 1 as const,
      orderId: order.orderId, channel: c.id, currency: 'USD', shipToRegion: region.id, promisedShipBy: promise.cutoffIso[carrier],
      priority: PRIORITIES[priority], lines: lines.map(toOrderLine),
    };
    const held = channel === 1 || channel === 2 ? w.incidents.active('feed_delay', t, channel) : undefined;
    // Held orders reach the OMS in their original order, spread over the burst.
    const arrivesAt = held ? held.endMs + ((t - held.startMs) / (held.endMs - held.startMs)) * BURST_MS : t;
    if (held) w.emitAt(arrivesAt, ev);
    else w.emit(ev);
    const checks = c.business ? rng.between(20, 90) * MINUTE : rng.exp(2 * MINUTE);
    w.schedule(arrivesAt + checks, allocate, order);
    if (!c.business && rng.chance(CANCEL_CHANCE)) {
      order.cancelReason = 'customer request';
      w.schedule(arrivesAt + rng.exp(45 * MINUTE), cancel, order);
    }
  }

  function toOrderLine(l: Line) { return { sku: catalog.skus[l.sku].id, qty: l.qty, unitPrice: l.priceCents / 100 }; }

  function allocate(order: Order) {
    if (order.tries < 0) return; // cancelled while waiting
    const primary = order.site;
    const other = primary === EAST ? WEST : EAST;
    let elsewhere = 0;
    let missing = 0;
    for (const l of order.lines) {
      if (inventory.available(primary, l.sku) >= l.qty) continue;
      inventory.shortage(primary, l.sku);
      if (inventory.available(other, l.sku) >= l.qty) elsewhere++;
      else missing++;
    }
    if (missing) {
      const short = (l: Line) => inventory.available(primary, l.sku) < l.qty && inventory.available(other, l.sku) < l.qty;
      return backorder(order, order.lines.filter(short));
    }
    order.shipments = [];
    if (elsewhere === 0) return ship(order, primary, order.lines);
    if (elsewhere === order.lines.length) return ship(order, other, order.lines);
    const here = order.lines.filter((l) => inventory.available(primary, l.sku) >= l.qty);
    const there = order.lines.filter((l) => inventory.available(primary, l.sku) < l.qty);
    w.emit({ id: '', type: 'orders.split',
      occurredAt: w.iso(w.now), source: 'oms', site: SITES[primary].id, schemaVersion: 1,
      orderId: order.orderId, shipments: [
      { shipmentId: `${order.orderId}-1`, site: SITES[primary].id, lines: here.map(toSkuQty) },
      { shipmentId: `${order.orderId}-2`, site: SITES[other].id, lines: there.map(toSkuQty) },
    ] });
    ship(order, primary, here);
    ship(order, other, there);
  }

  function toSkuQty(l: Line) { return { sku: catalog.skus[l.sku].id, qty: l.qty }; }

  function ship(order: Order, site: number, lines: Line[]) {
    let units = 0;
    const allocations = [];
    for (const l of lines) {
      units += l.qty;
      inventory.take(site, l.sku, l.qty);
      allocations.push({ sku: catalog.skus[l.sku].id, qty: l.qty, location: inventory.bin(site, l.sku) });
    }
    const shipment: Shipment = {
      orderId: order.orderId, channel: order.channel, site, carrier: order.carrier, service: order.service, lines, units,
      promisedRel: order.promisedRel, cancelled: false, released: false, waveId: '', readyRel: 0, handoffRel: 0, deliveredRel: 0,
      trackingNumber: '',
    };
    w.emit({ id: '', type: 'orders.allocated',
      occurredAt: w.iso(w.now), source: 'oms', site: SITES[site].id, schemaVersion: 1,
      orderId: order.orderId, allocations });
    order.shipments!.push(shipment);
    fulfillment.enqueue(shipment);
  }

  function backorder(order: Order, short: Line[]) {
    order.tries++;
    if (order.tries > BACKORDER_TRIES) {
      order.cancelReason = 'backorder not filled';
      return cancel(order);
    }
    const expected = Math.max(...short.map((l) => procurement.expectedArrival(l.sku)));
    const known = Number.isFinite(expected) && expected > w.now;
    w.emit({ id: '', type: 'orders.backordered',
      occurredAt: w.iso(w.now), source: 'oms', site: SITES[order.site].id, schemaVersion: 1,
      orderId: order.orderId,
      lines: short.map((l) => ({ sku: catalog.skus[l.sku].id, qty: l.qty })), ...(known ? { expectedAt: w.iso(expected) } : {}) });
    // Retry a few hours after the PO is due (putaway takes up to 3 h), or in 1–3 days when no PO is open.
    w.schedule(known ? expected + rng.between(3, 8) * HOUR : w.now + rng.between(1, 3) * DAY, allocate, order);
    if (rng.chance(0.2)) {
      order.cancelReason = 'customer cancelled backorder';
      w.schedule(w.now + rng.between(2, 24) * HOUR, cancel, order);
    }
  }

  function cancel(order: Order) {
    const shipments = order.shipments ?? [];
    if (order.tries < 0 || shipments.some((s) => s.released)) return; // already cancelled, or in a wave: too late
    order.tries = -1;
    for (const s of shipments) {
      s.cancelled = true;
      for (const l of s.lines) inventory.restore(s.site, l.sku, l.qty);
    }
    w.emit({ id: '', type: 'orders.cancelled',
      occurredAt: w.iso(w.now), source: 'oms', site: SITES[order.site].id, schemaVersion: 1,
      orderId: order.orderId, reason: order.cancelReason });
  }

  CHANNELS.forEach((_, channel) => w.schedule(w.demand.nextArrival(rng, channel, w.start), arrive, channel));
}

function hasSku(lines: Line[], sku: number): boolean {
  for (const l of lines) if (l.sku === sku) return true;
  return false;
}
