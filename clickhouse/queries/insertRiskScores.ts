/**
 * Store risk scores: one row per scored entity in risk_scores (30-day history), which its materialized view
 * copies into risk_scores_latest (migration 0005). Rows go in batches of 10,000 (the ingest writer's batch
 * size; 50k stockout scores are five inserts), each retried batch dropped by the deduplication token
 * insertJsonLines derives from its bytes. A score outside 0–1 or not finite is a model bug: it throws before
 * anything of the call is written.
 */
import { insertJsonLines, type Db } from '../client.ts';
import type { RiskScore } from '../../contracts/index.ts';

/** Typed facts a dashboard shows without parsing `details`; absent or null when the kind has none. */
export interface RiskScoreFacts {
  /** Stockout: projected stockout day, YYYY-MM-DD. */
  stockoutDate?: string | null;
  /** Stockout: days the available-to-promise covers; Infinity (stored as NULL) without demand. */
  daysOfCover?: number | null;
  /** Stockout: recommended order quantity. */
  reorderQty?: number | null;
  /** Cutoff: predicted completion instant (ISO-8601 with offset). */
  predictedCompletionAt?: string | null;
  /** Anomaly: the observed and the expected value. */
  observed?: number | null;
  expected?: number | null;
}

export type RiskScoreRow = Omit<RiskScore, 'previousScore'> & RiskScoreFacts;

const BATCH = 10_000;
const finiteOrNull = (x: number | null | undefined) => (x === undefined || x === null || !Number.isFinite(x) ? null : x);

/** Write the rows (any kinds, any sites); returns how many were written. */
export async function insertRiskScores(o: { db: Db; rows: RiskScoreRow[] }): Promise<{ written: number }> {
  for (const r of o.rows) {
    if (!(Number.isFinite(r.score) && r.score >= 0 && r.score <= 1)) throw new RangeError(`score of ${r.kind} ${r.entity} is ${r.score}, not in 0–1`);
  }
  for (let i = 0; i < o.rows.length; i += BATCH) {
    await insertJsonLines(o.db, 'risk_scores', o.rows.slice(i, i + BATCH).map((r) => JSON.stringify({
      scored_at: r.scoredAt, kind: r.kind, entity: r.entity, site: r.site, sku: r.sku ?? '', score: r.score, model: r.model,
      model_version: r.modelVersion, explanation: r.explanation, details: JSON.stringify(r.details ?? {}),
      stockout_date: r.stockoutDate ?? null, days_of_cover: finiteOrNull(r.daysOfCover),
      reorder_qty: r.reorderQty === undefined || r.reorderQty === null ? null : Math.round(r.reorderQty),
      predicted_completion_at: r.predictedCompletionAt ?? null, observed: finiteOrNull(r.observed), expected: finiteOrNull(r.expected),
    })));
  }
  return { written: o.rows.length };
}
