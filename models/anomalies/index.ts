/**
 * Anomalies in order intake per channel, inventory adjustments per SKU-location and reason, and returns per SKU,
 * each with a plain explanation. What the scoring job calls (design and evidence in README.md):
 *
 * ```ts
 * const b = createSeriesBuilders({ timeZone: 'America/New_York' });
 * for (const ev of events) b.add(ev);                          // in arrival order (or pass arrivedAt)
 * const model = fitAnomalyModel(b.intake(), { from: historyStart, to: scoreFrom });
 * // Complete buckets only: `to` is the start of the bucket in progress (15 min for intake, a local day otherwise).
 * const scores = scoreAnomalies(model, b.intake(), { from: scoreFrom, to: bucketStartNow }).filter((s) => isAlert(s));
 * writeFileSync('intake.json', saveAnomalyModel(model));   // loadAnomalyModel(text) validates it back
 * ```
 */
export { ANOMALY_KINDS, DEFAULT_INTAKE_BUCKET_MINUTES, buildAdjustmentSeries, buildIntakeSeries, buildReturnsSeries, createSeriesBuilders, seriesId } from './series.ts';
export type { AnomalyKind, CountBucket, CountSeries, SeriesBuilderOptions, SeriesBuilders, SeriesKey, SeriesSet } from './series.ts';
export { ALERT_DIRECTIONS, ALERT_SCORE, DEFAULT_SEASON, fitAnomalyModel, isAlert, loadAnomalyModel, normalisedScore, saveAnomalyModel, scoreAnomalies } from './model.ts';
export type { AnomalyModel, AnomalyScore, FitOptions, ScoreOptions } from './model.ts';
export type { Direction } from './count-model.ts';
export { SEASONS, type Season } from './profile.ts';
export { parseInstant, parseStreamCsv, scoreStream, StreamFormatError } from './stream.ts';
export type { StreamOptions, StreamResult, StreamRow, StreamScore } from './stream.ts';
