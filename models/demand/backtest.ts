/**
 * Rolling-origin backtest of every demand method on any history. The last `origins` blocks of `horizon`
 * periods of each series are forecast in turn, each from a model trained only on what came before it (the
 * global model, the selection backtest inside training and the baselines all see the history up to the origin,
 * never after). Promotions flagged in the forecast window are used: they are planned in advance.
 *
 * Per series and method: RMSSE, MASE and SPL averaged over the origins (each scaled by the history as of its
 * origin), coverage of [P10, P90] over all forecast periods. Per method: the mean over series, and its ratio
 * to the seasonal naive's mean over the same series.
 */
import { QUANTILE_LEVELS, covered, mase, meanFinite, rmsse, spl } from '../backtest/metrics.ts';
import type { Tf } from '../tf.ts';
import { METHODS, runMethods, type MethodName } from './methods.ts';
import { defaultHorizon, isoDate, periodDay, seasonOf, truncateSeries, type DemandSeries, type Forecast } from './series.ts';
import { forecastDemand, grainOf, trainDemandModel, type TrainDemandOptions, type TrainProgress } from './train.ts';

export type ScoredMethod = MethodName | 'auto';
export const SCORED_METHODS: ScoredMethod[] = [...METHODS, 'auto'];

export interface SeriesResult {
  id: string;
  method: ScoredMethod;
  /** Origins at which the series was scored (it needs history before the origin). */
  origins: number;
  rmsse: number;
  mase: number;
  spl: number;
  coverage: number;
  /** For `auto`: the method chosen at each origin, earliest first. */
  chosen?: MethodName[];
}

export interface MethodSummary {
  method: ScoredMethod;
  /** Series with a defined RMSSE (a constant history has no scale). */
  series: number;
  rmsse: number;
  mase: number;
  spl: number;
  coverage: number;
  /** Each mean divided by the seasonal naive's over the same series. */
  vsNaive: { rmsse: number; mase: number; spl: number };
}

export interface BacktestResult {
  horizon: number;
  /** ISO date of the first forecast period at each origin (of the longest series), earliest first. */
  originDates: string[];
  summary: MethodSummary[];
  perSeries: SeriesResult[];
}

export interface BacktestOptions {
  series: DemandSeries[];
  horizon?: number;
  origins?: number;
  seed?: number;
  tf?: Tf;
  /** Options passed to every training (epochs, windows …). */
  train?: Partial<Omit<TrainDemandOptions, 'series' | 'horizon' | 'seed' | 'tf' | 'onProgress'>>;
  onProgress?: (p: { origin: number; origins: number } & TrainProgress) => void;
}

interface Tally { rmsse: number[]; mase: number[]; spl: number[]; covered: number; points: number; chosen: MethodName[] }

export async function backtestDemand(o: BacktestOptions): Promise<BacktestResult> {
  const grain = grainOf(o.series);
  const horizon = o.horizon ?? defaultHorizon(grain);
  const K = o.origins ?? 3;
  const season = seasonOf(grain);
  const tallies = new Map<ScoredMethod, Tally[]>(SCORED_METHODS.map((m) => [m, o.series.map(() => ({
    rmsse: [], mase: [], spl: [], covered: 0, points: 0, chosen: [] }))]));
  const longest = o.series.reduce((a, s) => (s.values.length > a.values.length ? s : a), o.series[0]);
  const originDates: string[] = [];

  for (let k = K; k >= 1; k--) {
    const idx = o.series.flatMap((s, i) => (s.values.length - k * horizon >= 1 ? [i] : []));
    const cut = idx.map((i) => truncateSeries(o.series[i], o.series[i].values.length - k * horizon, horizon));
    originDates.push(isoDate(periodDay(longest, longest.values.length - k * horizon)));
    const model = await trainDemandModel({
      ...o.train, series: cut, horizon, seed: o.seed, tf: o.tf,
      onProgress: (p) => o.onProgress?.({ origin: K - k + 1, origins: K, ...p }),
    });
    const runs = runMethods({ methods: METHODS, series: cut, horizon, grain, global: model.global }) as Map<ScoredMethod, Forecast[]>;
    const auto = forecastDemand(model, cut);
    runs.set('auto', auto);
    for (const [method, forecasts] of runs) {
      const list = tallies.get(method)!;
      forecasts.forEach((f, j) => {
        const s = o.series[idx[j]];
        const history = cut[j].values;
        const actual = s.values.slice(history.length, history.length + horizon);
        const t = list[idx[j]];
        t.rmsse.push(rmsse(history, actual, f.mean));
        t.mase.push(mase(history, actual, f.mean, season));
        t.spl.push(spl(history, actual, [f.p10, f.p50, f.p90]));
        t.covered += covered(actual, f.p10, f.p90);
        t.points += actual.length;
        if (method === 'auto') t.chosen.push(auto[j].method);
      });
    }
  }

  const perSeries: SeriesResult[] = [];
  for (const [method, list] of tallies) {
    list.forEach((t, i) => {
      if (t.points === 0) return;
      perSeries.push({
        id: o.series[i].id, method, origins: t.rmsse.length, rmsse: meanFinite(t.rmsse).mean, mase: meanFinite(t.mase).mean,
        spl: meanFinite(t.spl).mean, coverage: t.covered / t.points, ...(method === 'auto' ? { chosen: t.chosen } : {}),
      });
    });
  }
  return { horizon, originDates, perSeries, summary: summarise(tallies) };
}

function summarise(tallies: Map<ScoredMethod, Tally[]>): MethodSummary[] {
  const naive = tallies.get('snaive')!;
  const perSeriesMean = (t: Tally, key: 'rmsse' | 'mase' | 'spl') => meanFinite(t[key]).mean;
  return SCORED_METHODS.map((method) => {
    const list = tallies.get(method)!;
    const metric = (key: 'rmsse' | 'mase' | 'spl') => {
      const both = list.flatMap((t, i) => {
        const a = perSeriesMean(t, key), b = perSeriesMean(naive[i], key);
        return Number.isFinite(a) && Number.isFinite(b) ? [[a, b]] : [];
      });
      const mean = meanFinite(list.map((t) => perSeriesMean(t, key)));
      const ratio = meanFinite(both.map(([a]) => a)).mean / meanFinite(both.map(([, b]) => b)).mean;
      return { mean: mean.mean, n: mean.n, ratio };
    };
    const r = metric('rmsse'), m = metric('mase'), p = metric('spl');
    const points = list.reduce((s, t) => s + t.points, 0);
    return {
      method, series: r.n, rmsse: r.mean, mase: m.mean, spl: p.mean,
      coverage: points ? list.reduce((s, t) => s + t.covered, 0) / points : NaN,
      vsNaive: { rmsse: r.ratio, mase: m.ratio, spl: p.ratio },
    };
  });
}

/** Nominal coverage of the [P10, P90] interval. */
export const NOMINAL_COVERAGE = QUANTILE_LEVELS[2] - QUANTILE_LEVELS[0];
