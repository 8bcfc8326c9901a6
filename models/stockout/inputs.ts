/**
 * The stockout model's inputs from what ClickHouse and the forecaster give: ATP per SKU-location
 * (getInventoryPositions, or the allocation service's `atp`), open PO lines (getOpenInbound), a lead-time lookup
 * (models/features/lead-times.ts) and the daily forecast per `sku@location`.
 * - Inbound: confirmed lines only by default (the README's "confirmed inbound"); a line already past its expected
 *   date is taken as arriving in `overdueDays` (default 1) — no event restates the date of an overdue remainder.
 * - A SKU-location without a forecast cannot be scored: it is returned in `missingForecast`, not guessed.
 */
import type { DailyDemand, StockoutInput } from './stockout.ts';

const DAY_MS = 86_400_000;

export interface InboundLine { site: string; sku: string; poId: string; openQty: number; expectedAt: number; confirmed: boolean }

export function buildStockoutInputs(o: {
  positions: { sku: string; location: string; atp: number }[];
  forecasts: Map<string, DailyDemand>;
  inbound: InboundLine[];
  leadTime: (site: string, sku: string) => { meanDays: number; sdDays: number };
  /** Epoch ms: day 0 of the forecast starts here. */
  now: number;
  includeUnconfirmed?: boolean;
  overdueDays?: number;
  orderMultiple?: (sku: string) => number | undefined;
}): { inputs: StockoutInput[]; missingForecast: string[] } {
  const overdue = o.overdueDays ?? 1;
  const inbound = new Map<string, StockoutInput['inbound']>();
  for (const l of o.inbound) {
    if (!l.confirmed && !o.includeUnconfirmed) continue;
    const key = `${l.sku}@${l.site}`;
    const days = (l.expectedAt - o.now) / DAY_MS;
    inbound.set(key, [...inbound.get(key) ?? [], { qty: l.openQty, inDays: days < 0 ? overdue : days, reference: l.poId }]);
  }
  const inputs: StockoutInput[] = [];
  const missingForecast: string[] = [];
  for (const p of o.positions) {
    const id = `${p.sku}@${p.location}`;
    const demand = o.forecasts.get(id);
    if (!demand) { missingForecast.push(id); continue; }
    const lt = o.leadTime(p.location, p.sku);
    inputs.push({ sku: p.sku, location: p.location, demand, atp: p.atp, inbound: inbound.get(id) ?? [],
      leadTime: { meanDays: lt.meanDays, sdDays: lt.sdDays }, orderMultiple: o.orderMultiple?.(p.sku) });
  }
  return { inputs, missingForecast };
}
