/**
 * Who may see what. Pages need a session cookie; /api/* accepts the cookie or `Authorization: Bearer`;
 * /metrics takes the bearer token only (scrapers have no cookie); /login and /healthz are open.
 */
import type { Cookies } from '@sveltejs/kit';
import { webConfig } from './config.ts';
import { bearerToken, SESSION_COOKIE, SESSION_TTL_SECONDS, sessionKey, signSession, tokensEqual, verifySession } from './session.ts';

export type Access = 'public' | 'page' | 'api' | 'metrics';
export type Principal = 'session' | 'bearer';

const PUBLIC = new Set(['/login', '/healthz', '/favicon.svg', '/robots.txt']);

export function accessFor(pathname: string): Access {
  if (PUBLIC.has(pathname)) return 'public';
  if (pathname === '/metrics') return 'metrics';
  if (pathname === '/api' || pathname.startsWith('/api/')) return 'api';
  return 'page';
}

let key: Buffer | undefined;
const keyFor = () => (key ??= sessionKey(webConfig().TOWER_API_TOKEN));

/** Whether the request carries a valid bearer token. */
export function hasBearer(request: Request): boolean {
  return tokensEqual(bearerToken(request.headers.get('authorization')), webConfig().TOWER_API_TOKEN);
}

/** The request's principal for the given access class, or null when it has none. */
export function authenticate(access: Access, request: Request, cookies: Cookies): Principal | null {
  if ((access === 'api' || access === 'metrics') && hasBearer(request)) return 'bearer';
  if (access === 'metrics') return null;
  return verifySession(keyFor(), cookies.get(SESSION_COOKIE)).ok ? 'session' : null;
}

/** Check a token typed or linked by a person; on success set the session cookie. */
export function signIn(token: string | null, cookies: Cookies, url: URL): boolean {
  if (!tokensEqual(token, webConfig().TOWER_API_TOKEN)) return false;
  cookies.set(SESSION_COOKIE, signSession(keyFor()), {
    path: '/', httpOnly: true, sameSite: 'strict', secure: url.protocol === 'https:', maxAge: SESSION_TTL_SECONDS,
  });
  return true;
}

export function signOut(cookies: Cookies): void {
  cookies.delete(SESSION_COOKIE, { path: '/' });
}

/** A same-site path to return to after signing in; anything else (//evil, https://…) becomes `/`. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}
