/**
 * Baselines for smooth demand, pure TypeScript: the zero forecast, the seasonal naive, simple exponential
 * smoothing and Holt's damped-trend smoothing. Each returns the point forecast and P10/P50/P90 for h = 1..H.
 *
 * Quantiles come from the in-sample one-step residuals: point + the residuals' empirical quantile (type 7) times
 * the h-step widening of the model's error variance (ETS theory, Hyndman & Athanasopoulos, FPP3 §8.7), clipped at
 * 0 and sorted. Intermittent baselines (Croston, TSB) are in intermittent.ts.
 */
import { empiricalQuantiles, tidyQuantiles } from './quantiles.ts';
import type { Forecast } from './series.ts';

export function zeroForecast(horizon: number): Forecast {
  const z = () => new Array<number>(horizon).fill(0);
  return { mean: z(), p10: z(), p50: z(), p90: z() };
}

/**
 * Options every baseline takes. `pointsOnly`: skip the quantiles (P10 = P50 = P90 = the point forecast) — the
 * selection backtest scores points only, and sorting residuals was a third of its time.
 */
export interface BaselineOptions {
  horizon: number;
  pointsOnly?: boolean;
}

/** Point forecasts + residual quantiles scaled by sqrt(variance multiplier of step h). */
function withResidualQuantiles(mean: number[], residuals: number[], multiplier: (h: number) => number, pointsOnly = false): Forecast {
  if (pointsOnly) { const m = mean.map((x) => Math.max(0, x)); return { mean: m, p10: m, p50: m, p90: m }; }
  const q = residuals.length ? empiricalQuantiles(residuals, [0.1, 0.5, 0.9]) : [0, 0, 0];
  const out = { mean: mean.map((m) => Math.max(0, m)), p10: [] as number[], p50: [] as number[], p90: [] as number[] };
  mean.forEach((m, i) => {
    const w = Math.sqrt(multiplier(i + 1));
    out.p10.push(m + q[0] * w);
    out.p50.push(m + q[1] * w);
    out.p90.push(m + q[2] * w);
  });
  tidyQuantiles(out.p10, out.p50, out.p90);
  return out;
}

/**
 * Seasonal naive: y(T+h) = y(T+h−m·k), k = ceil(h/m) — the same weekday last week for daily data (m = 7); the
 * naive last value for weekly data (m = 1) and for histories shorter than one season. Residuals y(t) − y(t−m);
 * the variance grows with the seasons ahead, k (FPP3: σ_h = σ·sqrt(k)).
 */
export function seasonalNaive(values: ArrayLike<number>, o: BaselineOptions & { season: number }): Forecast {
  const n = values.length;
  if (n === 0) return zeroForecast(o.horizon);
  const m = n < o.season ? 1 : o.season;
  const mean = Array.from({ length: o.horizon }, (_, h) => values[n - m + (h % m)]);
  const residuals: number[] = [];
  if (!o.pointsOnly) for (let t = m; t < n; t++) residuals.push(values[t] - values[t - m]);
  return withResidualQuantiles(mean, residuals, (h) => Math.ceil(h / m), o.pointsOnly);
}

export const SES_ALPHAS = [0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5];

/** One pass of SES from level y(0): the sum of squared one-step errors, the final level, optionally the errors. */
function sesPass(values: ArrayLike<number>, alpha: number, residuals?: number[]): { sse: number; level: number } {
  let level = values[0];
  let sse = 0;
  for (let t = 1; t < values.length; t++) {
    const e = values[t] - level;
    sse += e * e;
    residuals?.push(e);
    level += alpha * e;
  }
  return { sse, level };
}

/**
 * Simple exponential smoothing, ETS(A,N,N): level ℓ(0) = y(0), ℓ(t) = ℓ(t−1) + α·(y(t) − ℓ(t−1)); flat forecast
 * ℓ(T). α is given, or the one of SES_ALPHAS with the least in-sample one-step squared error. Variance
 * multiplier at step h: 1 + (h − 1)·α².
 */
export function ses(values: ArrayLike<number>, o: BaselineOptions & { alpha?: number }): Forecast & { alpha: number } {
  if (values.length === 0) return { ...zeroForecast(o.horizon), alpha: o.alpha ?? NaN };
  let alpha = o.alpha ?? SES_ALPHAS[0];
  if (o.alpha === undefined) {
    let best = Infinity;
    for (const a of SES_ALPHAS) {
      const { sse } = sesPass(values, a);
      if (sse < best - 1e-12) { best = sse; alpha = a; }
    }
  }
  const residuals: number[] = [];
  const { level } = sesPass(values, alpha, residuals);
  const f = withResidualQuantiles(new Array<number>(o.horizon).fill(level), residuals, (h) => 1 + (h - 1) * alpha * alpha, o.pointsOnly);
  return { ...f, alpha };
}

/** 16 combinations (β ≤ α): a finer grid cost 2.3 s per 50k series and changed the backtest by < 0.5%. */
export const HOLT_GRID = { alpha: [0.05, 0.1, 0.2, 0.4], beta: [0.01, 0.05], phi: [0.9, 0.98] };

interface HoltParams { alpha: number; beta: number; phi: number }

function holtPass(values: ArrayLike<number>, p: HoltParams, residuals?: number[]): { sse: number; level: number; trend: number } {
  let level = values[0];
  let trend = 0;
  let sse = 0;
  for (let t = 1; t < values.length; t++) {
    const e = values[t] - (level + p.phi * trend);
    sse += e * e;
    residuals?.push(e);
    level = level + p.phi * trend + p.alpha * e;
    trend = p.phi * trend + p.beta * e;
  }
  return { sse, level, trend };
}

/**
 * Holt's linear method with a damped additive trend, ETS(A,Ad,N) in error-correction form:
 * ŷ(t) = ℓ + φ·b;  ℓ ← ℓ + φ·b + α·e;  b ← φ·b + β·e;  ℓ(0) = y(0), b(0) = 0 (a demand history rarely
 * supports a trend from its first two days). Forecast ℓ(T) + (φ + … + φ^h)·b(T). Parameters given, or the
 * combination of HOLT_GRID (β ≤ α) with the least in-sample squared error. Variance multiplier at step h:
 * 1 + Σ_{j<h} (α + β·φ_j)², φ_j = φ + … + φ^j.
 */
export function holt(values: ArrayLike<number>, o: BaselineOptions & { params?: HoltParams }): Forecast & HoltParams {
  if (values.length === 0) return { ...zeroForecast(o.horizon), alpha: NaN, beta: NaN, phi: NaN };
  let p = o.params;
  if (!p) {
    let best = Infinity;
    for (const alpha of HOLT_GRID.alpha) for (const beta of HOLT_GRID.beta) for (const phi of HOLT_GRID.phi) {
      if (beta > alpha) continue;
      const { sse } = holtPass(values, { alpha, beta, phi });
      if (sse < best - 1e-12) { best = sse; p = { alpha, beta, phi }; }
    }
  }
  const params = p!;
  const residuals: number[] = [];
  const { level, trend } = holtPass(values, params, residuals);
  const mean: number[] = [];
  let damp = 0;
  for (let h = 1; h <= o.horizon; h++) { damp += params.phi ** h; mean.push(level + damp * trend); }
  const multiplier = (h: number) => {
    let v = 1;
    let phiJ = 0;
    for (let j = 1; j < h; j++) { phiJ += params.phi ** j; v += (params.alpha + params.beta * phiJ) ** 2; }
    return v;
  };
  return { ...withResidualQuantiles(mean, residuals, multiplier, o.pointsOnly), ...params };
}
