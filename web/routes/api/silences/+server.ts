/**
 * GET /api/silences?includeEnded=true — silences the caller may see.
 * POST /api/silences `{ matchers, durationSeconds, endOnResolve?, startsAt?, comment }` — silence matching alerts.
 */
import { SilenceCreateBody, SilenceListQuery } from '$contracts/api/alert-routes.ts';
import { describeIssues } from '$contracts/events.ts';
import { alertctl, alertctlResponse, readBody } from '$lib/server/alertctl.ts';
import { apiError } from '$lib/server/api-error.ts';
import { alertctlDeps } from '$lib/server/services.ts';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ url, locals }) => {
  const principal = locals.principal;
  if (!principal) return apiError(401, 'unauthorized', 'Sign in first.'); // hooks already refuse; belt and braces
  const q = SilenceListQuery.safeParse(Object.fromEntries(url.searchParams));
  if (!q.success) return apiError(400, 'bad_request', describeIssues(q.error));
  return alertctlResponse(await alertctl(alertctlDeps(), 'silence-list', { principal, includeEnded: q.data.includeEnded }));
};

export const POST: RequestHandler = async ({ request, locals }) => {
  const principal = locals.principal;
  if (!principal) return apiError(401, 'unauthorized', 'Sign in first.');
  const body = await readBody(request, SilenceCreateBody);
  if (!body.ok) return body.res;
  const reply = await alertctl(alertctlDeps(), 'silence-create', { principal, ...body.data });
  const res = alertctlResponse(reply);
  return reply.ok ? new Response(res.body, { status: 201, headers: res.headers }) : res;
};
