/**
 * The alert inbox: every alert in the caller's scope and the silences, from the alert engine; the page then goes
 * live. Also the response figures of the last STATS_DAYS days from ClickHouse (polled by the page); when ClickHouse
 * fails the inbox still renders, with the panel's error.
 */
import { AlertStatsQuery, type AlertStats } from '$contracts/api/alert-stats.ts';
import { alertctl } from '$lib/server/alertctl.ts';
import { loadAlertStats, statsScope } from '$lib/server/alert-stats.ts';
import { alertctlDeps, alertStatsDeps, clickhouseFailed } from '$lib/server/services.ts';
import type { PageServerLoad } from './$types';

/** The engine keeps open alerts and recently resolved ones; 2,000 covers a bad day at every site. */
const LIST_LIMIT = 2_000;
/** What executives ask first: how last week went. */
const STATS_DAYS = 7;

async function responseStats(principal: Parameters<typeof statsScope>[0]): Promise<{ stats: AlertStats | null; statsError: string | null }> {
  const scope = statsScope(principal, []);
  if (!scope.ok) return { stats: null, statsError: null }; // no sites asked: never refused
  try {
    return { stats: await loadAlertStats(alertStatsDeps(), AlertStatsQuery.parse({ days: String(STATS_DAYS) }), scope), statsError: null };
  } catch (err) {
    return { stats: null, statsError: clickhouseFailed(err, 'alert stats') };
  }
}

export const load: PageServerLoad = async ({ locals, setHeaders }) => {
  setHeaders({ 'cache-control': 'no-store' });
  const principal = locals.principal!; // hooks.server.ts redirected anyone without one
  const [list, silences, response] = await Promise.all([
    alertctl(alertctlDeps(), 'list', { principal, limit: LIST_LIMIT }),
    alertctl(alertctlDeps(), 'silence-list', { principal }),
    responseStats(principal),
  ]);
  return {
    alerts: list.ok ? list.result.alerts : [],
    silences: silences.ok ? silences.result.silences : [],
    error: list.ok ? null : list.error.message,
    ...response,
    statsDays: STATS_DAYS,
    generatedAt: Date.now(),
  };
};
