/**
 * The lifecycle engine's interface (alerts/lifecycle/book.ts implements it): pure, deterministic, clock passed in.
 * Sources (alerts/sources) turn rule evaluations into `Evaluation`s; the engine service feeds them to the book,
 * stores the transitions in ClickHouse and publishes the notices on `alerts.<site>.<type>`.
 */
import type { Alert, AlertNotice, AlertTransition, Impact, Labels, Rule, Silence } from '../../contracts/alerts.ts';
import type { Principal } from '../../contracts/access.ts';

/** One instance of a rule as a source saw it: identity labels (site included), the compared value, impact. */
export interface Instance {
  labels: Labels & { site: string };
  value: number;
  impact: Impact;
  /** A plain sentence for people: "SKU-00042 at wh-east: 72% chance to stock out before PO-881 lands". */
  summary: string;
}

/**
 * One evaluation of one rule at time `at` (epoch ms). With `complete: true` the instances are every instance the
 * rule currently sees, so a known alert that is missing counts as not breaching (a recovered value); with
 * `complete: false` (an event rule's per-event update) only the listed instances are evaluated.
 */
export interface Evaluation {
  rule: Rule;
  at: number;
  instances: Instance[];
  complete: boolean;
}

/** What a step of the book produced: every state change to store, and the notices to publish. */
export interface BookOutput {
  transitions: AlertTransition[];
  notices: AlertNotice[];
}

export type BookError = { code: 'not_found' | 'forbidden' | 'invalid_state'; message: string };
export type BookResult<T> = { ok: true; value: T; output: BookOutput } | { ok: false; error: BookError };

/** The state a restarted engine restores (alerts not yet resolved, silences not yet ended). */
export interface BookSnapshot {
  alerts: Alert[];
  silences: Silence[];
}

export interface AlertBookApi {
  setRules(rules: Rule[]): void;
  evaluate(ev: Evaluation): BookOutput;
  ack(o: { key: string; principal: Principal; comment?: string; at: number }): BookResult<Alert>;
  resolve(o: { key: string; principal: Principal; comment: string; at: number }): BookResult<Alert>;
  addSilence(o: { silence: Silence; at: number }): BookOutput;
  expireSilence(o: { id: string; principal: Principal; at: number }): BookResult<Silence>;
  /** Time passing: repeat notices with back-off, group windows closing, flapping ending, silences expiring. */
  tick(at: number): BookOutput;
  alerts(): Alert[];
  silences(): Silence[];
  snapshot(): BookSnapshot;
}
