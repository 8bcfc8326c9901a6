/** Each baseline against numbers worked out by hand (the working is in the comments). */
import { describe, expect, test } from 'vitest';
import { holt, seasonalNaive, ses, SES_ALPHAS, zeroForecast } from './baselines.ts';
import { croston, tsb } from './intermittent.ts';
import { countQuantile, dispersion, empiricalQuantile, tidyQuantiles } from './quantiles.ts';

const close = (actual: number[], expected: number[], digits = 4) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(a).toBeCloseTo(expected[i], digits));
};

describe('quantile helpers', () => {
  test('type-7 empirical quantiles interpolate between order statistics', () => {
    // sorted [-1, 0, 2]: position (n−1)·q → q10 at 0.2: −1 + 0.2·1 = −0.8; q50 at 1: 0; q90 at 1.8: 0 + 0.8·2 = 1.6
    expect(empiricalQuantile([2, -1, 0], 0.1)).toBeCloseTo(-0.8, 10);
    expect(empiricalQuantile([2, -1, 0], 0.5)).toBe(0);
    expect(empiricalQuantile([2, -1, 0], 0.9)).toBeCloseTo(1.6, 10);
    expect(empiricalQuantile([], 0.5)).toBeNaN();
  });

  test('Poisson quantiles: mean 0.5 has P(0) = 0.607, P(≤1) = 0.910', () => {
    expect(countQuantile(0.5, 1, 0.1)).toBe(0);
    expect(countQuantile(0.5, 1, 0.5)).toBe(0);
    expect(countQuantile(0.5, 1, 0.9)).toBe(1);
    expect(countQuantile(0.5, 1, 0.95)).toBe(2);
    expect(countQuantile(0, 3, 0.9)).toBe(0);
  });

  test('dispersion is the sample variance over the mean, at least 1', () => {
    // [0,0,3,0,5,0,0,0]: mean 1, squared deviations 1,1,4,1,16,1,1,1 = 26, /7 = 3.714
    expect(dispersion([0, 0, 3, 0, 5, 0, 0, 0])).toBeCloseTo(26 / 7, 10);
    expect(dispersion([1, 1, 1, 1])).toBe(1);
  });

  test('crossing quantiles are sorted and clipped at zero', () => {
    const p10 = [3, -1], p50 = [1, -2], p90 = [2, 5];
    tidyQuantiles(p10, p50, p90);
    expect([p10, p50, p90]).toEqual([[1, 0], [2, 0], [3, 5]]);
  });
});

describe('zero forecast', () => {
  test('is zero everywhere', () => {
    expect(zeroForecast(3)).toEqual({ mean: [0, 0, 0], p10: [0, 0, 0], p50: [0, 0, 0], p90: [0, 0, 0] });
  });
});

describe('seasonal naive', () => {
  // y = 3 1 4 1 5 9 2 | 2 3 4 (n = 10, m = 7). y(T+h) = y(T+h−7): h=1 → y[3] = 1, h=2 → y[4] = 5, h=7 → y[9] = 4,
  // h=8 → y[3] again. Residuals y[t] − y[t−7]: 2−3 = −1, 3−1 = 2, 4−4 = 0 → q10 −0.8, q50 0, q90 1.6 (above).
  // k = ceil(h/7) seasons ahead widens by √k: h=8 → P10 = 1 − 0.8·√2 = −0.131 → 0, P90 = 1 + 1.6·√2 = 3.2627.
  const y = [3, 1, 4, 1, 5, 9, 2, 2, 3, 4];
  const f = seasonalNaive(y, { horizon: 8, season: 7 });

  test('repeats last week', () => {
    expect(f.mean).toEqual([1, 5, 9, 2, 2, 3, 4, 1]);
  });

  test('quantiles from the seasonal residuals, widened by √(seasons ahead)', () => {
    close([f.p10[0], f.p50[0], f.p90[0]], [0.2, 1, 2.6]);
    close([f.p10[7], f.p50[7], f.p90[7]], [0, 1, 1 + 1.6 * Math.SQRT2]);
  });

  test('weekly data: the naive last value', () => {
    // y = 5 7 6: forecast 6; residuals 2, −1 → sorted [−1, 2]: q10 −0.7, q50 0.5, q90 1.7; h=4 widens by √4 = 2
    const w = seasonalNaive([5, 7, 6], { horizon: 4, season: 1 });
    expect(w.mean).toEqual([6, 6, 6, 6]);
    close([w.p10[0], w.p50[0], w.p90[0]], [5.3, 6.5, 7.7]);
    close([w.p10[3], w.p50[3], w.p90[3]], [4.6, 7, 9.4]);
  });

  test('a history shorter than a season falls back to the last value; none to zero', () => {
    expect(seasonalNaive([2, 4], { horizon: 2, season: 7 }).mean).toEqual([4, 4]);
    expect(seasonalNaive([], { horizon: 2, season: 7 }).mean).toEqual([0, 0]);
  });
});

describe('simple exponential smoothing', () => {
  // α = 0.5, y = 4 2 6 4, ℓ0 = 4: e1 = 2−4 = −2, ℓ = 3; e2 = 6−3 = 3, ℓ = 4.5; e3 = 4−4.5 = −0.5, ℓ = 4.25.
  // Residuals sorted [−2, −0.5, 3]: q10 = −2 + 0.2·1.5 = −1.7, q50 = −0.5, q90 = −0.5 + 0.8·3.5 = 2.3.
  // h=1: 4.25 + q → 2.55, 3.75, 6.55. h=3: multiplier 1 + 2·0.25 = 1.5, √1.5 = 1.224745.
  const f = ses([4, 2, 6, 4], { horizon: 3, alpha: 0.5 });

  test('flat forecast at the last level', () => {
    close(f.mean, [4.25, 4.25, 4.25]);
  });

  test('residual quantiles widened by √(1 + (h−1)α²)', () => {
    close([f.p10[0], f.p50[0], f.p90[0]], [2.55, 3.75, 6.55]);
    const w = Math.sqrt(1.5);
    close([f.p10[2], f.p50[2], f.p90[2]], [4.25 - 1.7 * w, 4.25 - 0.5 * w, 4.25 + 2.3 * w]);
  });

  test('without α, the grid value with the least in-sample squared error', () => {
    const y = [5, 9, 4, 8, 12, 7, 6, 10, 9, 14];
    const sse = (a: number) => { let l = y[0], s = 0; for (let t = 1; t < y.length; t++) { s += (y[t] - l) ** 2; l += a * (y[t] - l); } return s; };
    const best = SES_ALPHAS.reduce((b, a) => (sse(a) < sse(b) ? a : b));
    expect(ses(y, { horizon: 1 }).alpha).toBe(best);
  });
});

describe('Holt, damped trend', () => {
  // α = 0.5, β = 0.1, φ = 0.9, y = 2 4 6; ℓ0 = 2, b0 = 0.
  // t=1: ŷ = 2, e = 2, ℓ = 2 + 0 + 1 = 3, b = 0 + 0.2 = 0.2
  // t=2: ŷ = 3 + 0.18 = 3.18, e = 2.82, ℓ = 3.18 + 1.41 = 4.59, b = 0.18 + 0.282 = 0.462
  // h=1: 4.59 + 0.9·0.462 = 5.0058; h=2: 4.59 + 1.71·0.462 = 5.38002
  // residuals [2, 2.82]: q10 = 2.082, q50 = 2.41, q90 = 2.738; h=2 multiplier 1 + (0.5 + 0.1·0.9)² = 1.3481
  const f = holt([2, 4, 6], { horizon: 2, params: { alpha: 0.5, beta: 0.1, phi: 0.9 } });

  test('damped trend forecast', () => {
    close(f.mean, [5.0058, 5.38002]);
  });

  test('quantiles widen with ETS(A,Ad,N)\'s variance multiplier', () => {
    close([f.p10[0], f.p50[0], f.p90[0]], [7.0878, 7.4158, 7.7438]);
    const w = Math.sqrt(1.3481);
    close([f.p10[1], f.p50[1], f.p90[1]], [5.38002 + 2.082 * w, 5.38002 + 2.41 * w, 5.38002 + 2.738 * w]);
  });
});

describe('Croston', () => {
  // α = 0.1, y = 0 0 3 0 5 0 0 0. First demand at i = 2: z = 3, p = 3. t=4: q = 2, z = 3 + 0.1·2 = 3.2,
  // p = 3 + 0.1·(2 − 3) = 2.9. Forecast z/p = 1.103448.
  // NB with d = 26/7: p = 7/26 = 0.26923, r = μ/(d−1) = 0.40653; P(0) = p^r = 0.58657 → P10 = P50 = 0;
  // P(1) = P(0)·r·(1−p) = 0.17426 (cdf 0.7608), P(2) = P(1)·(1+r)(1−p)/2 = 0.08956 (cdf 0.8504),
  // P(3) = P(2)·(2+r)(1−p)/3 = 0.05250 (cdf 0.9029 ≥ 0.9) → P90 = 3.
  const f = croston([0, 0, 3, 0, 5, 0, 0, 0], { horizon: 2 });

  test('size over interval', () => {
    close(f.mean, [3.2 / 2.9, 3.2 / 2.9], 6);
  });

  test('negative binomial quantiles', () => {
    expect([f.p10[0], f.p50[0], f.p90[0]]).toEqual([0, 0, 3]);
  });

  test('no demand at all: zero', () => {
    expect(croston([0, 0, 0], { horizon: 1 }).mean).toEqual([0]);
  });
});

describe('TSB', () => {
  // α = β = 0.1, y = 1 0 1 1 0 1: p0 = 4/6, z0 = 1 (every size is 1, so z stays 1).
  // p: 0.666667 → 0.7 → 0.63 → 0.667 → 0.7003 → 0.63027 → 0.667243; forecast p·z = 0.667243.
  // Not over-dispersed (variance 0.267 < mean 0.667) → Poisson(0.667243): P(0) = 0.51313 → P10 = P50 = 0;
  // cdf(1) = 0.85551, cdf(2) = 0.96974 → P90 = 2.
  const f = tsb([1, 0, 1, 1, 0, 1], { horizon: 2 });

  test('probability × size, probability updated every period', () => {
    close(f.mean, [0.667243, 0.667243], 5);
  });

  test('Poisson quantiles when the history is not over-dispersed', () => {
    expect([f.p10[0], f.p50[0], f.p90[0]]).toEqual([0, 0, 2]);
  });

  test('decays towards zero after demand stops, where Croston stays put', () => {
    const y = [3, 0, 3, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    expect(tsb(y, { horizon: 1 }).mean[0]).toBeLessThan(tsb(y.slice(0, 6), { horizon: 1 }).mean[0]);
    expect(croston(y, { horizon: 1 }).mean[0]).toBeCloseTo(croston(y.slice(0, 6), { horizon: 1 }).mean[0], 10);
  });
});
