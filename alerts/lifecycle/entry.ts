/**
 * The book's record of one key: the public Alert plus what the engine needs between steps (the N-of-M ring, the
 * hysteresis state, the repeat schedule, the flapping history). Entries outlive episodes: an inactive entry keeps
 * its ring and flapping history until both are empty.
 */
import type { Alert, AlertState, Rule } from '../../contracts/alerts.ts';
import { groupKey, iso, ms } from './keys.ts';

export interface Entry {
  key: string;
  alert: Alert;
  /** The last m breach booleans (value <op> threshold) of this key's evaluations, oldest first. */
  ring: boolean[];
  /** The condition at the last evaluation: raw breach before firing, hysteresis (recover) once firing. */
  breaching: boolean;
  /** Epoch ms of the episode start (Alert.startsAt), part of every id. */
  startsMs: number;
  /** Its firing notice is waiting for the group window to close. */
  held: boolean;
  nextRepeatAt: number | null;
  repeatGapMs: number;
  /** Times of firing↔resolved changes, kept across episodes, trimmed to the flapping window. */
  flaps: number[];
  /** Last change of the breach state, for the flapping quiet period. */
  lastChangeAt: number;
}

/** Alerts in these states are "firing" for inhibition, resolve notices and hysteresis. */
export const FIRING_LIKE: ReadonlySet<AlertState> = new Set(['firing', 'acknowledged', 'flapping']);
export const OPEN: ReadonlySet<AlertState> = new Set(['pending', 'firing', 'acknowledged', 'flapping']);

export function newEntry(key: string, rule: Rule, labels: Alert['labels'], at: number): Entry {
  const alert: Alert = {
    key, ruleId: rule.id, type: rule.type, title: rule.title, site: labels.site, labels, ownerRole: rule.ownerRole,
    state: 'inactive', severity: rule.severity.base, impact: { ordersAtRisk: 0, revenueAtRisk: 0 }, value: 0, summary: '',
    startsAt: iso(at), firingAt: null, acknowledgedAt: null, acknowledgedBy: null, resolvedAt: null, updatedAt: iso(at),
    groupKey: groupKey(rule, labels), silencedBy: [], inhibitedBy: null, notices: 0,
  };
  return { key, alert, ring: [], breaching: false, startsMs: at, held: false, nextRepeatAt: null, repeatGapMs: 0, flaps: [], lastChangeAt: at };
}

/** Reset the episode fields for a new episode starting at `at` (the caller records the transition to pending). */
export function startEpisode(e: Entry, at: number): void {
  Object.assign(e.alert, { startsAt: iso(at), firingAt: null, acknowledgedAt: null, acknowledgedBy: null, resolvedAt: null, notices: 0 });
  e.startsMs = at;
  e.held = false;
  e.nextRepeatAt = null;
}

/**
 * An entry from a snapshot. Firing-like alerts restart with a full ring of breaches (they had earned their state)
 * and their repeat schedule from firingAt, so a repeat that fell due while the engine was down goes out once.
 */
export function restoredEntry(a: Alert, rule: Rule | undefined): Entry {
  const alert: Alert = { ...a, labels: { ...a.labels }, impact: { ...a.impact }, silencedBy: [...a.silencedBy] };
  const firing = FIRING_LIKE.has(a.state);
  const ring = firing ? Array<boolean>(rule?.nOfM.m ?? 1).fill(true) : a.state === 'pending' ? [true] : [];
  const e: Entry = {
    key: a.key, alert, ring, breaching: firing || a.state === 'pending', startsMs: ms(a.startsAt), held: false,
    nextRepeatAt: null, repeatGapMs: 0, flaps: [], lastChangeAt: ms(a.updatedAt),
  };
  if (a.state === 'firing' && a.notices > 0 && rule) startRepeats(e, rule, ms(a.firingAt ?? a.startsAt));
  return e;
}

/** Repeats: the first at `from` + firstSeconds, then gaps ×backoff, each gap capped at maxSeconds. */
export function startRepeats(e: Entry, rule: Rule, from: number): void {
  e.repeatGapMs = Math.min(rule.repeat.firstSeconds, rule.repeat.maxSeconds) * 1000;
  e.nextRepeatAt = from + e.repeatGapMs;
}

export function advanceRepeats(e: Entry, rule: Rule): void {
  e.repeatGapMs = Math.min(e.repeatGapMs * rule.repeat.backoff, rule.repeat.maxSeconds * 1000);
  e.nextRepeatAt = (e.nextRepeatAt ?? 0) + e.repeatGapMs;
}

export const pushRing = (e: Entry, breach: boolean, m: number) => {
  e.ring.push(breach);
  while (e.ring.length > m) e.ring.shift();
};
export const ringCount = (e: Entry) => e.ring.reduce((n, b) => n + (b ? 1 : 0), 0);
export const suppressed = (e: Entry) => e.alert.silencedBy.length > 0 || e.alert.inhibitedBy !== null;
