/**
 * One alert's stored history for the inbox's detail panel: its transitions from ClickHouse `alert_transitions`,
 * newest first. The caller has already authorized the alert (the engine's `get` plus `inPrincipalScope`); this
 * module only reads. 200 transitions is ~8 days of an alert flapping at the default 4 changes an hour, far more
 * than a panel can show; the window reaches back 30 days, or to the current episode's start when that is older.
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
  return { transitions: rows };
}
