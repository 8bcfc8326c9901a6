/**
 * The fitted detector as plain JSON: what the scoring job keeps on disk between fits. `loadAnomalyModel`
 * validates with the same schema the type comes from, so a hand-edited or truncated file fails naming the
 * field instead of scoring with NaN.
 */
import { z } from 'zod';
import { SEASONS, slotCount } from './profile.ts';
import { ANOMALY_KINDS } from './series.ts';

const SeriesKeySchema = z.object({
  channel: z.string().optional(), sku: z.string().optional(), location: z.string().optional(), reason: z.string().optional(),
  stage: z.enum(['authorized', 'received']).optional(),
});
const LevelSchema = z.object({ a: z.number().positive(), b: z.number().nonnegative() });
const DispersionSchema = z.object({ low: z.number().nonnegative(), high: z.number().nonnegative() });
const Factors = z.array(z.number().nonnegative());

const ModelSchema = z.object({
  format: z.literal('control-tower/anomaly-model'),
  version: z.literal(1),
  kind: z.enum(ANOMALY_KINDS),
  bucketMs: z.number().int().positive(),
  timeZone: z.string().min(1),
  season: z.enum(SEASONS),
  fittedFrom: z.string(),
  fittedTo: z.string(),
  /** `sales`: returns are expected relative to lines sold (exposure.ts); the level is then a return rate. */
  exposure: z.enum(['none', 'sales']),
  /** Per group: the shared profile, the prior of its sparse series, the dispersion; returns: the sales lag. */
  groups: z.record(z.string(), z.object({
    factors: Factors, prior: LevelSchema, dispersion: DispersionSchema,
    lag: z.object({ shiftDays: z.number().nonnegative(), meanDays: z.number().positive() }).optional(),
    /** Returns by reason: the reason's share of every SKU's lines. */
    share: z.number().min(0).max(1).optional(),
  })),
  /** Per series: a count model (level, dispersion, its own profile when dense) or, returns by reason, a share. */
  series: z.record(z.string(), z.object({
    key: SeriesKeySchema, group: z.string(),
    level: LevelSchema.optional(), dispersion: DispersionSchema.optional(), factors: Factors.optional(),
    share: z.number().min(0).max(1).optional(),
  })),
});

/** A fitted detector (fitAnomalyModel): plain JSON. */
export type AnomalyModel = z.infer<typeof ModelSchema>;

export function saveAnomalyModel(model: AnomalyModel): string {
  return JSON.stringify(model);
}

/** Parse and validate a saved model; throws naming the first field that does not fit. */
export function loadAnomalyModel(json: string): AnomalyModel {
  let raw: unknown;
  try { raw = JSON.parse(json); } catch (err) { throw new Error(`anomaly model: invalid JSON (${(err as Error).message})`); }
  const r = ModelSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(`anomaly model: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const slots = slotCount(r.data.season);
  const bad = [...Object.values(r.data.groups), ...Object.values(r.data.series)].find((g) => g.factors && g.factors.length !== slots);
  if (bad) throw new Error(`anomaly model: a profile has ${bad.factors!.length} factors where season ${r.data.season} has ${slots}`);
  return r.data;
}
