/**
 * Flapping: a key whose alert changed between firing and resolved (either way, new episodes included) at least
 * `changes` times within `windowSeconds` is flapping. The history is kept across episodes on the entry; changes of
 * the breach state while flapping count too, so an alert that keeps oscillating stays recognised as flapping.
 * It ends after `quietSeconds` without a change of the breach state.
 */
import type { Rule } from '../../contracts/alerts.ts';
import type { Entry } from './entry.ts';

/** Drop changes older than the window. */
export function trimFlaps(e: Entry, rule: Pick<Rule, 'flapping'>, at: number): void {
  const since = at - rule.flapping.windowSeconds * 1000;
  while (e.flaps.length > 0 && e.flaps[0] <= since) e.flaps.shift();
}

/** Record a change at `at`; true when the key has now changed often enough to be flapping. */
export function recordFlap(e: Entry, rule: Pick<Rule, 'flapping'>, at: number): boolean {
  e.flaps.push(at);
  e.lastChangeAt = at;
  trimFlaps(e, rule, at);
  return e.flaps.length >= rule.flapping.changes;
}

/** Whether a flapping alert has been quiet long enough to settle. */
export const settled = (e: Entry, rule: Pick<Rule, 'flapping'>, at: number) => at - e.lastChangeAt >= rule.flapping.quietSeconds * 1000;
