/**
 * Seeded randomness for the scenario. Everything the simulator draws comes from here, so a seed fixes the
 * whole history: mulberry32 (32-bit state, ~2 ns per draw, period 2^32 — ample for ~10^8 draws per run).
 * Math.random is never used.
 */

/** FNV-1a over a label, mixed with the seed: independent sub-streams (catalog, incidents, promotions …). */
export function deriveSeed(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  // murmur3 finaliser: FNV alone leaves neighbouring seeds correlated in the low bits.
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16;
  return h >>> 0;
}

export class Random {
  private state: number;
  private spare: number | undefined;

  constructor(seed: number) { this.state = seed >>> 0; }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [min, max). */
  between(min: number, max: number): number { return min + (max - min) * this.next(); }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number { return min + Math.floor((max - min + 1) * this.next()); }

  chance(p: number): boolean { return this.next() < p; }

  pick<T>(items: readonly T[]): T { return items[Math.floor(items.length * this.next())]; }

  /** Exponential with the given mean (inter-arrival times of a Poisson process). */
  exp(mean: number): number { return -Math.log(1 - this.next()) * mean; }

  /** Normal via Box–Muller; the second value of each pair is kept for the next call. */
  normal(mean: number, sd: number): number {
    if (this.spare !== undefined) { const z = this.spare; this.spare = undefined; return mean + sd * z; }
    const u = 1 - this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return mean + sd * r * Math.cos(2 * Math.PI * v);
  }

  /** 1 + geometric number of extra items with the given mean, capped: basket sizes, line counts. */
  count(mean: number, max: number): number {
    let n = 1;
    const p = 1 - 1 / mean;
    while (n < max && this.next() < p) n++;
    return n;
  }

  /** Index into cumulative weights (ascending, last = total). */
  weighted(cumulative: readonly number[]): number {
    const x = this.next() * cumulative[cumulative.length - 1];
    let i = 0;
    while (cumulative[i] <= x) i++;
    return i;
  }

  /** A seeded Fisher–Yates shuffle (in place). */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor((i + 1) * this.next());
      const tmp = items[i]; items[i] = items[j]; items[j] = tmp;
    }
    return items;
  }
}

export function cumulative(weights: readonly number[]): number[] {
  let sum = 0;
  return weights.map((w) => (sum += w));
}

/**
 * Walker's alias table: O(1) draws from a fixed discrete distribution. A sku is drawn for every order
 * line (~30k per simulated day), so a binary search over 500+ weights would be measurable.
 */
export class AliasTable {
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;

  constructor(weights: readonly number[]) {
    const n = weights.length;
    const total = weights.reduce((a, b) => a + b, 0);
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = weights.map((w) => (w * n) / total);
    const small: number[] = [];
    const large: number[] = [];
    scaled.forEach((p, i) => (p < 1 ? small : large).push(i));
    while (small.length && large.length) {
      const s = small.pop()!;
      const l = large.pop()!;
      this.prob[s] = scaled[s];
      this.alias[s] = l;
      scaled[l] = scaled[l] + scaled[s] - 1;
      (scaled[l] < 1 ? small : large).push(l);
    }
    for (const i of large) this.prob[i] = 1;
    for (const i of small) this.prob[i] = 1;
  }

  sample(rng: Random): number {
    const x = rng.next() * this.prob.length;
    const i = Math.floor(x);
    return x - i < this.prob[i] ? i : this.alias[i];
  }
}
