/**
 * Stockout risk for every SKU-location: positions (ATP) from the allocation service, demand forecasts from the
 * demand model, confirmed open inbound and lead times from ClickHouse → scores, stored and published.
 */
import type { Db } from '../../clickhouse/client.ts';
import { getOpenInbound } from '../../clickhouse/queries/getOpenInbound.ts';
import { getSupplierLeadTimes } from '../../clickhouse/queries/getSupplierLeadTimes.ts';
import type { RiskScoreRow } from '../../clickhouse/queries/insertRiskScores.ts';
import type { Position } from '../../contracts/api/allocation.ts';
import type { DemandModel, DemandSeries } from '../demand/index.ts';
import { leadTimeLookup } from '../features/lead-times.ts';
import { buildStockoutInputs } from '../stockout/inputs.ts';
import { stockoutRiskRows } from '../stockout/risk-row.ts';
import { scoreStockout } from '../stockout/stockout.ts';
import { forecastsById } from './demand.step.ts';

const DAY = 86_400_000;
/** Lead time when a SKU and its supplier have fewer than 3 receipts: a domestic week, with a wide spread. */
const FALLBACK_LEAD_TIME = { meanDays: 7, sdDays: 3 };

export async function scoreStockoutStep(o: { db: Db; model: DemandModel; modelVersion: number; history: DemandSeries[];
  positions: Position[]; now: number }): Promise<{ rows: RiskScoreRow[]; missingForecast: string[] }> {
  const [inbound, leadTimes] = await Promise.all([
    getOpenInbound({ db: o.db, asOf: o.now }),
    getSupplierLeadTimes({ db: o.db, from: o.now - 180 * DAY, to: o.now }),
  ]);
  const forecasts = forecastsById(o.model, o.history);
  // Day 0 of the forecast is today (the history ends at today's midnight).
  const today = Math.floor(o.now / DAY) * DAY;
  const { inputs, missingForecast } = buildStockoutInputs({
    positions: o.positions, forecasts, now: today, leadTime: leadTimeLookup(leadTimes, { fallback: FALLBACK_LEAD_TIME }),
    inbound: inbound.map((l) => ({ site: l.site, sku: l.sku, poId: l.poId, openQty: l.openQty, expectedAt: l.expectedAt, confirmed: l.confirmed })),
  });
  const scores = scoreStockout(inputs, { today: new Date(today).toISOString().slice(0, 10) });
  return { rows: stockoutRiskRows(scores, { model: 'stockout', modelVersion: `demand-v${o.modelVersion}`, scoredAt: new Date(o.now).toISOString() }),
    missingForecast };
}
