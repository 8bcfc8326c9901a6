/**
 * Synthetic daily demand for benchmarks at catalogue scale (50k SKU-locations in ~1 s, where the simulator
 * would need millions of orders): per series a log-normal level (median 1 unit a day, long tail), a weekly
 * shape, Poisson–gamma (negative binomial) noise, a third of the series intermittent, and two-day promotions
 * with a 1.5–2.5× lift on one series in ten. Deterministic by seed.
 */
import { seededRandom } from './random.ts';
import { isoDate, dayNumber, type DemandSeries } from './series.ts';

export function syntheticDemand(o: { series: number; days: number; seed: number; start?: string }): DemandSeries[] {
  const random = seededRandom(o.seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const poisson = (mean: number) => {
    if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal()));
    let k = 0, p = Math.exp(-mean), cdf = p;
    const u = random();
    while (u > cdf && k < 200) { k++; p *= mean / k; cdf += p; }
    return k;
  };
  // Gamma(shape 2) mixing → negative binomial with variance μ + μ²/2.
  const gamma2 = () => -Math.log(1 - random()) - Math.log(1 - random());
  const start = o.start ?? '2026-01-05';
  const first = dayNumber(start);
  return Array.from({ length: o.series }, (_, i) => {
    const intermittent = random() < 1 / 3;
    const level = intermittent ? 0.05 + 0.4 * random() : Math.exp(normal() * 1.2);
    const shape = Array.from({ length: 7 }, () => 1 + 0.25 * normal() * random());
    const promoted = random() < 0.1;
    const promo = new Array<number>(o.days).fill(0);
    if (promoted) for (let d = Math.floor(random() * 21); d < o.days; d += 14 + Math.floor(random() * 14)) { promo[d] = 1; if (d + 1 < o.days) promo[d + 1] = 1; }
    const lift = 1.5 + random();
    const values = promo.map((p, d) => poisson(level * Math.max(0.1, shape[(first + d) % 7]) * (p ? lift : 1) * gamma2() / 2));
    return { id: `SKU-${String(i).padStart(6, '0')}@${i % 2 ? '3pl-west' : 'wh-east'}`, start: isoDate(first), grain: 'day' as const,
      values, ...(promoted ? { promo } : {}) };
  });
}
