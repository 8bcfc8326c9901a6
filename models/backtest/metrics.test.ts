/** The accuracy metrics against hand-computed values. */
import { describe, expect, test } from 'vitest';
import { changeScale, covered, mase, meanFinite, meanPinball, pinball, rmsse, spl } from './metrics.ts';

// History 0 0 2 4 3 5: counted from the first non-zero value (2 4 3 5), one-step changes 2, −1, 2:
// mean square (4 + 1 + 4)/3 = 3, mean absolute 5/3. Seasonal lag 2: 3−2 = 1, 5−4 = 1 → mean absolute 1.
const history = [0, 0, 2, 4, 3, 5];
const actual = [4, 6];
const forecast = [5, 4]; // errors −1, 2: MSE 2.5, MAE 1.5

describe('scaled errors', () => {
  test('scales ignore the leading zeros', () => {
    expect(changeScale(history, 1, 2)).toBeCloseTo(3, 12);
    expect(changeScale(history, 1, 1)).toBeCloseTo(5 / 3, 12);
    expect(changeScale(history, 2, 1)).toBeCloseTo(1, 12);
  });

  test('RMSSE = sqrt(MSE / mean squared change) = sqrt(2.5 / 3)', () => {
    expect(rmsse(history, actual, forecast)).toBeCloseTo(Math.sqrt(2.5 / 3), 12);
  });

  test('MASE = MAE / mean absolute seasonal change = 1.5 / 1', () => {
    expect(mase(history, actual, forecast, 2)).toBeCloseTo(1.5, 12);
  });

  test('a constant history has no scale: NaN, left out of means', () => {
    expect(rmsse([3, 3, 3], [3], [4])).toBeNaN();
    expect(meanFinite([1, NaN, 3])).toEqual({ mean: 2, n: 2 });
  });
});

describe('quantile metrics', () => {
  test('pinball loss', () => {
    expect(pinball(10, 8, 0.9)).toBeCloseTo(1.8, 12); // under-forecast: 0.9·2
    expect(pinball(10, 12, 0.9)).toBeCloseTo(0.2, 12); // over-forecast: 0.1·2
  });

  test('mean pinball over P10/P50/P90 and SPL', () => {
    // actual 4: P10 3 → 0.1·1 = 0.1; P50 5 → 0.5·1 = 0.5; P90 6 → 0.1·2 = 0.2 — mean 0.8/3
    // actual 6: P10 3 → 0.1·3 = 0.3; P50 5 → 0.5·1 = 0.5; P90 6 → 0 — mean 0.8/3
    const q: [number[], number[], number[]] = [[3, 3], [5, 5], [6, 6]];
    expect(meanPinball(actual, q)).toBeCloseTo(0.8 / 3, 12);
    expect(spl(history, actual, q)).toBeCloseTo(0.8 / 3 / (5 / 3), 12);
  });

  test('coverage counts actuals inside [P10, P90], bounds included', () => {
    expect(covered([0, 2, 5, 9], [0, 0, 1, 1], [0, 3, 4, 9])).toBe(3);
  });
});
