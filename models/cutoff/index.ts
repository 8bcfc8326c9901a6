/**
 * Carrier cutoff-miss risk: per order and per site × carrier cutoff, the probability of being handed to the
 * carrier after promisedShipBy (./miss.ts), and a predicted completion time. The API for the scoring job and
 * `tower cutoff backtest`.
 */
export { MISS_GRACE_MS, outcomeAt, type Outcome } from './miss.ts';
export { CutoffFeatureBuilder, CUTOFF_EVENT_TYPES, type CutoffGroup, type OrderRecord } from './feature-builder.ts';
export { FEATURE_NAMES, type OrderSnapshot } from './features.ts';
export { CHECKPOINTS, CHECKPOINT_MINUTES, Replayer, timeOrder, type Checkpoint, type TimedEvent } from './replay.ts';
export { CutoffModel, MODEL_FORMAT, type CutoffModelMetadata } from './model.ts';
export { trainCutoffModel, fitCutoffModel, trainingRows, type TrainOptions } from './train.ts';
export { CutoffScorer, type CutoffRisk, type OrderCutoffRisk, type ScoreOptions } from './scorer.ts';
export { runCutoffBacktest, formatBacktest, csvLine, CSV_HEADER, type BacktestReport, type PredictionRow } from './backtest.ts';
export { readEventsFile } from './events-file.ts';
export { auc, brier, precisionAtTop, binaryMetrics } from './metrics.ts';
export { fitPlatt, applyPlatt } from './calibration.ts';
