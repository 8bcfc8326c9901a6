/**
 * Platt scaling: p = σ(a·s + b) fitted by Newton's method (IRLS) on a held-out slice, where s is a raw score
 * (the model's logit, the rule's shortfall). Two parameters cannot overfit a slice of a few thousand rows, and
 * they fix both a scale that is too sharp or too flat and a base rate that shifted between fit and slice.
 * Targets are smoothed as Platt (1999) suggests, (n₊+1)/(n₊+2) and 1/(n₋+2), so separable data stays finite.
 */
export interface Platt { a: number; b: number }

export const IDENTITY_PLATT: Platt = { a: 1, b: 0 };

const MAX_ITER = 50;

export function fitPlatt(scores: ArrayLike<number>, y: ArrayLike<number>): Platt {
  const n = scores.length;
  let pos = 0;
  for (let i = 0; i < n; i++) pos += y[i];
  if (n === 0 || pos === 0 || pos === n) return { a: 0, b: logit((pos + 1) / (n + 2)) };
  const hi = (pos + 1) / (pos + 2), lo = 1 / (n - pos + 2);
  let a = 0, b = logit(pos / n);
  for (let it = 0; it < MAX_ITER; it++) {
    // Gradient and Hessian of the log-loss in (a, b), with a tiny ridge so a constant score stays solvable.
    let ga = 0, gb = 0, haa = 1e-6, hab = 0, hbb = 1e-6;
    for (let i = 0; i < n; i++) {
      const s = scores[i];
      const p = sigmoid(a * s + b);
      const t = y[i] ? hi : lo;
      const w = Math.max(p * (1 - p), 1e-12);
      ga += (p - t) * s; gb += p - t;
      haa += w * s * s; hab += w * s; hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (!(Math.abs(det) > 1e-18)) break;
    const da = (hbb * ga - hab * gb) / det, db = (haa * gb - hab * ga) / det;
    a -= da; b -= db;
    if (Math.abs(da) < 1e-9 && Math.abs(db) < 1e-9) break;
  }
  return Number.isFinite(a) && Number.isFinite(b) ? { a, b } : { a: 0, b: logit(pos / n) };
}

export function applyPlatt(c: Platt, score: number): number {
  return sigmoid(c.a * score + c.b);
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

export function logit(p: number): number {
  const q = Math.min(1 - 1e-7, Math.max(1e-7, p));
  return Math.log(q / (1 - q));
}
