import { describe, expect, test } from 'vitest';
import { estimateDispersion, fitLevel, groupPrior, predictive, scoreCount } from './count-model.ts';

/** A seeded generator (mulberry32) and the samplers the dispersion test needs. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const gamma = (shape: number): number => { // Marsaglia–Tsang, shape ≥ 1
    const d = shape - 1 / 3, c = 1 / Math.sqrt(9 * d);
    for (;;) { const z = normal(), v = (1 + c * z) ** 3; if (v > 0 && Math.log(1 - next()) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v; }
  };
  const poisson = (m: number) => { let k = 0, p = Math.exp(-m), s = p; const u = next(); while (u > s) { k++; p *= m / k; s += p; } return k; };
  return { next, gamma, poisson };
}

const sure = { a: 1e9, b: 1e9 }; // a level known exactly (1 per unit factor)

describe('count model at low and high counts', () => {
  test('3 → 0 in a bucket is nothing; 300 → 40 is an alarm', () => {
    const quiet = scoreCount(0, predictive(sure, 3, { low: 0, high: 0 }));
    expect(quiet.direction).toBe('drop');
    expect(quiet.score).toBeCloseTo(3 / Math.LN10, 6); // P(0 | Poisson 3) = e^-3: score 1.3
    const failing = scoreCount(40, predictive(sure, 300, { low: 0, high: 0 }));
    expect(failing.score).toBeCloseTo(79.05, 2); // P(X ≤ 40 | Poisson 300) = 8.8e-80
    // With 30% day-to-day drift (c2 0.1) the big drop is still an alert (score 5.4 ≥ 4), the small one still nothing.
    expect(scoreCount(40, predictive(sure, 300, { low: 0.1, high: 0.1 })).score).toBeCloseTo(5.42, 2);
    expect(scoreCount(0, predictive(sure, 3, { low: 0.1, high: 0.1 })).score).toBeLessThan(1.3);
  });

  test('a spike and its band: 7 adjustments where 0.2 are usual', () => {
    const s = scoreCount(7, predictive(sure, 0.2, { low: 0.1, high: 0.1 }));
    expect(s.direction).toBe('spike');
    expect(s.score).toBeGreaterThan(6);
    expect([s.low, s.high]).toEqual([0, 2]);
  });

  test('an uncertain level (little history) widens the tail: Gamma shape a adds 1/a to the squared CV', () => {
    const known = scoreCount(12, predictive(sure, 4, { low: 0, high: 0 })).score;
    const guessed = scoreCount(12, predictive({ a: 2, b: 2 }, 4, { low: 0, high: 0 })).score;
    expect(guessed).toBeLessThan(known / 2);
  });
});

describe('level', () => {
  const days = (n: number, per: number) => Array.from({ length: n * per }, (_, i) => Math.floor(i / per));

  test('a dense series takes the median of its last 7 days: a surge day and an outage day do not move it', () => {
    const perDay = 24;
    const x = days(14, perDay).map((d) => (d === 12 ? 50 : d === 13 ? 0 : 10));
    const level = fitLevel(x, x.map(() => 1), days(14, perDay));
    expect(level.a / level.b).toBeCloseTo(10, 10);
  });

  test('a sparse series: Gamma posterior, its largest day capped at the 99.9% quantile of the rest', () => {
    const d = days(14, 1);
    const x = d.map((i) => (i === 3 ? 9 : i % 5 === 0 ? 1 : 0)); // one burst of 9, otherwise 3 events in 13 days
    const level = fitLevel(x, x.map(() => 1), d, { a: 0.5, b: 2 });
    // Without the burst the rate is (3 + 0.5) / (13 + 2) ≈ 0.233 a day; P(X ≤ 2) = 0.998 and P(X ≤ 3) = 0.9997,
    // so its 99.9% quantile is 3 and the burst of 9 counts as 3.
    expect(level).toEqual({ a: 0.5 + 3 + 3, b: 2 + 14 });
  });

  test('group prior from rates: method of moments, never claiming more than half an event of knowledge', () => {
    const p = groupPrior([0, 0, 1, 2, 40, 300], [14, 14, 14, 14, 14, 14]);
    expect(p.a).toBe(0.5);
    expect(p.a / p.b).toBeCloseTo(343 / 6 / 14, 10);
    const alike = groupPrior([14, 14, 15, 13], [14, 14, 14, 14]);
    expect(alike.a).toBe(10);
  });
});

describe('dispersion', () => {
  test('recovers each side of an asymmetric drift from negative-binomial data', () => {
    // Rate drift: a gamma with squared CV 0.02, and a fifth of the buckets lifted ×1.6 (promotions).
    const r = rng(42);
    const mu: number[] = [], x: number[] = [];
    for (let i = 0; i < 4000; i++) {
      const m = 20 + (i % 96);
      const lift = r.next() < 0.2 ? 1.6 : 1;
      mu.push(m);
      x.push(r.poisson(m * lift * (r.gamma(50) / 50)));
    }
    const d = estimateDispersion(x, mu);
    expect(d.low).toBeGreaterThan(0.01);
    expect(d.low).toBeLessThan(0.04);
    // The promotions live on the upper side only: (0.6 μ)² / 2.7 ≈ 0.13 μ² at its 90th percentile, plus the drift.
    expect(d.high).toBeGreaterThan(0.1);
    expect(d.high).toBeGreaterThan(5 * d.low!);
  });

  test('is undefined without enough buckets large enough to measure it', () => {
    expect(estimateDispersion([1, 2, 0, 3], [1, 2, 1, 2])).toEqual({ low: undefined, high: undefined });
  });
});
