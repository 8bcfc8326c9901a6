/**
 * Purchase orders: a replenishment review at the start and at 09:00 Eastern on weekdays raises one PO per
 * supplier for skus below their reorder point; suppliers confirm, send an ASN, and the warehouse receives
 * during receiving hours (12% partially, the rest following 1–3 days later). Some POs slip on their own
 * (7% domestic, 15% overseas); a supplier_delay incident slips all of one supplier's open POs.
 */
import { SITES, SUPPLIERS, EAST } from './catalog.ts';
import type { Incident } from './incidents.ts';
import type { Inventory } from './inventory.flow.ts';
import type { World } from './world.ts';
import { DAY, HOUR, MINUTE } from './time-zones.ts';

const SAFETY_DAYS = { domestic: 3, overseas: 10 };
/** Days of demand a PO covers beyond the reorder point: frequent small domestic buys, rare big overseas ones. */
const REVIEW_DAYS = { domestic: 5, overseas: 30 };
const MAX_LINES = 500;
const PARTIAL_CHANCE = 0.12;
const RECEIPT_HOLD_CHANCE = 0.04;
const SUNDAY_RECEIVING: [number, number] = [8, 12];

interface Po {
  poId: string;
  supplier: number;
  lines: { sku: number; qty: number }[];
  /** Lines still to receive (all of them until a partial receipt). */
  remaining: { sku: number; qty: number }[];
  expectedMs: number;
  version: number;
  asnId: string;
  shipped: boolean;
  received: boolean;
}

export interface Procurement {
  /** When the next open PO for a sku is expected (NaN if none): the date a backorder promises. */
  expectedArrival(sku: number): number;
  startSupplierDelay(inc: Incident): void;
}

export function createProcurement(w: World, inventory: Inventory): Procurement {
  const { rng, catalog } = w;
  const onOrder = new Int32Array(catalog.skus.length);
  const nextArrival = new Float64Array(catalog.skus.length).fill(NaN);
  const open = new Map<string, Po>();
  const site = EAST;
  const cal = w.calendars[site];

  /** Next receiving-hours instant at or after ms (Sunday: a short 08:00–12:00 dock). */
  function receivingTime(ms: number): number {
    const hours = (d: { weekday: number }): [number, number] => (d.weekday === 0 ? SUNDAY_RECEIVING : SITES[site].receivingHours);
    let d = cal.dayAt(ms);
    const h = (ms - d.startMs) / HOUR;
    const [open, close] = hours(d);
    if (h >= open && h < close) return ms;
    if (h >= open) d = cal.day(d.dayNumber + 1);
    const [nextOpen] = hours(d);
    return cal.at(d, nextOpen + rng.between(0, 3));
  }

  function review() {
    SUPPLIERS.forEach((s, supplier) => {
      const lines: { sku: number; qty: number }[] = [];
      for (const sku of catalog.skus) {
        if (sku.supplier !== supplier) continue;
        const daily = inventory.dailyDemand(0, sku.index) + inventory.dailyDemand(1, sku.index);
        const reorderPoint = daily * (s.leadDays.mean + SAFETY_DAYS[s.region]);
        const position = inventory.available(site, sku.index) + onOrder[sku.index];
        if (position >= reorderPoint) continue;
        const want = reorderPoint + daily * REVIEW_DAYS[s.region] - position;
        lines.push({ sku: sku.index, qty: Math.max(1, Math.ceil(want / sku.casePack)) * sku.casePack });
      }
      for (let i = 0; i < lines.length; i += MAX_LINES) create(supplier, lines.slice(i, i + MAX_LINES));
    });
  }

  function create(supplier: number, lines: { sku: number; qty: number }[]) {
    const s = SUPPLIERS[supplier];
    const po: Po = {
      poId: w.nextId('PO'), supplier, lines, remaining: lines, version: 0, asnId: w.nextId('ASN'), shipped: false, received: false,
      expectedMs: receivingTime(w.now + Math.max(0.5 * s.leadDays.mean, rng.normal(s.leadDays.mean, s.leadDays.sd)) * DAY),
    };
    open.set(po.poId, po);
    for (const l of lines) {
      onOrder[l.sku] += l.qty;
      if (!(nextArrival[l.sku] <= po.expectedMs)) nextArrival[l.sku] = po.expectedMs;
    }
    w.emit({ id: '', type: 'purchase_orders.created',
      occurredAt: w.iso(w.now), source: 'erp', site: SITES[site].id, schemaVersion: 1,
      poId: po.poId, supplier: s.id, supplierRegion: s.region,
      lines: lines.map((l) => ({ sku: catalog.skus[l.sku].id, qty: l.qty, unitCost: catalog.skus[l.sku].unitCost })),
      expectedAt: w.iso(po.expectedMs) });
    w.schedule(w.now + rng.between(s.confirmHours[0], s.confirmHours[1]) * HOUR, () => confirm(po));
  }

  function confirm(po: Po) {
    const s = SUPPLIERS[po.supplier];
    po.expectedMs = receivingTime(Math.max(w.now + HOUR, po.expectedMs + rng.normal(0, s.leadDays.sd / 3) * DAY));
    w.emit({ id: '', type: 'purchase_orders.confirmed',
      occurredAt: w.iso(w.now), source: 'erp', site: SITES[site].id, schemaVersion: 1,
      poId: po.poId, supplier: s.id,
      confirmedExpectedAt: w.iso(po.expectedMs) });
    plan(po);
    const inc = w.incidents.active('supplier_delay', w.now, po.supplier);
    if (inc) {
      // Confirmed while the supplier is in trouble: pushed to just after the trouble ends, if not already later.
      const by = inc.endMs + rng.between(0, 1) * DAY - po.expectedMs;
      w.schedule(w.now + rng.between(0.5, 3) * HOUR, () => delay(po, by, 'supplier capacity constraint'));
    }
    else if (rng.chance(s.region === 'domestic' ? 0.07 : 0.15)) {
      const days = s.region === 'domestic' ? rng.between(1, 4) : rng.between(3, 12);
      const reason = s.region === 'domestic' ? rng.pick(['production backlog', 'raw material shortage', 'truck capacity'])
        : rng.pick(['port congestion', 'vessel rolled', 'customs hold']);
      w.schedule(w.now + rng.between(0.1, 0.8) * (po.expectedMs - w.now), () => delay(po, days * DAY, reason));
    }
  }

  /** Schedule the ASN and the receipt for the PO's current expected date; a later delay supersedes them. */
  function plan(po: Po) {
    const s = SUPPLIERS[po.supplier];
    const version = po.version;
    if (!po.shipped) {
      const shipAt = Math.max(w.now + 30 * MINUTE, po.expectedMs - s.transitDays * DAY);
      w.schedule(shipAt, () => { if (po.version === version) ship(po); });
    }
    const jitter = s.region === 'domestic' ? rng.normal(0, 1) * HOUR : rng.normal(0, 6) * HOUR;
    const receiveAt = receivingTime(Math.max(w.now + HOUR, po.expectedMs + jitter));
    w.schedule(receiveAt, () => { if (po.version === version) receive(po, PARTIAL_CHANCE); });
  }

  function ship(po: Po) {
    po.shipped = true;
    w.emit({ id: '', type: 'purchase_orders.shipped',
      occurredAt: w.iso(w.now), source: 'erp', site: SITES[site].id, schemaVersion: 1,
      poId: po.poId, supplier: SUPPLIERS[po.supplier].id,
      asnId: po.asnId, lines: po.lines.map((l) => ({ sku: catalog.skus[l.sku].id, qty: l.qty })), expectedAt: w.iso(po.expectedMs) });
  }

  function delay(po: Po, byMs: number, reason: string) {
    if (po.received || byMs <= 0) return;
    const previous = po.expectedMs;
    po.expectedMs = receivingTime(previous + byMs);
    po.version++;
    w.emit({ id: '', type: 'purchase_orders.delayed',
      occurredAt: w.iso(w.now), source: 'erp', site: SITES[site].id, schemaVersion: 1,
      poId: po.poId, supplier: SUPPLIERS[po.supplier].id,
      previousExpectedAt: w.iso(previous), newExpectedAt: w.iso(po.expectedMs), reason });
    for (const l of po.lines) if (nextArrival[l.sku] < po.expectedMs) nextArrival[l.sku] = po.expectedMs;
    plan(po);
  }

  function receive(po: Po, partialChance: number) {
    if (!po.shipped) ship(po);
    const lines = po.remaining;
    const got = rng.chance(partialChance)
      ? lines.map((l) => ({ sku: l.sku, qty: Math.max(1, Math.floor(l.qty * rng.between(0.5, 0.95))) })) : lines;
    const rest = lines.map((l, i) => ({ sku: l.sku, qty: l.qty - got[i].qty })).filter((l) => l.qty > 0);
    w.emit({ id: '', type: 'purchase_orders.received',
      occurredAt: w.iso(w.now), source: 'erp', site: SITES[site].id, schemaVersion: 1,
      poId: po.poId, supplier: SUPPLIERS[po.supplier].id,
      asnId: po.asnId, lines: got.map((l) => ({ sku: catalog.skus[l.sku].id, qty: l.qty })), partial: rest.length > 0 });
    for (const l of got) {
      onOrder[l.sku] = Math.max(0, onOrder[l.sku] - l.qty);
      inventory.receive(site, l.sku, l.qty, { poId: po.poId, asnId: po.asnId, holdChance: RECEIPT_HOLD_CHANCE });
    }
    po.remaining = rest;
    if (rest.length) {
      // The short-shipped remainder follows on a second truck.
      po.expectedMs = receivingTime(w.now + rng.between(1, 3) * DAY);
      const version = ++po.version;
      w.schedule(po.expectedMs, () => { if (po.version === version) receive(po, 0); });
      return;
    }
    po.received = true;
    open.delete(po.poId);
    for (const l of po.lines) nextArrival[l.sku] = NaN;
  }

  function reviewDaily(day: number) {
    const d = cal.day(day);
    const at = cal.at(d, 9);
    if (at < w.now) return reviewDaily(day + 1);
    w.schedule(at, () => {
      if (d.weekday >= 1 && d.weekday <= 5) review();
      reviewDaily(day + 1);
    });
  }

  w.schedule(w.start + 5 * MINUTE, review);
  reviewDaily(cal.dayAt(w.start + 5 * MINUTE).dayNumber);

  return {
    expectedArrival: (sku) => nextArrival[sku],
    startSupplierDelay(inc) {
      let i = 0;
      for (const po of open.values()) {
        if (po.supplier !== inc.supplier || po.received) continue;
        const reason = SUPPLIERS[po.supplier].region === 'domestic' ? 'supplier capacity constraint' : 'port congestion';
        w.schedule(w.now + (i++) * 2 * MINUTE, () => delay(po, inc.magnitude * rng.between(0.9, 1.1), reason));
      }
    },
  };
}
