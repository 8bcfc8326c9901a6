/** DELETE /api/silences/[id] — expire a silence now (it stays listed with `endedAt`). */
import { alertctl, alertctlResponse } from '$lib/server/alertctl.ts';
import { apiError } from '$lib/server/api-error.ts';
import { alertctlDeps } from '$lib/server/services.ts';
import type { RequestHandler } from './$types';

export const DELETE: RequestHandler = async ({ params, locals }) => {
  const principal = locals.principal;
  if (!principal) return apiError(401, 'unauthorized', 'Sign in first.'); // hooks already refuse; belt and braces
  return alertctlResponse(await alertctl(alertctlDeps(), 'silence-expire', { principal, id: params.id }));
};
