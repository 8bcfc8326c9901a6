/** Seeded randomness (the generator is shared: models/stats.ts); Math.random is never used. */
import { seededRandom } from '../stats.ts';

export { seededRandom };

/** Fisher–Yates in place with the given generator. */
export function shuffleInPlace(xs: Uint32Array | number[], random: () => number): void {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = xs[i]; xs[i] = xs[j]; xs[j] = t;
  }
}
