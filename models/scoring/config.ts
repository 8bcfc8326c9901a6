/** Scoring service configuration, parsed once at start-up. */
import { z } from 'zod';
import { CommonEnv, env, loadConfig } from '../../runtime/env.ts';

export const ScoringEnv = CommonEnv.extend({
  /** Registry folder (shared with `tower models`). */
  MODELS_DIR: z.string().default('.data/models'),
  /** A full scoring pass this often. */
  SCORING_INTERVAL_SECONDS: env.intFrom(300, 10, 86_400),
  /** Cutoff risk is re-scored this soon after order, carrier or warehouse events arrive (debounced). */
  SCORING_EVENT_DEBOUNCE_SECONDS: env.intFrom(30, 1, 3_600),
  /** Retrain every model this often; while a model has never been trained, training is retried every 10 minutes. */
  RETRAIN_HOURS: env.intFrom(24, 1, 24 * 30),
  SCORING_METRICS_PORT: env.intFrom(9470, 0, 65_535),
  TF_BACKEND: z.enum(['tensorflow', 'cpu', 'wasm']).optional(),
});
export type ScoringConfig = z.infer<typeof ScoringEnv>;
export const loadScoringConfig = (e?: Record<string, string | undefined>) => loadConfig(ScoringEnv, e);
