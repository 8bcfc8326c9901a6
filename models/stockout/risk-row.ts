/**
 * Stockout scores as risk_scores rows (clickhouse/queries/insertRiskScores.ts): entity `sku@location` (the
 * risk contract's form), site = the location, the probability as the score, the dashboard facts typed and the
 * rest of the score in `details`.
 */
import type { RiskScoreRow } from '../../clickhouse/queries/insertRiskScores.ts';
import { explainStockout, type StockoutScore } from './stockout.ts';

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

/** One row per score; `scoredAt` is an ISO-8601 instant with offset. */
export function stockoutRiskRows(scores: StockoutScore[], o: { model: string; modelVersion: string; scoredAt: string }): RiskScoreRow[] {
  return scores.map((s) => ({
    kind: 'stockout', entity: `${s.sku}@${s.location}`, site: s.location, sku: s.sku, score: s.probability,
    model: o.model, modelVersion: o.modelVersion, scoredAt: o.scoredAt, explanation: explainStockout(s),
    stockoutDate: s.stockoutDate, daysOfCover: s.daysOfCover, reorderQty: s.reorderQty,
    details: {
      replenishment: s.replenishment.kind, replenishmentInDays: round(s.replenishment.inDays), replenishmentSdDays: round(s.replenishment.sdDays),
      reference: s.replenishment.reference ?? null, stockoutDay: s.stockoutDay, safetyStock: round(s.safetyStock),
      orderUpTo: round(s.orderUpTo), inventoryPosition: s.inventoryPosition,
    },
  }));
}
