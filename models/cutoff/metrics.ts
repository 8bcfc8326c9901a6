/** Scores of a binary risk model: ranking (AUC, precision at the top), calibration (Brier), and the base rate. */

/** Area under the ROC curve (Mann–Whitney, ties get half credit); NaN when one class is absent. */
export function auc(p: ArrayLike<number>, y: ArrayLike<number>): number {
  const idx = Array.from({ length: p.length }, (_, i) => i).sort((a, b) => p[a] - p[b]);
  let pos = 0, rankSum = 0;
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && p[idx[j + 1]] === p[idx[i]]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (y[idx[k]] === 1) { pos++; rankSum += avgRank; }
    i = j + 1;
  }
  const neg = p.length - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Mean squared error of the probabilities against 0/1 outcomes. */
export function brier(p: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += (p[i] - y[i]) ** 2;
  return p.length ? s / p.length : NaN;
}

/** Share of misses among the top `fraction` of rows by score (ceil; ties broken by row order). */
export function precisionAtTop(p: ArrayLike<number>, y: ArrayLike<number>, fraction = 0.1): number {
  const n = Math.ceil(p.length * fraction);
  if (!n) return NaN;
  const idx = Array.from({ length: p.length }, (_, i) => i).sort((a, b) => p[b] - p[a] || a - b);
  let hits = 0;
  for (let k = 0; k < n; k++) hits += y[idx[k]];
  return hits / n;
}

export function baseRate(y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i];
  return y.length ? s / y.length : NaN;
}

export interface BinaryMetrics { n: number; baseRate: number; auc: number; brier: number; precisionAt10: number }

export function binaryMetrics(p: ArrayLike<number>, y: ArrayLike<number>): BinaryMetrics {
  return { n: p.length, baseRate: baseRate(y), auc: auc(p, y), brier: brier(p, y), precisionAt10: precisionAtTop(p, y, 0.1) };
}
