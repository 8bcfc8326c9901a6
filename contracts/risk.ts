/**
 * Risk scores as published on NATS when they change (`risk.<kind>.<site>`): the scoring job's output for
 * alerts and dashboards. Not an operational event (they are derived, and land in ClickHouse's risk_scores
 * table directly from the scoring job), so they live outside the OPS stream.
 */
import { z } from 'zod';
import { Id, Instant } from './envelope.ts';

export const RiskKind = z.enum(['stockout', 'cutoff_order', 'cutoff_wave', 'anomaly']);
export type RiskKind = z.infer<typeof RiskKind>;

export const RISK_SUBJECT_PREFIX = 'risk';
export const riskSubject = (kind: RiskKind, site: string) => `${RISK_SUBJECT_PREFIX}.${kind}.${site}`;

export const RiskScoreSchema = z.object({
  kind: RiskKind,
  /** What is scored: `sku@location`, an order id, `site/carrier/cutoff`, an anomaly series key. */
  entity: z.string().min(1).max(256),
  site: Id,
  sku: Id.optional(),
  /** A probability (stockout before replenishment, cutoff miss) or a normalised anomaly score, 0–1. */
  score: z.number().min(0).max(1),
  /** The previous published score of this entity, when there was one. */
  previousScore: z.number().min(0).max(1).optional(),
  model: z.string().min(1).max(64),
  modelVersion: z.string().min(1).max(64),
  scoredAt: Instant,
  /** A plain sentence: "SKU-00042 at wh-east: 72% chance to stock out before PO-881 lands on 12 Dec". */
  explanation: z.string().max(500),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
});
export type RiskScore = z.infer<typeof RiskScoreSchema>;
