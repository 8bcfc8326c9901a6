/** Seeded randomness (the generator is shared: models/stats.ts); Math.random is never used. */
import { seededRandom } from '../stats.ts';

export { seededRandom };

/** Fisher–Yates shuffle of 0..n−1. */
export function shuffledIndex(n: number, rand: () => number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx;
}
