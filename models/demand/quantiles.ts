/**
 * Quantile helpers for the baselines: empirical quantiles of residuals (linear interpolation between order
 * statistics — R's type 7, numpy's default) and quantiles of a count distribution for intermittent demand
 * (negative binomial with a given mean and variance-to-mean ratio; ratio ≤ 1 means Poisson).
 */
import { normalQuantile } from '../stats.ts';

export { normalQuantile };

/** Type-7 quantile of a sample (NaN when empty). Sorts a copy. */
export function empiricalQuantile(sample: ArrayLike<number>, q: number): number {
  return empiricalQuantiles(sample, [q])[0];
}

/** Type-7 quantiles at several levels, sorting a copy once. */
export function empiricalQuantiles(sample: ArrayLike<number>, qs: readonly number[]): number[] {
  const n = sample.length;
  if (n === 0) return qs.map(() => NaN);
  const xs = Float64Array.from(sample).sort();
  return qs.map((q) => {
    const pos = (n - 1) * q;
    const lo = Math.floor(pos);
    const hi = Math.min(n - 1, lo + 1);
    return xs[lo] + (pos - lo) * (xs[hi] - xs[lo]);
  });
}

/** Sample variance-to-mean ratio of a count series (≥ 1; 1 when the mean is 0 or the sample is under-dispersed). */
export function dispersion(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 2) return 1;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i];
  mean /= n;
  if (mean <= 0) return 1;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  return Math.max(1, ss / (n - 1) / mean);
}

/**
 * Smallest integer k with P(X ≤ k) ≥ q, X ~ NB with mean μ and variance μ·d (Poisson when d ≤ 1).
 * NB as failures before the r-th success: p = 1/d, r = μ/(d − 1); the pmf by its recurrence
 * P(k+1) = P(k)·(k + r)/(k + 1)·(1 − p). Past μ = 500 a normal approximation (the recurrence starts from an
 * underflowing P(0)).
 */
export function countQuantile(mean: number, d: number, q: number): number {
  if (!(mean > 0)) return 0;
  const variance = mean * Math.max(1, d);
  if (mean > 500) return Math.max(0, Math.round(mean + normalQuantile(q) * Math.sqrt(variance)));
  const poisson = d <= 1 + 1e-9;
  const p = poisson ? 0 : 1 / d;
  const r = poisson ? 0 : mean / (d - 1);
  let pk = poisson ? Math.exp(-mean) : Math.exp(r * Math.log(p));
  let cdf = pk;
  const cap = Math.ceil(mean + 50 * Math.sqrt(variance)) + 50;
  let k = 0;
  while (cdf < q && k < cap) {
    pk = poisson ? (pk * mean) / (k + 1) : (pk * (k + r) * (1 - p)) / (k + 1);
    k++;
    cdf += pk;
  }
  return k;
}


/** Clip at zero and sort each period's quantiles so P10 ≤ P50 ≤ P90 (no crossing). */
export function tidyQuantiles(p10: number[], p50: number[], p90: number[]): void {
  for (let h = 0; h < p50.length; h++) {
    const a = Math.max(0, p10[h]), b = Math.max(0, p50[h]), c = Math.max(0, p90[h]);
    p10[h] = Math.min(a, b, c);
    p90[h] = Math.max(a, b, c);
    p50[h] = a + b + c - p10[h] - p90[h];
  }
}
