/** GET /api/alerts?state=…&site=…&type=…&minSeverity=…&limit=… — alerts in the caller's scope, from the alert engine. */
import { AlertListQuery } from '$contracts/api/alert-routes.ts';
import { describeIssues } from '$contracts/events.ts';
import { alertctl, alertctlResponse } from '$lib/server/alertctl.ts';
import { apiError } from '$lib/server/api-error.ts';
import { alertctlDeps } from '$lib/server/services.ts';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ url, locals }) => {
  const principal = locals.principal;
  if (!principal) return apiError(401, 'unauthorized', 'Sign in first.'); // hooks already refuse; belt and braces
  const q = AlertListQuery.safeParse(Object.fromEntries(url.searchParams));
  if (!q.success) return apiError(400, 'bad_request', describeIssues(q.error));
  const { state, site, type, minSeverity, limit } = q.data;
  const filter = { sites: site.length ? site : undefined, types: type.length ? type : undefined, minSeverity };
  return alertctlResponse(await alertctl(alertctlDeps(), 'list', { principal, filter, states: state.length ? state : undefined, limit }));
};
