/** GET /api/alert-rules — the current rule set with its version. */
import { alertctl, alertctlResponse } from '$lib/server/alertctl.ts';
import { apiError } from '$lib/server/api-error.ts';
import { alertctlDeps } from '$lib/server/services.ts';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ locals }) => {
  const principal = locals.principal;
  if (!principal) return apiError(401, 'unauthorized', 'Sign in first.'); // hooks already refuse; belt and braces
  return alertctlResponse(await alertctl(alertctlDeps(), 'rules-get', { principal }));
};
