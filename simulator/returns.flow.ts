/**
 * Reverse logistics: a delivered parcel comes back with the probability of its skus' return rates (apparel
 * ~12%, beauty ~2%), 0.5–~12 days after delivery; 95% of authorized returns arrive 0.5–4 days later, each line
 * is inspected (grade A–D) and dispositioned (restocked units go back into stock), and the refund follows.
 * Returns of orders delivered before the window arrive at a rate fading over its first 14 days, while returns
 * of the window's own deliveries ramp up. A returns_surge incident adds 'defective' returns of one sku.
 */
import { SITES, REGIONS } from './catalog.ts';
import type { Incident } from './incidents.ts';
import type { Inventory } from './inventory.flow.ts';
import { cumulative } from './random.ts';
import { DAY, HOUR, MINUTE } from './time-zones.ts';
import type { Line, Shipment, World } from './world.ts';

const REASONS = ['size or fit', 'changed mind', 'defective', 'damaged in transit', 'not as described', 'arrived late'];
const REASON_CUM = cumulative([0.32, 0.22, 0.16, 0.1, 0.14, 0.06]);
const GRADES = ['A', 'B', 'C', 'D'] as const;
const GRADE_CUM = cumulative([0.6, 0.2, 0.12, 0.08]);
const DEFECTIVE_GRADE_CUM = cumulative([0.1, 0.15, 0.35, 0.4]);
/** Wholesale buyers rarely return; marketplaces a little less than the brand's own site. */
const CHANNEL_FACTOR = [1.1, 1, 0.95, 0.2];
const HISTORY_FADE_DAYS = 14;
/** Recent deliveries kept per sku for a surge to return (a surge draws ~25–200 a day). */
const RECENT_PER_SKU = 32;

export interface Returns {
  onDelivered(s: Shipment): void;
  startSurge(inc: Incident): void;
}

interface Rma { rmaId: string; orderId: string; site: number; lines: (Line & { reason: string })[]; defective: boolean }

export function createReturns(w: World, inventory: Inventory): Returns {
  const { rng, catalog } = w;
  const recent = new Map<number, Shipment[]>();
  const meanReturnRate = catalog.skus.reduce((n, s) => n + s.share * s.returnRate, 0);
  const maxReturnRate = Math.max(...catalog.skus.map((s) => s.returnRate));

  function authorize(rma: Rma) {
    w.emit({ id: '', type: 'returns.authorized',
      occurredAt: w.iso(w.now), source: 'returns-portal', site: SITES[rma.site].id, schemaVersion: 1,
      rmaId: rma.rmaId, orderId: rma.orderId,
      lines: rma.lines.map((l) => ({ sku: catalog.skus[l.sku].id, qty: l.qty, reason: l.reason })) });
    if (rng.chance(0.95)) w.schedule(w.now + rng.between(0.5, 4) * DAY, () => receive(rma));
  }

  function receive(rma: Rma) {
    w.emit({ id: '', type: 'returns.received',
      occurredAt: w.iso(w.now), source: SITES[rma.site].source, site: SITES[rma.site].id, schemaVersion: 1,
      rmaId: rma.rmaId,
      lines: rma.lines.map((l) => ({ sku: catalog.skus[l.sku].id, qty: l.qty })) });
    for (const l of rma.lines) w.schedule(w.now + rng.between(2, 30) * HOUR, () => inspect(rma, l));
    const amount = rma.lines.reduce((n, l) => n + l.qty * l.priceCents, 0) / 100;
    w.schedule(w.now + rng.between(1, 48) * HOUR, () => w.emit({ id: '', type: 'returns.refunded',
      occurredAt: w.iso(w.now), source: 'erp', site: SITES[rma.site].id, schemaVersion: 1,
      rmaId: rma.rmaId, orderId: rma.orderId, amount, currency: 'USD' }));
  }

  function inspect(rma: Rma, l: Line & { reason: string }) {
    const sku = catalog.skus[l.sku].id;
    const grade = GRADES[rng.weighted(rma.defective || l.reason === 'defective' ? DEFECTIVE_GRADE_CUM : GRADE_CUM)];
    const site = SITES[rma.site];
    w.emit({ id: '', type: 'returns.inspected',
      occurredAt: w.iso(w.now), source: site.source, site: SITES[rma.site].id, schemaVersion: 1,
      rmaId: rma.rmaId, sku, qty: l.qty, grade });
    const r = rng.next();
    const disposition = grade === 'A' ? 'restock' : grade === 'B' ? (r < 0.6 ? 'restock' : 'refurbish')
      : grade === 'C' ? (r < 0.5 ? 'refurbish' : 'liquidate') : (r < 0.7 ? 'scrap' : 'liquidate');
    w.schedule(w.now + rng.between(5, 60) * MINUTE, () => {
      w.emit({ id: '', type: 'returns.dispositioned',
        occurredAt: w.iso(w.now), source: site.source, site: SITES[rma.site].id, schemaVersion: 1,
        rmaId: rma.rmaId, sku, qty: l.qty, disposition });
      if (disposition === 'restock') inventory.receive(rma.site, l.sku, l.qty, {});
    });
  }

  function rmaFor(orderId: string, site: number, line: Line, reason: string, defective: boolean): Rma {
    return { rmaId: w.nextId('RMA'), orderId, site, defective, lines: [{ ...line, qty: rng.int(1, line.qty), reason }] };
  }

  /** Returns of orders delivered before the window: thinning against a rate that fades to zero over 14 days. */
  function history() {
    const perDay = w.ordersPerDay * meanReturnRate * 1.5;
    const step = () => {
      const fade = 1 - (w.now - w.start) / (HISTORY_FADE_DAYS * DAY);
      if (fade <= 0) return;
      if (rng.chance(fade)) {
        let sku = catalog.sampler.sample(rng);
        if (!rng.chance(catalog.skus[sku].returnRate / maxReturnRate)) sku = catalog.sampler.sample(rng);
        const line = { sku, qty: rng.int(1, 2), priceCents: Math.round(catalog.skus[sku].price * 100) };
        authorize(rmaFor(w.nextId('SO'), REGIONS[rng.weighted(catalog.regionWeights)].site, line, REASONS[rng.weighted(REASON_CUM)], false));
      }
      w.schedule(w.now + rng.exp(DAY / perDay), step);
    };
    w.schedule(w.start + rng.exp(DAY / perDay), step);
  }

  history();

  return {
    onDelivered(s) {
      let p = 0;
      for (const l of s.lines) {
        p += catalog.skus[l.sku].returnRate;
        if (!w.incidents.surgePlanned(l.sku)) continue;
        let list = recent.get(l.sku);
        if (!list) recent.set(l.sku, (list = []));
        list.push(s);
        if (list.length > 2 * RECENT_PER_SKU) list.splice(0, RECENT_PER_SKU);
      }
      if (!rng.chance(Math.min(0.9, p * CHANNEL_FACTOR[s.channel]))) return;
      // The line that comes back, weighted by its return rate.
      let x = rng.next() * p;
      const line = s.lines.find((l) => (x -= catalog.skus[l.sku].returnRate) < 0) ?? s.lines[0];
      const rma = rmaFor(s.orderId, s.site, line, REASONS[rng.weighted(REASON_CUM)], false);
      w.schedule(w.abs(s.deliveredRel) + 12 * HOUR + rng.exp(5 * DAY), authorize, rma);
    },
    startSurge(inc) {
      const step = () => {
        if (w.now >= inc.endMs) return;
        // Prefer a real recent delivery of the sku (each returned once); otherwise an order from before the window.
        const list = recent.get(inc.sku) ?? [];
        let found: Shipment | undefined;
        for (let i = list.length - 1; i >= 0 && !found; i--) {
          if (w.abs(list[i].deliveredRel) <= w.now) found = list.splice(i, 1)[0];
        }
        const line = found?.lines.find((l) => l.sku === inc.sku)
          ?? { sku: inc.sku, qty: 1, priceCents: Math.round(catalog.skus[inc.sku].price * 100) };
        const reason = rng.chance(0.8) ? 'defective' : 'not as described';
        const site = found?.site ?? REGIONS[rng.weighted(catalog.regionWeights)].site;
        authorize(rmaFor(found?.orderId ?? w.nextId('SO'), site, line, reason, true));
        w.schedule(w.now + rng.exp(DAY / inc.magnitude), step);
      };
      step();
    },
  };
}
