/**
 * Every request: authenticate (session cookie, or bearer token for /api and /metrics) into `locals.principal`,
 * refuse or redirect what has no principal, keep /api errors JSON, add security headers (the pages' CSP lets them
 * reach the realtime gateways), count the request.
 */
import { isRedirect, redirect, type Handle, type HandleServerError, type RequestEvent, type ResolveOptions, type ServerInit } from '@sveltejs/kit';
import { accessFor, authenticate } from '$lib/server/auth.ts';
import { apiError, codeForStatus, ensureJsonError } from '$lib/server/api-error.ts';
import { closeDb } from '$lib/server/clickhouse.ts';
import { webConfig } from '$lib/server/config.ts';
import { recordRequest } from '$lib/server/http-metrics.ts';
import { webLog } from '$lib/server/log.ts';
import { closeNats } from '$lib/server/nats.ts';
import { gatewaySources, withSecurityHeaders } from '$lib/server/security-headers.ts';

type Resolve = (event: RequestEvent, opts?: ResolveOptions) => Response | Promise<Response>;

export const init: ServerInit = async () => {
  webConfig(); // fail fast, naming the bad variable
  // adapter-node emits this after it stopped accepting requests (SIGTERM/SIGINT).
  process.once('sveltekit:shutdown', () => void Promise.all([closeNats(), closeDb()]));
};

async function guarded(event: RequestEvent, resolve: Resolve): Promise<Response> {
  const access = accessFor(event.url.pathname);
  event.locals.principal = access === 'public' ? null : authenticate(access, event.request, event.cookies);
  if (access !== 'public' && !event.locals.principal) {
    if (access === 'api' || access === 'metrics') {
      return apiError(401, 'unauthorized', access === 'metrics' ? 'Send Authorization: Bearer <an admin or program token>.'
        : 'Sign in at /login, or send Authorization: Bearer <TOWER_API_TOKEN or an api token>.');
    }
    const next = event.url.pathname === '/' ? '' : `?next=${encodeURIComponent(event.url.pathname + event.url.search)}`;
    // A client-side data request needs SvelteKit's JSON redirect; a document gets a plain 303 (with our headers).
    if (event.isDataRequest) redirect(303, `/login${next}`);
    return new Response(null, { status: 303, headers: { location: `/login${next}`, 'cache-control': 'no-store' } });
  }
  const res = await resolve(event);
  return access === 'api' ? ensureJsonError(res, event.url.pathname) : res;
}

let connectSrc: string[] | undefined;

export const handle: Handle = async ({ event, resolve }) => {
  const startedMs = performance.now();
  let status = 500;
  try {
    connectSrc ??= gatewaySources(webConfig().GATEWAY_PUBLIC_URLS);
    const res = withSecurityHeaders(await guarded(event, resolve), { connectSrc });
    status = res.status;
    return res;
  } catch (err) {
    if (isRedirect(err)) status = err.status;
    throw err;
  } finally {
    recordRequest({ route: event.route.id, method: event.request.method, status, startedMs });
  }
};

export const handleError: HandleServerError = ({ error, status, message, event }) => {
  if (status >= 500) webLog().error({ err: (error as Error)?.message, path: event.url.pathname }, 'request failed');
  return { message: status >= 500 ? 'Internal error; see the web server log.' : message, code: codeForStatus(status) };
};
