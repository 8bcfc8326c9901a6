/** POST /api/alerts/[key]/ack `{ comment? }` — acknowledge as the caller; 409 when the alert is not firing. */
import { AckBody } from '$contracts/api/alert-routes.ts';
import { alertctl, alertctlResponse, readBody } from '$lib/server/alertctl.ts';
import { apiError } from '$lib/server/api-error.ts';
import { alertctlDeps } from '$lib/server/services.ts';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async ({ params, request, locals }) => {
  const principal = locals.principal;
  if (!principal) return apiError(401, 'unauthorized', 'Sign in first.'); // hooks already refuse; belt and braces
  const body = await readBody(request, AckBody, {});
  if (!body.ok) return body.res;
  return alertctlResponse(await alertctl(alertctlDeps(), 'ack', { principal, key: params.key, comment: body.data.comment || undefined }));
};
