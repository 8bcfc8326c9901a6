/**
 * GET /api/alerts/[key]/history — the alert's stored transitions `{ transitions }`, newest first (at most 200).
 * The alert must be visible to the caller: unknown → 404, out of scope → 403, exactly as GET /api/alerts/[key].
 */
import { json } from '@sveltejs/kit';
import { inPrincipalScope } from '../../../../../../alerts/routing.ts';
import { loadAlertHistory } from '$lib/server/alert-history.ts';
import { alertctl, alertctlResponse } from '$lib/server/alertctl.ts';
import { apiError } from '$lib/server/api-error.ts';
import { alertctlDeps, alertHistoryDeps, clickhouseFailed } from '$lib/server/services.ts';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ params, locals }) => {
  const principal = locals.principal;
  if (!principal) return apiError(401, 'unauthorized', 'Sign in first.'); // hooks already refuse; belt and braces
  const got = await alertctl(alertctlDeps(), 'get', { principal, key: params.key });
  if (!got.ok) return alertctlResponse(got);
  // The engine scoped `get`; ClickHouse knows no scopes, so check here too before reading it.
  const { alert } = got.result;
  if (!inPrincipalScope(alert, principal)) return apiError(403, 'forbidden', `alert ${alert.key} is outside your scope`);
  try {
    return json(await loadAlertHistory(alertHistoryDeps(), alert), { headers: { 'cache-control': 'no-store' } });
  } catch (err) {
    return apiError(503, 'upstream_unavailable', clickhouseFailed(err, 'alert history'));
  }
};
