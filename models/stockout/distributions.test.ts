import { describe, expect, test } from 'vitest';
import { gammaExceedance, gammaP, gammaQ, lnGamma, normalCdf, normalQuantile } from './distributions.ts';

describe('normal', () => {
  test('cdf against table values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1)).toBeCloseTo(0.8413447461, 7);
    expect(normalCdf(-1.96)).toBeCloseTo(0.0249978952, 7);
    expect(normalCdf(3)).toBeCloseTo(0.998650102, 7);
    expect(normalCdf(-8)).toBeGreaterThanOrEqual(0);
  });

  test('quantile against table values, and the inverse of the cdf', () => {
    expect(normalQuantile(0.95)).toBeCloseTo(1.644853627, 8);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326347874, 8);
    expect(normalQuantile(0.999)).toBeCloseTo(3.090232306, 8);
    for (const p of [0.001, 0.1, 0.3, 0.7, 0.975]) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 6);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });
});

describe('gamma', () => {
  test('ln Γ of whole and half numbers', () => {
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 10);
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 10);
    expect(lnGamma(101)).toBeCloseTo(363.73937555556347, 8); // ln 100!
  });

  test('incomplete gamma of whole shapes is the Poisson tail: 1 − e^−x Σ_{j<k} x^j/j!', () => {
    expect(gammaP(1, 2)).toBeCloseTo(1 - Math.exp(-2), 12);
    expect(gammaP(2, 3)).toBeCloseTo(1 - 4 * Math.exp(-3), 12); // 0.8008517265
    expect(gammaP(3, 1)).toBeCloseTo(1 - 2.5 * Math.exp(-1), 12); // 0.0803013970 (series side)
    expect(gammaQ(2, 30) / (31 * Math.exp(-30))).toBeCloseTo(1, 9); // far tail without cancellation
    // Larger shapes against the exact Poisson sum in log space: 60 (series and continued fraction), 1200 (the
    // Wilson–Hilferty side).
    const poissonTail = (k: number, x: number) => {
      let s = 0;
      for (let j = 0; j < k; j++) s += Math.exp(-x + j * Math.log(x) - lnGamma(j + 1));
      return 1 - s;
    };
    for (const x of [45, 60, 75]) expect(gammaP(60, x)).toBeCloseTo(poissonTail(60, x), 9);
    for (const x of [1100, 1200, 1300]) expect(Math.abs(gammaP(1200, x) - poissonTail(1200, x))).toBeLessThan(1e-5);
    expect(Math.abs(gammaP(1000 - 1e-9, 1010) - gammaP(1000, 1010))).toBeLessThan(1e-5); // no step at the switch
  });

  test('exceedance of a moment-matched gamma, and its degenerate cases', () => {
    expect(gammaExceedance(10, 100, 20.5)).toBeCloseTo(Math.exp(-2.05), 10); // shape 1: exponential, mean 10
    expect(gammaExceedance(30, 450, 40.5)).toBeCloseTo(Math.exp(-2.7) * 3.7, 10); // shape 2, scale 15
    expect(gammaExceedance(0, 0, 0.5)).toBe(0);
    expect(gammaExceedance(0, 0, -0.5)).toBe(1);
    expect(gammaExceedance(10, 0, 9.5)).toBe(1);
    expect(gammaExceedance(10, 0, 10.5)).toBe(0);
    expect(gammaExceedance(10, 25, -1)).toBe(1);
  });
});
