/**
 * Forecast accuracy metrics shared by the backtests. Scaled errors, so series of any volume can be averaged:
 *
 * - RMSSE (M5): sqrt(mean squared error over the horizon / mean squared one-step change of the training history),
 *   the history counted from its first non-zero value (M5's rule: leading zeros are "not yet launched").
 * - MASE (M4): mean absolute error / mean absolute seasonal change of the training history (lag = season: 7 for
 *   daily data, 1 for weekly).
 * - SPL (M5 uncertainty): pinball loss averaged over the quantiles and the horizon / mean absolute one-step change.
 * - Coverage: share of actuals inside [P10, P90] (the target is 0.8).
 *
 * A series whose training history is constant has no scale: its scaled metrics are NaN and are left out of
 * the means (`meanFinite`), as the M5 evaluation leaves them out.
 */

export const QUANTILE_LEVELS = [0.1, 0.5, 0.9] as const;

/** Index of the first non-zero value (the length when there is none). */
function firstNonZero(history: ArrayLike<number>): number {
  let i = 0;
  while (i < history.length && history[i] === 0) i++;
  return i;
}

/** Mean of |y_t − y_{t−lag}|^power over the history from its first non-zero value; NaN with nothing to average. */
export function changeScale(history: ArrayLike<number>, lag: number, power: 1 | 2): number {
  let sum = 0;
  let n = 0;
  for (let t = firstNonZero(history) + lag; t < history.length; t++) {
    const d = Math.abs(history[t] - history[t - lag]);
    sum += power === 2 ? d * d : d;
    n++;
  }
  return n === 0 ? NaN : sum / n;
}

function scaled(value: number, scale: number): number {
  return scale > 0 && Number.isFinite(scale) ? value / scale : NaN;
}

/** Root mean squared scaled error of a point forecast (M5). */
export function rmsse(history: ArrayLike<number>, actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  return rmsseWithScale(actual, forecast, changeScale(history, 1, 2));
}

/** RMSSE with the history's mean squared one-step change already computed (scoring many methods per series). */
export function rmsseWithScale(actual: ArrayLike<number>, forecast: ArrayLike<number>, squaredScale: number): number {
  let sse = 0;
  for (let h = 0; h < actual.length; h++) sse += (actual[h] - forecast[h]) ** 2;
  return Math.sqrt(scaled(sse / actual.length, squaredScale));
}

/** Mean absolute scaled error of a point forecast against the in-sample seasonal naive (M4). */
export function mase(history: ArrayLike<number>, actual: ArrayLike<number>, forecast: ArrayLike<number>, season: number): number {
  let sae = 0;
  for (let h = 0; h < actual.length; h++) sae += Math.abs(actual[h] - forecast[h]);
  return scaled(sae / actual.length, changeScale(history, season, 1));
}

/** Pinball (quantile) loss of one prediction at level q. */
export function pinball(actual: number, predicted: number, q: number): number {
  const d = actual - predicted;
  return d >= 0 ? q * d : (q - 1) * d;
}

/** Mean pinball loss over P10/P50/P90 and the horizon, unscaled. */
export function meanPinball(actual: ArrayLike<number>, quantiles: [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>]): number {
  let sum = 0;
  for (let h = 0; h < actual.length; h++) {
    for (let k = 0; k < QUANTILE_LEVELS.length; k++) sum += pinball(actual[h], quantiles[k][h], QUANTILE_LEVELS[k]);
  }
  return sum / (actual.length * QUANTILE_LEVELS.length);
}

/** Scaled pinball loss (M5 uncertainty): mean pinball / mean absolute one-step change of the history. */
export function spl(history: ArrayLike<number>, actual: ArrayLike<number>,
  quantiles: [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>]): number {
  return scaled(meanPinball(actual, quantiles), changeScale(history, 1, 1));
}

/** Count of actuals inside [lower, upper], both inclusive (a P10 of 0 covers a zero day). */
export function covered(actual: ArrayLike<number>, lower: ArrayLike<number>, upper: ArrayLike<number>): number {
  let n = 0;
  for (let h = 0; h < actual.length; h++) if (actual[h] >= lower[h] && actual[h] <= upper[h]) n++;
  return n;
}

/** Mean of the finite values, with how many there were. */
export function meanFinite(xs: Iterable<number>): { mean: number; n: number } {
  let sum = 0;
  let n = 0;
  for (const x of xs) if (Number.isFinite(x)) { sum += x; n++; }
  return { mean: n === 0 ? NaN : sum / n, n };
}
