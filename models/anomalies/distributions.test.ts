import { describe, expect, test } from 'vitest';
import {
  binomialQuantile, countQuantile, logBinomialTailAbove, logBinomialTailBelow, logCountTailAbove, logCountTailBelow,
  logGamma, logNormalTailAbove, normalQuantile, surprise,
} from './distributions.ts';

/** Probability mass by direct summation (log space), the reference the special functions must match. */
const poissonPmf = (k: number, m: number) => Math.exp(-m + k * Math.log(m) - logGamma(k + 1));
const nbPmf = (k: number, m: number, r: number) =>
  Math.exp(logGamma(k + r) - logGamma(r) - logGamma(k + 1) + r * Math.log(r / (r + m)) + k * Math.log(m / (r + m)));
const binomPmf = (k: number, n: number, p: number) =>
  Math.exp(logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + k * Math.log(p) + (n - k) * Math.log1p(-p));

function sums(pmf: (k: number) => number, x: number, upto = 5000) {
  let below = 0, above = 0;
  for (let k = 0; k <= upto; k++) { const p = pmf(k); if (k <= x) below += p; if (k >= x) above += p; }
  return { below, above };
}

describe('count tails', () => {
  test.each([
    [5, 3, 0], [40, 300, 0], [40, 300, 0.05], [3, 0.1, 0], [3, 0.1, 2], [12, 2.5, 0.3], [1100, 1000, 0.01],
  ])('P(X ≤ %d) and P(X ≥ %d) at mean %d, cv2 %d match direct summation', (x, mean, cv2) => {
    const ref = sums((k) => (cv2 ? nbPmf(k, mean, 1 / cv2) : poissonPmf(k, mean)), x, 20_000);
    const d = { mean, cv2 };
    expect(Math.exp(logCountTailBelow(x, d))).toBeCloseTo(ref.below, 10);
    expect(Math.exp(logCountTailAbove(x, d)) / ref.above).toBeCloseTo(1, 8);
  });

  test('a vanishing tail stays finite in log space: 0 orders where 300 are expected is p = 1e-130.3', () => {
    expect(logCountTailBelow(0, { mean: 300, cv2: 0 }) / Math.LN10).toBeCloseTo(-130.288, 2);
    expect(surprise(logCountTailBelow(0, { mean: 300, cv2: 0 }))).toBeCloseTo(130.288, 2);
  });

  test('quantiles are the smallest count whose CDF reaches the level', () => {
    for (const d of [{ mean: 0.2, cv2: 0 }, { mean: 7, cv2: 0.1 }, { mean: 450, cv2: 0.02 }]) {
      for (const q of [0.005, 0.5, 0.995]) {
        const k = countQuantile(q, d);
        expect(Math.exp(logCountTailBelow(k, d))).toBeGreaterThanOrEqual(q);
        if (k > 0) expect(Math.exp(logCountTailBelow(k - 1, d))).toBeLessThan(q);
      }
    }
  });
});

describe('binomial tails', () => {
  test.each([[13, 21, 0.16], [2, 30, 0.1], [0, 10, 0.3], [10, 10, 0.5]])('%d of %d at share %d matches direct summation', (x, n, p) => {
    const ref = sums((k) => (k <= n ? binomPmf(k, n, p) : 0), x, n);
    expect(Math.exp(logBinomialTailBelow(x, n, p))).toBeCloseTo(ref.below, 10);
    expect(Math.exp(logBinomialTailAbove(x, n, p)) / ref.above).toBeCloseTo(1, 8);
    const k = binomialQuantile(0.995, n, p);
    expect(Math.exp(logBinomialTailBelow(k, n, p))).toBeGreaterThanOrEqual(0.995);
  });
});

describe('normal', () => {
  test('tail and quantile agree with the tables', () => {
    expect(Math.exp(logNormalTailAbove(1.96))).toBeCloseTo(0.0249979, 6);
    expect(Math.exp(logNormalTailAbove(-1))).toBeCloseTo(0.8413447, 6);
    expect(logNormalTailAbove(40) / Math.LN10).toBeCloseTo(-349.437, 2);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
  });
});
