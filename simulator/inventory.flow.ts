/**
 * Stock at the two sites: the opening count, receipts and putaway, stray adjustments with reason codes, cycle
 * counts that reveal unrecorded loss, transfers from the warehouse to the 3PL (a daily truck plus couriers
 * when the 3PL runs dry), quality holds, and the shrink incident.
 * Units are "available": on hand, put away, not held, not yet allocated to an order.
 */
import type { StockAdjusted } from '../contracts/index.ts';
import { SITES, SUPPLIERS, EAST, WEST, meanUnitsPerOrder } from './catalog.ts';
import type { Incident } from './incidents.ts';
import type { StockBook, World } from './world.ts';
import { DAY, HOUR, MINUTE } from './time-zones.ts';

/** Share of consumer demand shipped to west regions (us-sw + us-w + us-nw). */
const WEST_SHARE = 0.38;
const HOLD_REASONS = ['supplier quality notice', 'damaged packaging', 'labeling error', 'customer complaints', 'lot recall check'];
const SAFETY_DAYS = { domestic: 3, overseas: 10 };
const COURIER_RANKS = 150;

export interface Inventory extends StockBook {
  /** Expected units sold per day of a sku from a site (used for reorder points and labor). */
  dailyDemand(site: number, sku: number): number;
  startShrink(inc: Incident): void;
}

export function createInventory(w: World): Inventory {
  const { rng, catalog } = w;
  const n = catalog.skus.length;
  const avail = SITES.map(() => new Int32Array(n));
  const hidden = SITES.map(() => new Int32Array(n));
  const courierInTransit = new Uint8Array(n);
  const unitsPerDay = w.ordersPerDay * meanUnitsPerOrder();
  // Slotting: aisle and slot derived from the sku number; built once (every allocation line names its bin).
  const bins = SITES.map((s) => catalog.skus.map((_, sku) =>
    `${s.binPrefix}-A${String(1 + ((sku * 7) % 40)).padStart(2, '0')}-${String(1 + (sku % 97)).padStart(3, '0')}`));
  const bin = (site: number, sku: number) => bins[site][sku];

  function dailyDemand(site: number, sku: number): number {
    const s = catalog.skus[sku];
    const total = unitsPerDay * s.share;
    if (!s.atWest) return site === EAST ? total : 0;
    return site === WEST ? total * WEST_SHARE : total * (1 - WEST_SHARE);
  }

  function adjust(site: number, sku: number, qtyDelta: number, reasonCode: StockAdjusted['reasonCode'], reference?: string) {
    // Book stock may include allocated units, so a loss can exceed what is free: floor at zero.
    avail[site][sku] = Math.max(0, avail[site][sku] + qtyDelta);
    w.emit({ id: '', type: 'stock.adjusted', occurredAt: w.iso(w.now), source: SITES[site].source, site: SITES[site].id,
      schemaVersion: 1, sku: catalog.skus[sku].id, qtyDelta, reasonCode, ...(reference ? { reference } : {}) });
  }

  function putAway(site: number, sku: number, qty: number, holdChance: number) {
    w.emit({ id: '', type: 'stock.put_away', occurredAt: w.iso(w.now), source: SITES[site].source, site: SITES[site].id,
      schemaVersion: 1, sku: catalog.skus[sku].id, qty, bin: bin(site, sku) });
    if (rng.chance(holdChance)) placeHold(site, sku, qty);
    else avail[site][sku] += qty;
  }

  function placeHold(site: number, sku: number, qty: number) {
    const holdId = w.nextId('QH');
    const common = { source: SITES[site].source, site: SITES[site].id, schemaVersion: 1 as const, holdId, sku: catalog.skus[sku].id, qty };
    w.emit({ id: '', type: 'stock.quality_hold_placed',
      occurredAt: w.iso(w.now), ...common, reason: rng.pick(HOLD_REASONS) });
    w.schedule(w.now + rng.between(2, 30) * HOUR, () => {
      const released = rng.chance(0.85);
      if (released) avail[site][sku] += qty;
      w.emit({ id: '', type: 'stock.quality_hold_released',
        occurredAt: w.iso(w.now), ...common, outcome: released ? 'released' : 'scrapped' });
    });
  }

  function cycleCount(site: number, sku: number) {
    const expectedQty = avail[site][sku];
    const miscount = rng.chance(0.02) ? rng.pick([-1, 1]) : 0;
    const countedQty = Math.max(0, expectedQty - hidden[site][sku] + miscount);
    hidden[site][sku] = 0;
    const countId = w.nextId('CC');
    w.emit({ id: '', type: 'stock.cycle_counted',
      occurredAt: w.iso(w.now), source: SITES[site].source, site: SITES[site].id,
      schemaVersion: 1, sku: catalog.skus[sku].id, bin: bin(site, sku), expectedQty, countedQty });
    const variance = countedQty - expectedQty;
    if (variance !== 0) {
      w.schedule(w.now + rng.between(10, 90) * MINUTE, () => adjust(site, sku, variance, variance < -2 ? 'shrink' : 'correction', countId));
    }
  }

  function transfer(to: number, lines: { sku: number; qty: number }[], transitMs: number, expectedMs: number) {
    const from = to === WEST ? EAST : WEST;
    const transferId = w.nextId('TR');
    for (const { sku, qty } of lines) {
      avail[from][sku] -= qty;
      w.emit({ id: '', type: 'stock.transfer_shipped',
        occurredAt: w.iso(w.now), source: SITES[from].source, site: SITES[from].id,
        schemaVersion: 1, transferId, sku: catalog.skus[sku].id, qty, toSite: SITES[to].id, expectedAt: w.iso(expectedMs) });
    }
    w.schedule(w.now + transitMs, () => {
      for (const { sku, qty } of lines) {
        courierInTransit[sku] = 0;
        w.emit({ id: '', type: 'stock.transfer_received',
          occurredAt: w.iso(w.now), source: SITES[to].source, site: SITES[to].id,
          schemaVersion: 1, transferId, sku: catalog.skus[sku].id, qty, fromSite: SITES[from].id });
      }
      w.schedule(w.now + rng.between(20, 120) * MINUTE, () => { for (const l of lines) putAway(to, l.sku, l.qty, 0); });
    });
  }

  /** Daily truck, 05:00 Eastern except Sunday: top up the 3PL's skus to ~7 days of cover (up to 80 lines). */
  function rebalance(day: number) {
    const cal = w.calendars[EAST];
    const d = cal.day(day);
    const at = cal.at(d, 5);
    if (at < w.now) return rebalance(day + 1);
    w.schedule(at, () => {
      if (d.weekday !== 0) {
        const lines: { sku: number; qty: number }[] = [];
        for (const sku of catalog.byRank) {
          if (lines.length >= 80 || !catalog.skus[sku].atWest) continue;
          const west = dailyDemand(WEST, sku);
          const east = dailyDemand(EAST, sku);
          const spare = Math.floor(avail[EAST][sku] - 5 * east);
          if (avail[WEST][sku] < 4 * west && spare > 0) lines.push({ sku, qty: Math.max(1, Math.min(Math.round(7 * west), spare)) });
        }
        if (lines.length) transfer(WEST, lines, rng.between(1, 2) * DAY, w.now + 1.5 * DAY);
      }
      rebalance(day + 1);
    });
  }

  /** A Poisson stream of a site chore during its operating hours. */
  function chore(site: number, perDay: number, fn: () => void) {
    const [open, close] = SITES[site].opsHours;
    const tick = () => {
      const h = w.calendars[site].hourOf(w.now);
      if (h >= open && h < close) fn();
      w.schedule(w.now + rng.exp(DAY / perDay), tick);
    };
    w.schedule(w.now + rng.exp(DAY / perDay), tick);
  }

  // Opening position: 0.6–2× (lead time + safety stock) of cover, so about a third reorder at the first review;
  // 2% start empty (backorders from the first hour); the 3PL holds 0.5–6 days, so couriers run on day one.
  // The opening wall-to-wall count publishes it.
  for (let sku = 0; sku < n; sku++) {
    const sup = SUPPLIERS[catalog.skus[sku].supplier];
    const cover = (sup.leadDays.mean + SAFETY_DAYS[sup.region]) * rng.between(0.6, 2);
    avail[EAST][sku] = rng.chance(0.02) ? 0 : Math.round(cover * dailyDemand(EAST, sku) + rng.int(0, 5));
    if (catalog.skus[sku].atWest) avail[WEST][sku] = Math.round(rng.between(0.5, 6) * dailyDemand(WEST, sku) + rng.int(0, 3));
  }
  w.schedule(w.start, () => {
    for (let site = 0; site < SITES.length; site++) {
      for (let sku = 0; sku < n; sku++) if (site === EAST || catalog.skus[sku].atWest) cycleCount(site, sku);
    }
  });
  rebalance(w.calendars[EAST].dayAt(w.start).dayNumber);
  SITES.forEach((s, site) => {
    chore(site, s.adjustmentsPerDay, () => {
      const sku = catalog.sampler.sample(rng);
      if (site === WEST && !catalog.skus[sku].atWest) return;
      const r = rng.next();
      if (r < 0.4) adjust(site, sku, -rng.int(1, 3), 'damage');
      else if (r < 0.55) adjust(site, sku, rng.int(1, 4), 'found');
      else if (r < 0.75) adjust(site, sku, rng.pick([-1, 1]) * rng.int(1, 5), 'correction');
      else if (r < 0.85) adjust(site, sku, -rng.int(2, 10), 'expired');
      else if (r < 0.95) adjust(site, sku, -rng.int(1, 3), 'shrink');
      else adjust(site, sku, -rng.int(1, 2), 'theft');
    });
    // ABC counting: half the counts go to fast movers (drawn by popularity), half uniformly.
    chore(site, s.countsPerDay, () => {
      const sku = rng.chance(0.5) ? catalog.sampler.sample(rng) : rng.int(0, n - 1);
      if (site === EAST || catalog.skus[sku].atWest) cycleCount(site, sku);
    });
    chore(site, s.hiddenLossPerDay, () => { hidden[site][catalog.sampler.sample(rng)] += rng.int(1, 2); });
    chore(site, s.holdsPerDay, () => {
      const sku = catalog.sampler.sample(rng);
      const qty = Math.min(avail[site][sku], rng.int(2, 20));
      if (qty > 0) { avail[site][sku] -= qty; placeHold(site, sku, qty); }
    });
  });

  return {
    dailyDemand,
    bin,
    available: (site, sku) => avail[site][sku],
    take: (site, sku, qty) => { avail[site][sku] -= qty; },
    restore: (site, sku, qty) => { avail[site][sku] += qty; },
    shortage(site, sku) {
      // A courier (10–20 h) when the 3PL runs out of a top-150 sku the warehouse has plenty of; the rest wait for the truck.
      if (site !== WEST || courierInTransit[sku] || catalog.skus[sku].rank >= COURIER_RANKS) return;
      const qty = Math.min(Math.floor(avail[EAST][sku] / 3), Math.max(1, Math.round(3 * dailyDemand(WEST, sku))));
      if (qty < 1) return;
      courierInTransit[sku] = 1;
      transfer(WEST, [{ sku, qty }], rng.between(10, 20) * HOUR, w.now + 16 * HOUR);
    },
    receive(site, sku, qty, ref) {
      w.emit({ id: '', type: 'stock.received', occurredAt: w.iso(w.now), source: SITES[site].source, site: SITES[site].id,
        schemaVersion: 1,
          sku: catalog.skus[sku].id, qty, ...(ref.poId ? { poId: ref.poId } : {}), ...(ref.asnId ? { asnId: ref.asnId } : {}) });
      w.schedule(w.now + rng.between(20, 180) * MINUTE, () => putAway(site, sku, qty, ref.holdChance ?? 0));
    },
    startShrink(inc) {
      hidden[inc.site][inc.sku] += rng.int(5, 15);
      for (let i = 0; i < inc.magnitude; i++) {
        w.schedule(inc.startMs + rng.next() * (inc.endMs - inc.startMs), () =>
          adjust(inc.site, inc.sku, -rng.int(1, 6), rng.chance(0.6) ? 'shrink' : 'theft'));
      }
      w.schedule(inc.endMs + rng.between(1, 3) * HOUR, () => cycleCount(inc.site, inc.sku));
    },
  };
}
