/**
 * Test and benchmark fixture: daily demand per SKU-location from the simulator's operating scenario. Demand is
 * what customers ordered — the units of `orders.created` lines, on the UTC day the order was placed, at the
 * order's envelope `site` (the site serving its ship-to region; wholesale always wh-east) — not what shipped, so
 * stockouts do not censor it. `promo` is the share of each day a promotion featured the SKU (the scenario's
 * planned promotions, known ahead like a real promotion calendar).
 */
import { SITES } from '../../simulator/catalog.ts';
import { createScenario } from '../../simulator/scenario.ts';
import { DAY_MS, dayNumber, isoDate, type DemandSeries } from './series.ts';

export interface SimulatedHistoryOptions {
  seed: number;
  /** First day, YYYY-MM-DD. */
  start: string;
  days: number;
  skus: number;
  ordersPerDay: number;
}

export function simulatedDemand(o: SimulatedHistoryOptions): DemandSeries[] {
  const first = dayNumber(o.start);
  const scenario = createScenario({ seed: o.seed, start: `${o.start}T00:00:00Z`, days: o.days, skus: o.skus, ordersPerDay: o.ordersPerDay });
  const skuIds = scenario.catalog.skus.map((s) => s.id);
  const skuIndex = new Map(skuIds.map((id, i) => [id, i]));
  const siteIndex = new Map(SITES.map((s, i) => [s.id, i]));
  const qty = SITES.map(() => skuIds.map(() => new Float64Array(o.days)));
  for (const e of scenario.events()) {
    if (e.type !== 'orders.created') continue;
    const day = Math.floor(Date.parse(e.occurredAt) / DAY_MS) - first;
    const site = siteIndex.get(e.site);
    if (site === undefined || day < 0 || day >= o.days) continue;
    for (const l of e.lines) qty[site][skuIndex.get(l.sku)!][day] += l.qty;
  }
  const promo = skuIds.map(() => new Float64Array(o.days));
  for (const p of scenario.promotions()) {
    for (let d = 0; d < o.days; d++) {
      const from = (first + d) * DAY_MS;
      const overlap = Math.max(0, Math.min(p.endMs, from + DAY_MS) - Math.max(p.startMs, from)) / DAY_MS;
      if (overlap > 0) for (const sku of p.skus) promo[sku][d] = Math.min(1, promo[sku][d] + overlap);
    }
  }
  return SITES.flatMap((site, s) => skuIds.map((id, k) => ({
    id: `${id}@${site.id}`, start: isoDate(first), grain: 'day' as const, values: Array.from(qty[s][k]), promo: Array.from(promo[k]),
  })));
}
