/**
 * The alert inbox's "how fast do we respond" figures, from ClickHouse `alert_transitions` through
 * getAlertResponseStats. ClickHouse knows no scopes, so this module turns the caller's principal into the query's
 * filters, as alerts/routing.ts `inPrincipalScope` does for live alerts: its sites plus `network` (alerts that
 * concern every site), and its channels (an alert without a channel label is everyone's).
 */
import type { Db } from '$clickhouse/client.ts';
import { getAlertResponseStats } from '$clickhouse/queries/getAlertResponseStats.ts';
import type { Principal } from '$contracts/access.ts';
import type { AlertStats, AlertStatsQuery } from '$contracts/api/alert-stats.ts';
import { NETWORK_SITE } from '../../../alerts/routing.ts';

export interface AlertStatsDeps {
  db: Db;
  now?: () => number;
}

export type StatsScope = { ok: true; sites: string[]; channels: string[] } | { ok: false; outside: string[] };

/**
 * The query's filters for `p` asking for `asked` sites ([] = all of its own): [] means no filter. A site outside
 * the principal's scope is refused (`outside`), never silently dropped.
 */
export function statsScope(p: Pick<Principal, 'sites' | 'channels'>, asked: readonly string[]): StatsScope {
  const all = p.sites.includes('*');
  const outside = all ? [] : asked.filter((s) => s !== NETWORK_SITE && !p.sites.includes(s));
  if (outside.length) return { ok: false, outside };
  const sites = asked.length ? [...asked] : all ? [] : [...p.sites, NETWORK_SITE];
  return { ok: true, sites, channels: p.channels.includes('*') ? [] : [...p.channels] };
}

/** Response figures over the last `q.days` days within `scope`. Throws when ClickHouse does not answer. */
export async function loadAlertStats(deps: AlertStatsDeps, q: AlertStatsQuery, scope: Extract<StatsScope, { ok: true }>): Promise<AlertStats> {
  const now = deps.now?.() ?? Date.now();
  const rows = await getAlertResponseStats({ db: deps.db, days: q.days, now, sites: scope.sites, channels: scope.channels, bySite: q.bySite });
  return { generatedAt: now, days: q.days, rows };
}
