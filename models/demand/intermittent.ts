/**
 * Baselines for intermittent demand (many zero periods): Croston's method and TSB (Teunter, Syntetos & Babai
 * 2011). Both forecast a flat demand rate. Their quantiles assume the demand in a period is negative binomial
 * with that rate as its mean and the history's variance-to-mean ratio (Poisson when the history is not
 * over-dispersed): residual quantiles make no sense for a series that is mostly zeros.
 */
import { zeroForecast, type BaselineOptions } from './baselines.ts';
import { countQuantile, dispersion } from './quantiles.ts';
import type { Forecast } from './series.ts';

/** Smoothing constants: 0.1 for sizes and intervals is Croston's and the literature's usual choice. */
export const CROSTON_ALPHA = 0.1;
export const TSB_ALPHA = 0.1;
export const TSB_BETA = 0.1;

function countForecast(rate: number, values: ArrayLike<number>, o: BaselineOptions): Forecast {
  const fill = (x: number) => new Array<number>(o.horizon).fill(x);
  if (o.pointsOnly) { const m = fill(rate); return { mean: m, p10: m, p50: m, p90: m }; }
  const d = dispersion(values);
  return { mean: fill(rate), p10: fill(countQuantile(rate, d, 0.1)), p50: fill(countQuantile(rate, d, 0.5)),
    p90: fill(countQuantile(rate, d, 0.9)) };
}

/**
 * Croston (classic, no bias correction): at each non-zero demand y with q periods since the previous one,
 * size z ← z + α(y − z) and interval p ← p + α(q − p); forecast z/p. Starts from the first non-zero demand at
 * index i: z = y(i), p = i + 1. No demand at all: the zero forecast.
 */
export function croston(values: ArrayLike<number>, o: BaselineOptions & { alpha?: number }): Forecast {
  const alpha = o.alpha ?? CROSTON_ALPHA;
  let i = 0;
  while (i < values.length && !(values[i] > 0)) i++;
  if (i === values.length) return zeroForecast(o.horizon);
  let z = values[i];
  let p = i + 1;
  let q = 0;
  for (let t = i + 1; t < values.length; t++) {
    q++;
    if (values[t] > 0) {
      z += alpha * (values[t] - z);
      p += alpha * (q - p);
      q = 0;
    }
  }
  return countForecast(z / p, values, o);
}

/**
 * TSB: the demand probability is updated every period, p ← p + β(1[y>0] − p), the size only on demand,
 * z ← z + α(y − z); forecast p·z, so a series that has stopped selling decays towards zero (Croston's does not).
 * Starts from the history's share of non-zero periods and mean non-zero size.
 */
export function tsb(values: ArrayLike<number>, o: BaselineOptions & { alpha?: number; beta?: number }): Forecast {
  const alpha = o.alpha ?? TSB_ALPHA;
  const beta = o.beta ?? TSB_BETA;
  let nonZero = 0;
  let total = 0;
  for (let t = 0; t < values.length; t++) if (values[t] > 0) { nonZero++; total += values[t]; }
  if (nonZero === 0) return zeroForecast(o.horizon);
  let p = nonZero / values.length;
  let z = total / nonZero;
  for (let t = 0; t < values.length; t++) {
    const y = values[t];
    p += beta * ((y > 0 ? 1 : 0) - p);
    if (y > 0) z += alpha * (y - z);
  }
  return countForecast(p * z, values, o);
}
