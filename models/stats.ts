/** Numerical helpers shared by the models (one copy each: demand, stockout and anomalies all need them). */

const A = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
const B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const C = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
const LOW_TAIL = 0.02425;

/** The z with P(Z ≤ z) = q (Acklam's rational approximation, |error| < 1.2e-9); ±Infinity at 0 and 1. */
export function normalQuantile(q: number): number {
  if (q <= 0) return -Infinity;
  if (q >= 1) return Infinity;
  if (q < LOW_TAIL) {
    const t = Math.sqrt(-2 * Math.log(q));
    return (((((C[0]! * t + C[1]!) * t + C[2]!) * t + C[3]!) * t + C[4]!) * t + C[5]!) / ((((D[0]! * t + D[1]!) * t + D[2]!) * t + D[3]!) * t + 1);
  }
  if (q > 1 - LOW_TAIL) return -normalQuantile(1 - q);
  const u = q - 0.5;
  const t = u * u;
  return (((((A[0]! * t + A[1]!) * t + A[2]!) * t + A[3]!) * t + A[4]!) * t + A[5]!) * u
    / (((((B[0]! * t + B[1]!) * t + B[2]!) * t + B[3]!) * t + B[4]!) * t + 1);
}

const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error ~1e-15). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let s = LANCZOS[0]!;
  for (let i = 1; i < 9; i++) s += LANCZOS[i]! / (y + i);
  const t = y + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(s);
}

/** mulberry32: a seeded generator, so a seed fixes a training run (Math.random is never used by a model). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0 || 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
