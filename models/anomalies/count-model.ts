/**
 * The count model of one series: events per bucket ~ Poisson(level × profile factor × exposure), with the level
 * uncertain (Gamma(a, b): estimation error, large when the history is short or sparse) and drifting from day
 * to day (squared coefficient of variation c2, measured separately below and above the expectation). Together
 * that is a negative binomial per side, which is what makes low counts behave: 3 → 0 orders in a bucket has a
 * tail probability of 5% (nothing), 300 → 40 of 1e-80.
 *
 * Robustness: a dense series (≥ 10 events a day) takes its level as the median over its last 7 days of
 * (day's events ÷ day's expected shape), so a stalled or surging day in the history does not move it. A sparse
 * one takes the Gamma posterior from its group's prior (empirical Bayes over the group's series), with each day
 * capped at the 99.9% Poisson quantile of the level estimated without its largest day: one shrink burst in
 * the history makes the next one less surprising, but not unsurprising.
 */
import { countQuantile, logCountTailAbove, logCountTailBelow, surprise, type CountDist } from './distributions.ts';
import { median } from './profile.ts';

/** Linear-interpolated quantile; sorts `xs` in place. */
function quantile(xs: Float64Array, q: number): number {
  const s = xs.sort();
  const pos = q * (s.length - 1), lo = Math.floor(pos);
  return lo + 1 < s.length ? s[lo] + (pos - lo) * (s[lo + 1] - s[lo]) : s[lo];
}

export type Direction = 'drop' | 'spike' | 'none';

/** Events a day from which a series' own medians are trustworthy. */
export const DENSE_PER_DAY = 10;
/**
 * Days the level of a dense series is taken from (the latest of the window): after a promotion a SKU's returns
 * can settle at three times their old level for weeks, which a fortnight's median would call a surge.
 */
export const LEVEL_DAYS = 7;
/** The group prior never claims more than half an event's worth of knowledge about a series (shape ≥ 0.5). */
const MIN_PRIOR_SHAPE = 0.5;
/** Squared CV used when no series of a group has buckets large enough to measure it (~30% day-to-day drift). */
export const DEFAULT_C2 = 0.1;
export const DEFAULT_DISPERSION: Dispersion = { low: DEFAULT_C2, high: DEFAULT_C2 };
/**
 * Dispersion is matched at the 90th percentile of squared standardized residuals (χ²₁ there is 2.706): the
 * shoulder of the distribution, where false alarms come from (promotions, a SKU's returns rising after it was
 * promoted), while the top 10% — where incidents in the history sit — is ignored. Matched at the median, the
 * core of the distribution looks Poisson and the shoulder is left to chance.
 */
const RESIDUAL_QUANTILE = 0.9;
const CHI2_1_Q90 = 2.705543;
/**
 * Dispersion is measured on buckets expecting ≥ 10 events (there the χ²₁ target is off by ~0.01 in c2 for
 * discreteness), and only from 50 buckets on a side: the top 10% must be several buckets, or one surge day in
 * the history is the 90th percentile (at 6k orders a day, 14 days of returns: c2 5.2 instead of ~0.1).
 */
const DISPERSION_MIN_MEAN = 10;
const DISPERSION_MIN_BUCKETS = 50;

export interface GammaLevel { a: number; b: number }

/**
 * The level (events per bucket at factor 1) of a series: `x[i]` events in bucket i, `f[i]` its profile factor,
 * `day[i]` its local day. `prior` is the group's Gamma prior (default: Jeffreys, a = 0.5, b = 0).
 */
export function fitLevel(x: number[], f: number[], day: number[], prior: GammaLevel = { a: 0.5, b: 0 }): GammaLevel {
  const days = new Map<number, { t: number; e: number }>();
  let s = 0, e = 0;
  for (let i = 0; i < x.length; i++) {
    const d = days.get(day[i]);
    if (d) { d.t += x[i]; d.e += f[i]; } else days.set(day[i], { t: x[i], e: f[i] });
    s += x[i];
    e += f[i];
  }
  const list = [...days.values()];
  if (list.length >= 3 && s / list.length >= DENSE_PER_DAY) {
    // Level from the most recent days only: the profile needs weeks, but a level follows promotions and trends.
    const typical = median(list.map((d) => d.e));
    const full = list.filter((d) => d.e >= 0.5 * typical);
    const recent = full.slice(-LEVEL_DAYS);
    const level = median(recent.map((d) => d.t / d.e));
    const events = recent.reduce((a, d) => a + d.t, 0);
    if (level > 0) return { a: events, b: events / level };
  }
  let top = list[0] ?? { t: 0, e: 0 };
  for (const d of list) if (d.t > top.t) top = d;
  const rest = e - top.e + prior.b;
  const loo = rest > 0 ? (s - top.t + prior.a) / rest : (s + prior.a) / Math.max(e + prior.b, 1e-9);
  let capped = 0;
  for (const d of list) {
    const mean = loo * d.e;
    // Below mean + 3 sd a day is under its 99.9% quantile anyway: skip the quantile search (most days).
    capped += d.t <= Math.max(1, mean + 3 * Math.sqrt(mean)) ? d.t : Math.min(d.t, Math.max(1, countQuantile(0.999, { mean, cv2: 0 })));
  }
  return { a: prior.a + capped, b: prior.b + e };
}

/** Extra-Poisson variance of the rate below and above the expectation (variance = μ + c2·μ² on each side). */
export interface Dispersion { low: number; high: number }

/**
 * Dispersion by a robust moment, one side at a time: the c2 at which the 90th percentile of squared
 * standardized residuals of the buckets on that side is χ²₁'s (for a symmetric distribution each half's
 * |z| is half-normal, so the target is the same). Two sides because deviations are not symmetric: intake is
 * lifted by promotions a fifth of the time and lowered only by failures; one c2 fitted to the promotions
 * would widen the lower tail until a stalled feed (0 orders against 19) scored 3 instead of 7. A side is
 * undefined when fewer than 50 of its buckets expect ≥ 10 events.
 */
export function estimateDispersion(x: number[], mu: number[]): { low?: number; high?: number } {
  return { low: sideDispersion(x, mu, -1), high: sideDispersion(x, mu, 1) };
}

function sideDispersion(x: number[], mu: number[], sign: 1 | -1): number | undefined {
  const e2: number[] = [], m: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (mu[i] >= DISPERSION_MIN_MEAN && sign * (x[i] - mu[i]) >= 0) { e2.push((x[i] - mu[i]) ** 2); m.push(mu[i]); }
  }
  if (e2.length < DISPERSION_MIN_BUCKETS) return undefined;
  const z = new Float64Array(e2.length);
  const excess = (c2: number) => {
    for (let i = 0; i < z.length; i++) z[i] = e2[i] / (m[i] + c2 * m[i] * m[i]);
    return quantile(z, RESIDUAL_QUANTILE) - CHI2_1_Q90;
  };
  if (excess(0) <= 0) return 0;
  let lo = 0, hi = 1;
  while (excess(hi) > 0 && hi < 100) hi *= 2;
  // Bisect to 0.1% of c2: the band it draws moves by less than a twentieth of a percent.
  while (hi - lo > 1e-3 * hi) {
    const mid = (lo + hi) / 2;
    if (excess(mid) > 0) lo = mid; else hi = mid;
  }
  return hi;
}

/**
 * Empirical-Bayes Gamma prior from a group's per-series rates (events ÷ exposure, where exposure is the sum
 * of the series' expected-shape factors over the window): method of moments, Poisson noise removed.
 */
export function groupPrior(totals: number[], exposures: number[]): GammaLevel {
  const ok = totals.map((_, i) => i).filter((i) => exposures[i] > 0);
  if (ok.length === 0) return { a: 0.5, b: 0.5 };
  const rates = ok.map((i) => totals[i] / exposures[i]);
  const m = rates.reduce((a, b) => a + b, 0) / rates.length;
  const meanExposure = ok.reduce((a, i) => a + exposures[i], 0) / ok.length;
  if (m <= 0) return { a: 0.5, b: 0.5 * meanExposure };
  const v = rates.reduce((a, r) => a + (r - m) ** 2, 0) / Math.max(1, rates.length - 1) - m / meanExposure;
  // Rates across SKUs are Zipf-like, and a Gamma matched to their moments puts most of its mass near zero: a
  // SKU quiet for two weeks would then find three returns in a day a 1e-5 event. Shape ≥ 0.5 keeps it ~1e-4.
  const a = v > 0 ? Math.min(10, Math.max(MIN_PRIOR_SHAPE, (m * m) / v)) : 10;
  return { a, b: a / m };
}

/** The predictive distribution of one bucket: the mean, and a negative binomial for each side of it. */
export interface Predictive { mean: number; below: CountDist; above: CountDist }

/** Gamma level × factor, with the side's drift: cv2 = (1 + 1/a)(1 + c2) − 1 (estimation error and drift compound). */
export function predictive(level: GammaLevel, factor: number, d: Dispersion): Predictive {
  const mean = (level.a / level.b) * factor;
  const cv2 = (c2: number) => (1 + 1 / level.a) * (1 + c2) - 1;
  return { mean, below: { mean, cv2: cv2(d.low) }, above: { mean, cv2: cv2(d.high) } };
}

export interface CountScore { score: number; direction: Direction; low: number; high: number }

/** The central `interval` of the predictive distribution: the "usual" range in explanations. */
export function countBand(p: Predictive, interval = 0.99): { low: number; high: number } {
  const tail = (1 - interval) / 2;
  return { low: countQuantile(tail, p.below), high: countQuantile(1 - tail, p.above) };
}

/**
 * Score of a bucket with `x` events: −log10 of the tail probability on the side it falls (P(X ≥ x) above the
 * mean, P(X ≤ x) below), so 2 is a one-in-a-hundred bucket whatever the series' size.
 */
export function scoreCount(x: number, p: Predictive, band = countBand(p)): CountScore {
  const { low, high } = band;
  if (x > p.mean) return { score: surprise(logCountTailAbove(x, p.above)), direction: 'spike', low, high };
  if (x < p.mean) return { score: surprise(logCountTailBelow(x, p.below)), direction: 'drop', low, high };
  return { score: 0, direction: 'none', low, high };
}
