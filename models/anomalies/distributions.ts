/**
 * Tail probabilities for the anomaly scores, in log space: a feed that stops at 300 orders an hour has a tail
 * probability near 1e-130, which underflows a double but is still a finite score (−log10 p). Counts use the
 * negative binomial (a Poisson whose rate is itself uncertain: estimation error plus day-to-day drift) and the
 * Poisson as its limit; other values use the normal on a robust z. The special functions are the classic
 * continued fractions (Lentz) and series, written so the small side is computed directly, never as 1 − (≈1).
 */
import { logGamma, normalQuantile } from '../stats.ts';

export { logGamma, normalQuantile };

const LN10 = Math.LN10;
const EPS = 1e-15;
const TINY = 1e-300;
const MAX_ITER = 20_000;


/** log(1 − e^v) for v ≤ 0, accurate at both ends. */
function log1mExp(v: number): number {
  return v > -Math.LN2 ? Math.log(-Math.expm1(v)) : Math.log1p(-Math.exp(v));
}

/** Continued fraction of the incomplete beta (Numerical Recipes' betacf, modified Lentz). */
function betaCf(x: number, a: number, b: number): number {
  const qab = a + b, qap = a + 1, qam = a - 1;
  let c = 1, d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_ITER; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d; if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c; if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d; h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d; if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c; if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/** ln I_x(a, b), the regularized incomplete beta function. */
export function logIncBeta(x: number, a: number, b: number): number {
  if (x <= 0) return -Infinity;
  if (x >= 1) return 0;
  const front = a * Math.log(x) + b * Math.log1p(-x) - (logGamma(a) + logGamma(b) - logGamma(a + b));
  if (x < (a + 1) / (a + b + 2)) return front + Math.log(betaCf(x, a, b)) - Math.log(a);
  const other = front + Math.log(betaCf(1 - x, b, a)) - Math.log(b);
  return log1mExp(Math.min(0, other));
}

/** ln P(a, x) and ln Q(a, x), the regularized lower and upper incomplete gamma functions. */
export function logGammaPQ(a: number, x: number): { logP: number; logQ: number } {
  if (x <= 0) return { logP: -Infinity, logQ: 0 };
  const front = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    let ap = a, sum = 1 / a, del = sum;
    for (let n = 0; n < MAX_ITER; n++) {
      ap += 1; del *= x / ap; sum += del;
      if (Math.abs(del) < Math.abs(sum) * EPS) break;
    }
    const logP = front + Math.log(sum);
    return { logP, logQ: log1mExp(Math.min(0, logP)) };
  }
  let b = x + 1 - a, c = 1 / TINY, d = 1 / b, h = d;
  for (let i = 1; i <= MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b; if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c; if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  const logQ = front + Math.log(h);
  return { logP: log1mExp(Math.min(0, logQ)), logQ };
}

/**
 * A count distribution: negative binomial with mean `mean` and squared coefficient of variation of its rate
 * `cv2` (variance = mean + cv2·mean²); cv2 = 0 is the Poisson.
 */
export interface CountDist { mean: number; cv2: number }

/** Below this cv2 the negative binomial is a Poisson to working precision (and its fractions converge slowly). */
const POISSON_CV2 = 1e-7;

/** ln P(X ≥ x). */
export function logCountTailAbove(x: number, d: CountDist): number {
  const k = Math.ceil(x);
  if (k <= 0) return 0;
  if (d.mean <= 0) return -Infinity;
  if (d.cv2 < POISSON_CV2) return logGammaPQ(k, d.mean).logP;
  const r = 1 / d.cv2;
  return logIncBeta(d.mean / (r + d.mean), k, r);
}

/** ln P(X ≤ x). */
export function logCountTailBelow(x: number, d: CountDist): number {
  const k = Math.floor(x);
  if (k < 0) return -Infinity;
  if (d.mean <= 0) return 0;
  if (d.cv2 < POISSON_CV2) return logGammaPQ(k + 1, d.mean).logQ;
  const r = 1 / d.cv2;
  return logIncBeta(r / (r + d.mean), r, k + 1);
}

/** The smallest k with P(X ≤ k) ≥ q (binary search on the CDF). */
export function countQuantile(q: number, d: CountDist): number {
  if (d.mean <= 0) return 0;
  const logQ = Math.log(q);
  const sd = Math.sqrt(d.mean + d.cv2 * d.mean * d.mean);
  let lo = -1;
  let hi = Math.ceil(d.mean + 10 * sd + 10);
  while (logCountTailBelow(hi, d) < logQ) hi *= 2;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (logCountTailBelow(mid, d) >= logQ) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** ln P(Z ≥ z) for a standard normal (erfc after Numerical Recipes' erfcc, relative error < 1.2e-7). */
export function logNormalTailAbove(z: number): number {
  if (z < 0) return log1mExp(logNormalTailAbove(-z));
  const u = z / Math.SQRT2;
  const t = 1 / (1 + 0.5 * u);
  const poly = -u * u - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
    + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return Math.log(0.5 * t) + poly;
}


/** A natural-log probability as a score: −log10 p (0 = nothing unusual, 4 = a one-in-10,000 bucket). */
export function surprise(logP: number): number {
  return Math.max(0, -logP / LN10);
}

/** ln P(X ≥ x) for X ~ Binomial(n, p). */
export function logBinomialTailAbove(x: number, n: number, p: number): number {
  const k = Math.ceil(x);
  if (k <= 0) return 0;
  if (k > n || p <= 0) return -Infinity;
  if (p >= 1) return 0;
  return logIncBeta(p, k, n - k + 1);
}

/** ln P(X ≤ x) for X ~ Binomial(n, p). */
export function logBinomialTailBelow(x: number, n: number, p: number): number {
  const k = Math.floor(x);
  if (k < 0) return -Infinity;
  if (k >= n || p <= 0) return 0;
  if (p >= 1) return -Infinity;
  return logIncBeta(1 - p, n - k, k + 1);
}

/** The smallest k with P(X ≤ k) ≥ q for X ~ Binomial(n, p). */
export function binomialQuantile(q: number, n: number, p: number): number {
  const logQ = Math.log(q);
  let lo = -1, hi = n;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (logBinomialTailBelow(mid, n, p) >= logQ) hi = mid;
    else lo = mid;
  }
  return hi;
}
