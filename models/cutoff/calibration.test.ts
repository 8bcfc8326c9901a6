import { describe, expect, test } from 'vitest';
import { applyPlatt, fitPlatt, sigmoid } from './calibration.ts';
import { auc, binaryMetrics, brier, precisionAtTop } from './metrics.ts';
import { seededRandom } from './random.ts';

/** Outcomes drawn from a true logit z; a model reports the over-confident, shifted score 3z + 1.5. */
function miscalibrated(n: number, seed: number): { score: number[]; y: number[]; truth: number[] } {
  const rand = seededRandom(seed);
  const score: number[] = [], y: number[] = [], truth: number[] = [];
  for (let i = 0; i < n; i++) {
    const z = (rand() - 0.5) * 6 - 1.5;
    truth.push(sigmoid(z));
    y.push(rand() < sigmoid(z) ? 1 : 0);
    score.push(3 * z + 1.5);
  }
  return { score, y, truth };
}

describe('Platt calibration', () => {
  test('recovers the scale and shift of a miscalibrated score and lowers the Brier score on fresh data', () => {
    const fit = miscalibrated(4000, 1);
    const c = fitPlatt(fit.score, fit.y);
    // σ(a(3z + 1.5) + b) = σ(z) needs a = 1/3, b = −0.5.
    expect(c.a).toBeCloseTo(1 / 3, 1);
    expect(c.b).toBeCloseTo(-0.5, 1);
    const test = miscalibrated(4000, 2);
    const raw = brier(test.score.map(sigmoid), test.y);
    const calibrated = brier(test.score.map((s) => applyPlatt(c, s)), test.y);
    const ideal = brier(test.truth, test.y);
    expect(calibrated).toBeLessThan(raw - 0.02);
    expect(calibrated).toBeLessThan(ideal + 0.002);
    // A monotone map: ranking (AUC) is untouched.
    expect(auc(test.score.map((s) => applyPlatt(c, s)), test.y)).toBeCloseTo(auc(test.score, test.y), 10);
  });

  test('one class only, or separable data, stays finite', () => {
    expect(applyPlatt(fitPlatt([1, 2, 3], [0, 0, 0]), 2)).toBeLessThan(0.3);
    const sep = fitPlatt([-2, -1, 1, 2], [0, 0, 1, 1]);
    expect(Number.isFinite(sep.a) && Number.isFinite(sep.b)).toBe(true);
    expect(applyPlatt(sep, 2)).toBeGreaterThan(0.5);
  });
});

describe('metrics', () => {
  test('AUC, Brier and precision at the top against hand-computed values', () => {
    const p = [0.1, 0.4, 0.35, 0.8];
    const y = [0, 0, 1, 1];
    // Pairs (pos, neg): (0.35,0.1) ✓ (0.35,0.4) ✗ (0.8,0.1) ✓ (0.8,0.4) ✓ → 3/4.
    expect(auc(p, y)).toBe(0.75);
    expect(auc([0.5, 0.5, 0.5], [0, 1, 0])).toBe(0.5);
    expect(brier(p, y)).toBeCloseTo((0.01 + 0.16 + 0.4225 + 0.04) / 4, 12);
    expect(precisionAtTop(p, y, 0.5)).toBe(0.5); // top two: 0.8 (miss), 0.4 (made)
    expect(precisionAtTop([0.9, 0.8, 0.7, 0.1, 0.2], [0, 1, 1, 0, 0], 0.1)).toBe(0); // ceil(0.5) = 1 row
    const m = binaryMetrics(p, y);
    expect(m).toMatchObject({ n: 4, baseRate: 0.5, auc: 0.75 });
    expect(auc([0.2, 0.3], [1, 1])).toBeNaN();
  });
});
