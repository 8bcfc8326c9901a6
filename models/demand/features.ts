/**
 * Input rows of the global model: one row per (series, origin), the origin being the first period to forecast.
 * Demand is divided by the series' scale — the mean of its non-zero demand over the last 28 periods (all history
 * when those are all zero; 1 when it never sold) — so one network serves a SKU selling 2 a week and one selling
 * 200 a day. The row is kept short (≈ 50 numbers) because scoring 50k series is one forward pass on the cpu
 * backend, whose cost is the row width times the hidden units. Layout:
 *
 *   lags      y(t−lags … t−1) / scale, clipped at 20 (a wholesale spike must not swamp a row), 0 before the start
 *   7         weekday profile aligned to the origin: for d = 0..6 the mean of y(t−7k+d), k = 1..8, / scale — the
 *             same weekday as period t+d (daily grain; zeros for weekly)
 *   4         level: mean of the last 7 and 112 periods, and exponentially weighted means of the whole history
 *             (α = 0.1 and 0.03, weights normalised over what exists, so a short history is not biased to 0)
 *             / scale — the long-memory levels the intermittent baselines owe their accuracy to
 *   7         weekday of the origin, one-hot (daily grain; zeros for weekly)
 *   4         log1p(scale)/4 (count noise depends on the level), share of zero periods in the last 28, observed
 *             share of the last 28 (a new SKU's history is zero-padded: < 1), promotion share of the last 28
 *   horizon   promotion share of each period forecast (planned promotions; 0 when unknown)
 */
import { periodDay, weekday, type DemandSeries, type Grain } from './series.ts';

export interface FeatureShape {
  grain: Grain;
  lags: number;
  horizon: number;
}

const CLIP = 20;
/** Window of the scale, the zero share and the recent promotion share. */
const RECENT = 28;

export function featureWidth(s: FeatureShape): number {
  return s.lags + 7 + 4 + 7 + 4 + s.horizon;
}

/** The series' scale as of an origin (see the module comment). */
export function seriesScale(values: ArrayLike<number>, origin: number): number {
  let sum = 0, n = 0;
  for (let t = Math.max(0, origin - RECENT); t < origin; t++) if (values[t] > 0) { sum += values[t]; n++; }
  if (n === 0) for (let t = 0; t < origin; t++) if (values[t] > 0) { sum += values[t]; n++; }
  return n === 0 ? 1 : sum / n;
}

function meanBack(v: ArrayLike<number>, origin: number, periods: number): number {
  const from = Math.max(0, origin - periods);
  let sum = 0;
  for (let t = from; t < origin; t++) sum += v[t];
  return origin > from ? sum / (origin - from) : 0;
}

/** Σ (1−α)^age·y / Σ (1−α)^age over the history before the origin (0 without history). */
function ewma(v: ArrayLike<number>, origin: number, alpha: number): number {
  let num = 0, den = 0;
  for (let t = 0; t < origin; t++) {
    num = (1 - alpha) * num + v[t];
    den = (1 - alpha) * den + 1;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * Write the row of `series` at `origin` into `out` at `offset`; returns the scale used (targets and forecasts
 * are in units of it). `origin` ≤ values.length; only values before it are read (promotions: up to t+H).
 */
export function writeFeatures(series: DemandSeries, origin: number, shape: FeatureShape, out: Float32Array, offset: number): number {
  const { lags, horizon } = shape;
  const v = series.values;
  const promo = series.promo;
  const scale = seriesScale(v, origin);
  let o = offset;
  for (let j = 0; j < lags; j++) {
    const t = origin - lags + j;
    out[o++] = t < 0 ? 0 : Math.min(CLIP, v[t] / scale);
  }
  const daily = shape.grain === 'day';
  for (let d = 0; d < 7; d++) {
    let sum = 0, n = 0;
    for (let k = 1; daily && k <= 8; k++) { const t = origin - 7 * k + d; if (t >= 0) { sum += v[t]; n++; } }
    out[o++] = n === 0 ? 0 : Math.min(CLIP, sum / n / scale);
  }
  out[o++] = Math.min(CLIP, meanBack(v, origin, 7) / scale);
  out[o++] = Math.min(CLIP, meanBack(v, origin, 4 * RECENT) / scale);
  out[o++] = Math.min(CLIP, ewma(v, origin, 0.1) / scale);
  out[o++] = Math.min(CLIP, ewma(v, origin, 0.03) / scale);
  const wd = daily ? weekday(periodDay(series, origin)) : -1;
  for (let d = 0; d < 7; d++) out[o++] = d === wd ? 1 : 0;
  let zeros = 0, observed = 0, promoted = 0;
  for (let t = Math.max(0, origin - RECENT); t < origin; t++) {
    observed++;
    if (v[t] === 0) zeros++;
    promoted += promo?.[t] ?? 0;
  }
  out[o++] = Math.log1p(scale) / 4;
  out[o++] = observed === 0 ? 1 : zeros / observed;
  out[o++] = observed / RECENT;
  out[o++] = observed === 0 ? 0 : promoted / observed;
  for (let h = 0; h < horizon; h++) out[o++] = promo?.[origin + h] ?? 0;
  return scale;
}

/** Targets of a training row: y(origin … origin+H−1) / scale (not clipped: the loss must see the real spike). */
export function writeTargets(series: DemandSeries, origin: number, horizon: number, scale: number, out: Float32Array, offset: number): void {
  for (let h = 0; h < horizon; h++) out[offset + h] = series.values[origin + h] / scale;
}

/**
 * Loss weights of a training row, so training minimises what the backtest scores: in scale units a series'
 * squared error counts (scale / RMS one-step change)² — as in RMSSE — and its pinball loss scale / mean absolute
 * one-step change — as in SPL. Without them the small, noisy series (large errors in scale units) dominate.
 * The changes are those of the last 4·28 periods before the origin; clipped to [1e-3, 1e3].
 */
export function lossWeights(values: ArrayLike<number>, origin: number, scale: number, out: Float32Array, offset: number): void {
  let sq = 0, abs = 0, n = 0;
  for (let t = Math.max(1, origin - 4 * RECENT); t < origin; t++) {
    const d = values[t] - values[t - 1];
    sq += d * d; abs += Math.abs(d); n++;
  }
  const clip = (x: number) => (Number.isFinite(x) ? Math.min(1e3, Math.max(1e-3, x)) : NaN);
  out[offset] = n && abs > 0 ? clip(scale / (abs / n)) : NaN;
  out[offset + 1] = n && sq > 0 ? clip((scale * scale) / (sq / n)) : NaN;
}

/** Divide each weight column by its mean (so the learning rate means the same for any data); NaN → 1. */
export function normaliseWeights(w: Float32Array): void {
  for (let c = 0; c < 2; c++) {
    let sum = 0, n = 0;
    for (let i = c; i < w.length; i += 2) if (Number.isFinite(w[i])) { sum += w[i]; n++; }
    const mean = n ? sum / n : 1;
    for (let i = c; i < w.length; i += 2) w[i] = Number.isFinite(w[i]) ? w[i] / mean : 1;
  }
}
