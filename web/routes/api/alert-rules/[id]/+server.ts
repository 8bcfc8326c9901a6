/**
 * PUT /api/alert-rules/[id] `{ rule, comment? }` — add or replace one rule (a new rule-set version);
 * DELETE /api/alert-rules/[id]?comment=… — remove it. Admin, executive and the rule's owner role only (the engine checks).
 */
import { RulePutBody } from '$contracts/api/alert-routes.ts';
import { alertctl, alertctlResponse, readBody } from '$lib/server/alertctl.ts';
import { apiError } from '$lib/server/api-error.ts';
import { alertctlDeps } from '$lib/server/services.ts';
import type { RequestHandler } from './$types';

export const PUT: RequestHandler = async ({ params, request, locals }) => {
  const principal = locals.principal;
  if (!principal) return apiError(401, 'unauthorized', 'Sign in first.'); // hooks already refuse; belt and braces
  const body = await readBody(request, RulePutBody);
  if (!body.ok) return body.res;
  if (body.data.rule.id !== params.id) return apiError(400, 'bad_request', `rule.id is "${body.data.rule.id}" but the path names "${params.id}".`);
  return alertctlResponse(await alertctl(alertctlDeps(), 'rules-put', { principal, ...body.data }));
};

export const DELETE: RequestHandler = async ({ params, url, locals }) => {
  const principal = locals.principal;
  if (!principal) return apiError(401, 'unauthorized', 'Sign in first.');
  const comment = url.searchParams.get('comment')?.trim() || undefined;
  return alertctlResponse(await alertctl(alertctlDeps(), 'rules-delete', { principal, id: params.id, comment }));
};
