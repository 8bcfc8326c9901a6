/**
 * The latest score of every entity of one kind, highest risk first: the dashboards' risk lists and the alert
 * rules' input. Reads risk_scores_latest with FINAL (one row per entity, the newest by scored_at; migration
 * 0005), so the cost is about one row per entity whatever the scoring frequency. `since` leaves out entities
 * whose latest score is older (no longer scored: a SKU delisted, an order shipped).
 */
import { selectRows, type Db } from '../client.ts';
import type { RiskKind } from '../../contracts/index.ts';

export interface LatestRiskScore {
  kind: RiskKind;
  entity: string;
  site: string;
  /** '' when the entity is not a sku. */
  sku: string;
  score: number;
  model: string;
  modelVersion: string;
  /** Epoch ms. */
  scoredAt: number;
  explanation: string;
  details: Record<string, string | number | boolean | null>;
  stockoutDate: string | null;
  /** Null also when there was no demand (infinite cover). */
  daysOfCover: number | null;
  reorderQty: number | null;
  /** Epoch ms. */
  predictedCompletionAt: number | null;
  observed: number | null;
  expected: number | null;
}

interface Row {
  kind: RiskKind; entity: string; site: string; sku: string; score: number; model: string; model_version: string;
  scored_ms: number; explanation: string; details: string; stockout_date: string | null; days_of_cover: number | null;
  reorder_qty: number | null; predicted_ms: number | null; observed: number | null; expected: number | null;
}

const sql = (where: string[]) => `
SELECT kind, entity, site, sku, score, model, model_version, toUnixTimestamp64Milli(scored_at) AS scored_ms, explanation,
       details, toString(stockout_date) AS stockout_date, days_of_cover, reorder_qty,
       toUnixTimestamp64Milli(predicted_completion_at) AS predicted_ms, observed, expected
FROM risk_scores_latest FINAL
WHERE kind = {kind:String} ${where.map((w) => `AND ${w}`).join(' ')}
ORDER BY score DESC, site, entity
LIMIT {limit:UInt32}`;

const num = (x: number | null) => (x === null ? null : Number(x));

/** Up to `limit` entities of `kind` (optionally at one site, scored at or after `since`, epoch ms), riskiest first. */
export async function getLatestRiskScores(o: { db: Db; kind: RiskKind; site?: string; since?: number; limit: number }): Promise<LatestRiskScore[]> {
  const where = [o.site ? 'site = {site:String}' : '', o.since !== undefined ? 'scored_at >= fromUnixTimestamp64Milli({sinceMs:Int64})' : '']
    .filter(Boolean);
  const rows = await selectRows<Row>(o.db, 'getLatestRiskScores', sql(where),
    { kind: o.kind, site: o.site ?? '', sinceMs: o.since ?? 0, limit: o.limit });
  return rows.map((r) => ({
    kind: r.kind, entity: r.entity, site: r.site, sku: r.sku, score: Number(r.score), model: r.model, modelVersion: r.model_version,
    scoredAt: Number(r.scored_ms), explanation: r.explanation, details: JSON.parse(r.details || '{}') as LatestRiskScore['details'],
    stockoutDate: r.stockout_date, daysOfCover: num(r.days_of_cover), reorderQty: num(r.reorder_qty),
    predictedCompletionAt: num(r.predicted_ms), observed: num(r.observed), expected: num(r.expected),
  }));
}
