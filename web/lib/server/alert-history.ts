/**
 * One alert's stored history for the inbox's detail panel: its transitions from ClickHouse `alert_transitions`,
 * newest first. The caller has already authorized the alert (the engine's `get` plus `inPrincipalScope`); this
 * module only reads. 200 transitions is ~8 days of an alert flapping at the default 4 changes an hour, far more
 * than a panel can show; the window reaches back 30 days, or to the current episode's start when that is older.
 *
 * One evaluation can store several transitions at the same millisecond (inactive → pending → firing when a rule has
 * no pending time); the query breaks such ties by id, a hash, so `chainTies` puts them back in lifecycle order.
 */
import type { Db } from '$clickhouse/client.ts';
import { getAlertTransitions } from '$clickhouse/queries/getAlertTransitions.ts';
import type { Alert, AlertTransition } from '$contracts/alerts.ts';

export const HISTORY_LIMIT = 200;
const WINDOW_MS = 30 * 86_400_000;

export interface AlertHistoryDeps {
  db: Db;
  now?: () => number;
}

export interface AlertHistory { transitions: AlertTransition[] }

/** Up to HISTORY_LIMIT transitions of `alert`, newest first. Throws when ClickHouse does not answer. */
export async function loadAlertHistory(deps: AlertHistoryDeps, alert: Pick<Alert, 'key' | 'site' | 'startsAt'>): Promise<AlertHistory> {
  const now = deps.now?.() ?? Date.now();
  const since = Math.min(now - WINDOW_MS, Date.parse(alert.startsAt));
  // `site` as well as the key: it is the table's leading ORDER BY column, so only that site's granules are read.
  const rows = await getAlertTransitions({ db: deps.db, alertKey: alert.key, site: alert.site, since, limit: HISTORY_LIMIT });
  return { transitions: chainTies(rows) };
}

/**
 * Transitions newest first, with each run of equal `at` ordered as a chain (a transition's `from` is the `to` of the
 * one after it). A run that is not one unambiguous chain keeps the order it came in.
 */
export function chainTies(newestFirst: readonly AlertTransition[]): AlertTransition[] {
  const out: AlertTransition[] = [];
  for (let i = 0; i < newestFirst.length;) {
    let j = i + 1;
    while (j < newestFirst.length && newestFirst[j]!.at === newestFirst[i]!.at) j++;
    out.push(...chain(newestFirst.slice(i, j)));
    i = j;
  }
  return out;
}

function chain(run: AlertTransition[]): AlertTransition[] {
  if (run.length < 2) return run;
  const heads = run.filter((t) => !run.some((u) => u !== t && u.from === t.to));
  if (heads.length !== 1) return run;
  const left = new Set(run);
  const out: AlertTransition[] = [];
  for (let cur: AlertTransition | undefined = heads[0]; cur; ) {
    out.push(cur);
    left.delete(cur);
    const before: AlertTransition[] = [...left].filter((u) => u.to === cur!.from);
    if (before.length > 1) return run;
    cur = before[0];
  }
  return left.size ? run : out;
}
