/**
 * Demand model training and forecasting, the API the stockout-risk and scoring modules use.
 *
 * Training: (1) the global model is trained on every series cut before the selection backtest; (2) a rolling-
 * origin backtest over the last `origins` origins of the training window (a week apart for daily data, H/2
 * apart for weekly) scores every method on every series; (3) each series gets the ensemble (global + TSB) unless
 * another method's mean RMSSE there is lower by SELECTION_MARGIN; (4) the global model is
 * then trained a few epochs more on the whole window (warm start), so its weights have seen the latest weeks.
 *
 * New SKUs: a series with less than MIN_HISTORY periods before its first selection origin has no backtest and
 * uses the global model, which was trained on windows from the first period of every series (zero-padded
 * lags, the observed share as a feature): it borrows the catalogue's shape where a baseline would extrapolate
 * three points. A series unknown to the model at forecast time is treated the same way; one with no history
 * at all gets the zero forecast. When no series is long enough to train the global model on (every history
 * shorter than the horizon), TSB takes its place as the fallback.
 */
import type { Logger } from '../../runtime/logger.ts';
import { changeScale, meanFinite, rmsseWithScale } from '../backtest/metrics.ts';
import { loadTf, type Tf } from '../tf.ts';
import { predictGlobal, trainGlobalModel, type GlobalConfig, type GlobalModel } from './global-model.ts';
import { averageForecasts, baselineForecast, ENSEMBLE, METHODS, runMethods, type BaselineMethod, type MethodName } from './methods.ts';
import { dayNumber, defaultHorizon, isoDate, periodDay, truncateSeries, type DemandSeries, type Forecast, type Grain } from './series.ts';

export interface DemandModelMetadata {
  trainedAt: string;
  /** First and last period (ISO dates) of the training data. */
  dataWindow: { from: string; to: string };
  series: number;
  seed: number;
  backend: string;
  trainSeconds: number;
  /** Mean RMSSE of each method in the selection backtest, and how many series chose each. */
  selection: { origins: number; step: number; rmsse: Partial<Record<MethodName, number>>; chosen: Partial<Record<MethodName, number>> };
}

export interface DemandModel {
  grain: Grain;
  horizon: number;
  global: GlobalModel;
  /** Method per series id, chosen by the backtest. */
  choice: Record<string, MethodName>;
  /** Method of series the model has not seen (new SKUs): 'global', or 'tsb' when it had nothing to learn from. */
  fallback: MethodName;
  metadata: DemandModelMetadata;
}

export interface SeriesForecast extends Forecast {
  id: string;
  /** ISO date of the first forecast period. */
  start: string;
  method: MethodName;
}

export interface TrainProgress {
  stage: 'select' | 'refit';
  epoch: number;
  epochs: number;
  loss: number;
}

export interface TrainDemandOptions {
  series: DemandSeries[];
  /** Periods ahead; default 14 days or 8 weeks. */
  horizon?: number;
  seed?: number;
  /** Epochs of the global model before the selection backtest (default 8) and after it on all data (default 3). */
  epochs?: number;
  refitEpochs?: number;
  /** Training windows sampled across series (default 16,000). */
  maxWindows?: number;
  /** Hidden units of the global model (default [32]). */
  hidden?: number[];
  /** Origins of the selection backtest (default 2). */
  origins?: number;
  /** A method other than the ensemble is chosen only when its backtest RMSSE is this much lower (default 0.25). */
  margin?: number;
  tf?: Tf;
  log?: Logger;
  onProgress?: (p: TrainProgress) => void;
}

export const LAGS = 14;
/**
 * A series leaves the ensemble only for a method whose selection-backtest RMSSE is 25% lower. Measured on a
 * simulator history (300 series, 3 outer origins): margin 0 (plain argmin) RMSSE 0.748 — two origins of 14 days
 * are too few to tell close methods apart, so picking the winner mostly picks noise — 0.1: 0.748, 0.25: 0.739,
 * always the ensemble: 0.738. The margin keeps the switch for the clear cases (a series that stopped selling).
 */
export const SELECTION_MARGIN = 0.25;
/** Periods of history a series needs before a selection origin to be scored there: two weeks of days. */
export const MIN_HISTORY = 14;

/** The one grain of a data set (mixing daily and weekly series is an error). */
export function grainOf(series: DemandSeries[]): Grain {
  const grains = new Set(series.map((s) => s.grain));
  if (grains.size > 1) throw new Error('series mix daily and weekly grain; train one model per grain');
  return series[0]?.grain ?? 'day';
}

/** Throws on the first series that is not a DemandSeries (series.ts): a clear message beats NaN forecasts. */
export function assertSeries(series: DemandSeries[], horizon: number): void {
  const starts = new Set<string>();
  for (const s of series) {
    let why = '';
    if (!s.id) why = 'id is empty';
    else if (!starts.has(s.start) && !Number.isFinite(dayNumber(s.start))) why = `start must be an ISO date YYYY-MM-DD, got ${String(s.start)}`;
    else if (s.promo && s.promo.length > s.values.length + horizon) why = `promo runs ${s.promo.length - s.values.length} periods past the values (horizon ${horizon})`;
    const v = s.values;
    for (let t = 0; t < v.length && !why; t++) if (!(v[t] >= 0 && v[t] < Infinity)) why = `values[${t}] is ${v[t]}, not a number ≥ 0`;
    if (why) throw new Error(`series "${s.id}": ${why}`);
    starts.add(s.start);
  }
}

/** Distance between selection-backtest origins: one week of days, or half the horizon in weeks. */
export function originStep(grain: Grain, horizon: number): number {
  return grain === 'day' ? 7 : Math.max(1, Math.ceil(horizon / 2));
}

export async function trainDemandModel(o: TrainDemandOptions): Promise<DemandModel> {
  const began = performance.now();
  const { tf, backend } = o.tf ? { tf: o.tf, backend: o.tf.getBackend() } : await loadTf({ log: o.log });
  const grain = grainOf(o.series);
  const horizon = o.horizon ?? defaultHorizon(grain);
  const seed = o.seed ?? 1;
  const K = o.origins ?? 2;
  const step = originStep(grain, horizon);
  const config: GlobalConfig = { grain, lags: LAGS, horizon, hidden: o.hidden ?? [32] };
  const maxWindows = o.maxWindows ?? 16_000;
  assertSeries(o.series, horizon);
  // The global model learns from windows with a full horizon of targets; without any, TSB stands in for it.
  const fallback: MethodName = o.series.some((s) => s.values.length > horizon) ? 'global' : 'tsb';

  // 1. The global model as of the earliest selection origin.
  const earliest = (s: DemandSeries) => s.values.length - horizon - (K - 1) * step;
  const global = await trainGlobalModel({
    tf, config, seed, epochs: o.epochs ?? 8, maxWindows,
    series: o.series.map((s) => truncateSeries(s, Math.max(0, earliest(s)))),
    onEpoch: (epoch, epochs, loss) => o.onProgress?.({ stage: 'select', epoch, epochs, loss }),
  });

  // 2–3. Rolling-origin backtest on the training window; the lowest mean RMSSE wins.
  const scores = o.series.map(() => new Map<MethodName, number[]>());
  const totals = new Map<MethodName, number[]>();
  for (let k = 0; k < K; k++) {
    const idx = o.series.flatMap((s, i) => (s.values.length - horizon - k * step >= MIN_HISTORY ? [i] : []));
    const series = idx.map((i) => o.series[i]);
    const origins = series.map((s) => s.values.length - horizon - k * step);
    const runs = runMethods({ methods: METHODS, series, origins, horizon, grain, global, pointsOnly: true });
    const actual = series.map((s, j) => s.values.slice(origins[j], origins[j] + horizon));
    const scale = series.map((s, j) => changeScale(s.values.slice(0, origins[j]), 1, 2));
    for (const [method, forecasts] of runs) {
      if (!totals.has(method)) totals.set(method, []);
      const total = totals.get(method)!;
      forecasts.forEach((f, j) => {
        const e = rmsseWithScale(actual[j], f.mean, scale[j]);
        const mine = scores[idx[j]];
        if (!mine.has(method)) mine.set(method, []);
        mine.get(method)!.push(e);
        total.push(e);
      });
    }
  }
  const choice: Record<string, MethodName> = {};
  const chosen: Partial<Record<MethodName, number>> = {};
  o.series.forEach((s, i) => {
    const m = chooseMethod(scores[i], o.margin ?? SELECTION_MARGIN, fallback);
    choice[s.id] = m;
    chosen[m] = (chosen[m] ?? 0) + 1;
  });

  // 4. Warm-start the global model on the whole window.
  await trainGlobalModel({
    tf, config, seed: seed + 1, epochs: o.refitEpochs ?? 3, maxWindows, series: o.series, from: global,
    onEpoch: (epoch, epochs, loss) => o.onProgress?.({ stage: 'refit', epoch, epochs, loss }),
  });

  let first = Infinity, last = -Infinity;
  for (const s of o.series) {
    if (!s.values.length) continue;
    first = Math.min(first, periodDay(s, 0));
    last = Math.max(last, periodDay(s, s.values.length - 1));
  }
  return {
    grain, horizon, global, choice, fallback,
    metadata: {
      trainedAt: new Date().toISOString(),
      dataWindow: { from: Number.isFinite(first) ? isoDate(first) : '', to: Number.isFinite(last) ? isoDate(last) : '' },
      series: o.series.length, seed, backend,
      trainSeconds: (performance.now() - began) / 1000,
      selection: {
        origins: K, step, chosen,
        rmsse: Object.fromEntries([...totals].map(([m, xs]) => [m, meanFinite(xs).mean])),
      },
    },
  };
}

/**
 * The ensemble, unless the method with the lowest mean RMSSE over the selection origins beats it by `margin`.
 * A series too new for any origin (no scores) gets the fallback, the global model (see the module comment);
 * one whose scores are all undefined (a constant history has no RMSSE scale) the ensemble.
 */
export function chooseMethod(scores: Map<MethodName, number[]>, margin: number, fallback: MethodName = 'global'): MethodName {
  if (scores.size === 0) return fallback;
  let best: MethodName = 'ensemble';
  let bestScore = Infinity;
  for (const [m, xs] of scores) {
    const { mean, n } = meanFinite(xs);
    if (n > 0 && mean < bestScore) { bestScore = mean; best = m; }
  }
  const ensemble = meanFinite(scores.get('ensemble') ?? []).mean;
  return best === 'ensemble' || !(bestScore < (1 - margin) * ensemble) ? 'ensemble' : best;
}

/**
 * Forecast the next `model.horizon` periods of each series with its chosen method (global for series the model
 * has not seen; zero for a series without history). The global model runs once, batched, for every series
 * whose method needs it.
 */
export function forecastDemand(model: DemandModel, series: DemandSeries[]): SeriesForecast[] {
  if (series.length && grainOf(series) !== model.grain) throw new Error(`the model forecasts ${model.grain}ly series`);
  const { grain, horizon } = model;
  assertSeries(series, horizon);
  // Most series end on the same day: format each first forecast date once.
  const dates = new Map<number, string>();
  const nextPeriod = (s: DemandSeries) => {
    const day = periodDay(s, s.values.length);
    let iso = dates.get(day);
    if (iso === undefined) dates.set(day, (iso = isoDate(day)));
    return iso;
  };
  const methods = series.map((s): MethodName => (s.values.length === 0 ? 'zero' : model.choice[s.id] ?? model.fallback));
  const needGlobal = methods.flatMap((m, i) => (m === 'global' || m === 'ensemble' ? [i] : []));
  const global = new Map<number, Forecast>();
  predictGlobal(model.global, needGlobal.map((i) => series[i])).forEach((f, j) => global.set(needGlobal[j], f));
  return series.map((s, i) => {
    const m = methods[i];
    const f = m === 'global' ? global.get(i)!
      : m === 'ensemble' ? averageForecasts(ENSEMBLE.map((e) => (e === 'global' ? global.get(i)! : baselineForecast(e as BaselineMethod, s.values, horizon, grain))))
        : baselineForecast(m, s.values, horizon, grain);
    return { id: s.id, start: nextPeriod(s), method: m, ...f };
  });
}
