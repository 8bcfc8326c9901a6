/**
 * Who may see what. Pages need a session cookie; /api/* accepts the cookie or `Authorization: Bearer` (the root
 * token or a signed `api` token); /metrics takes a bearer token of an admin or program only (scrapers have no
 * cookie); /login and /healthz are open. The principal found is `event.locals.principal`.
 */
import type { Cookies } from '@sveltejs/kit';
import type { Principal } from '$contracts/access.ts';
import { accessKey, bearerToken, tokenRef } from '$runtime/access.ts';
import { webConfig } from './config.ts';
import { webLog } from './log.ts';
import { MAX_SESSION_BYTES, SESSION_COOKIE, signSession, signTicket, verifyCredential, verifySession, type Keys } from './session.ts';

export type Access = 'public' | 'page' | 'api' | 'metrics';

const PUBLIC = new Set(['/login', '/healthz', '/favicon.svg', '/robots.txt']);

export function accessFor(pathname: string): Access {
  if (PUBLIC.has(pathname)) return 'public';
  if (pathname === '/metrics') return 'metrics';
  if (pathname === '/api' || pathname.startsWith('/api/')) return 'api';
  return 'page';
}

let keys: Keys | undefined;
const keysFor = (): Keys => (keys ??= { key: accessKey(webConfig().TOWER_API_TOKEN), root: webConfig().TOWER_API_TOKEN });

/** The request's principal for the given access class, or null when it has none. */
export function authenticate(access: Access, request: Request, cookies: Cookies): Principal | null {
  if (access === 'api' || access === 'metrics') {
    const bearer = verifyCredential(keysFor(), bearerToken(request.headers.get('authorization')));
    if (bearer.ok && (access === 'api' || bearer.principal.role === 'admin' || bearer.principal.role === 'program')) return bearer.principal;
    if (access === 'metrics') return null;
  }
  const session = verifySession(keysFor(), cookies.get(SESSION_COOKIE));
  return session.ok ? session.principal : null;
}

export type SignIn = { ok: true; principal: Principal } | { ok: false; why: string };

/** Check a token typed or linked by a person (root or `api`); on success set the session cookie carrying its principal. */
export function signIn(token: string | null, cookies: Cookies, url: URL): SignIn {
  const check = verifyCredential(keysFor(), token);
  if (!check.ok) return { ok: false, why: check.reason === 'expired' ? 'That token has expired.' : 'That token is not valid.' };
  const { value, ttlSeconds } = signSession(keysFor(), check.principal, { until: check.expiresAt });
  if (value.length + SESSION_COOKIE.length + 1 > MAX_SESSION_BYTES) {
    return { ok: false, why: 'That token names too many sites or channels for a browser session; use it as a Bearer token.' };
  }
  cookies.set(SESSION_COOKIE, value, {
    path: '/', httpOnly: true, sameSite: 'strict', secure: url.protocol === 'https:', maxAge: ttlSeconds,
  });
  webLog().info({ sub: check.principal.sub, role: check.principal.role, token: tokenRef(check) }, 'signed in');
  return { ok: true, principal: check.principal };
}

/** A 60 s gateway ticket for a signed-in principal. */
export function issueTicket(principal: Principal): { token: string; expiresAt: number } {
  return signTicket(keysFor(), principal);
}

export function signOut(cookies: Cookies): void {
  cookies.delete(SESSION_COOKIE, { path: '/' });
}

/** A same-site path to return to after signing in; anything else (//evil, https://…) becomes `/`. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}
