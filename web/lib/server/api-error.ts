/** API errors are always JSON `{ code, message }` (contracts/api/error.ts), whatever produced them. */
import type { ApiError, ApiErrorCode } from '$contracts/api/error.ts';

export function apiError(status: number, code: ApiErrorCode, message: string): Response {
  const body: ApiError = { code, message };
  return new Response(JSON.stringify(body), {
    status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  });
}

export function codeForStatus(status: number): ApiErrorCode {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 409) return 'invalid_state';
  if (status === 404) return 'not_found';
  if (status === 405) return 'method_not_allowed';
  if (status === 502 || status === 503 || status === 504) return 'upstream_unavailable';
  return status < 500 ? 'bad_request' : 'internal_error';
}

/**
 * Turn an error answer that is not JSON (SvelteKit's 404 page for an unknown /api path, its 405 text)
 * into `{ code, message }`; JSON answers pass through untouched.
 */
export async function ensureJsonError(res: Response, pathname: string): Promise<Response> {
  if (res.status < 400 || res.headers.get('content-type')?.includes('application/json')) return res;
  const text = (await res.text().catch(() => '')).trim();
  const message = res.status === 404 ? `No API route at ${pathname}.`
    : text && text.length < 200 && !text.startsWith('<') ? text : `HTTP ${res.status}`;
  return apiError(res.status, codeForStatus(res.status), message);
}
