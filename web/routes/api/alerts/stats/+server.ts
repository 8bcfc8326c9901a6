/**
 * GET /api/alerts/stats?days=7&site=…&bySite=false — response figures per alert type over the episodes that fired
 * in the last `days` days, within the caller's sites; 403 for a site outside them, 503 when ClickHouse fails.
 */
import { json } from '@sveltejs/kit';
import { AlertStatsQuery } from '$contracts/api/alert-stats.ts';
import { describeIssues } from '$contracts/events.ts';
import { loadAlertStats, statsScope } from '$lib/server/alert-stats.ts';
import { apiError } from '$lib/server/api-error.ts';
import { alertStatsDeps, clickhouseFailed } from '$lib/server/services.ts';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ url, locals }) => {
  const principal = locals.principal;
  if (!principal) return apiError(401, 'unauthorized', 'Sign in first.'); // hooks already refuse; belt and braces
  const q = AlertStatsQuery.safeParse(Object.fromEntries(url.searchParams));
  if (!q.success) return apiError(400, 'bad_request', describeIssues(q.error));
  const scope = statsScope(principal, q.data.site);
  if (!scope.ok) return apiError(403, 'forbidden', `${scope.outside.join(', ')} is outside your sites.`);
  try {
    return json(await loadAlertStats(alertStatsDeps(), q.data, scope), { headers: { 'cache-control': 'no-store' } });
  } catch (err) {
    return apiError(503, 'upstream_unavailable', clickhouseFailed(err, 'alert stats'));
  }
};
