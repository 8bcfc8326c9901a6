import type { Cookies } from '@sveltejs/kit';
import { beforeAll, describe, expect, test, vi } from 'vitest';
import type { Principal } from '$contracts/access.ts';
import { accessKey, ROOT_PRINCIPAL, signAccessToken } from '$runtime/access.ts';
import { accessFor, authenticate, issueTicket, safeNext, signIn } from './auth.ts';
import { SESSION_COOKIE, verifySession } from './session.ts';

const ROOT = 'auth-test-root-token-0123456789';
const key = accessKey(ROOT);
const planner: Principal = { sub: 'pat', role: 'planner', sites: ['wh-east'], channels: ['*'] };
const apiToken = (p: Principal, ttlSeconds = 3600) => signAccessToken(key, p, { kind: 'api', ttlSeconds });

/** A cookie jar with SvelteKit's Cookies surface (what auth.ts uses of it). */
function jar(initial: Record<string, string> = {}) {
  const values = new Map(Object.entries(initial));
  const options = new Map<string, Record<string, unknown>>();
  const cookies = {
    get: (n: string) => values.get(n),
    set: (n: string, v: string, o: Record<string, unknown>) => { values.set(n, v); options.set(n, o); },
    delete: (n: string) => { values.delete(n); },
  } as unknown as Cookies;
  return { cookies, values, options };
}
const req = (authorization?: string) => new Request('http://x/api/alerts', { headers: authorization ? { authorization } : {} });

beforeAll(() => {
  vi.stubEnv('TOWER_API_TOKEN', ROOT);
  vi.stubEnv('CLICKHOUSE_URL', 'http://127.0.0.1:8123');
  vi.stubEnv('LOG_LEVEL', 'silent');
});

describe('access classes', () => {
  test('only sign-in and health are open; /api and /metrics are APIs; everything else is a page', () => {
    expect(accessFor('/login')).toBe('public');
    expect(accessFor('/healthz')).toBe('public');
    expect(accessFor('/metrics')).toBe('metrics');
    expect(accessFor('/api/ingest/overview')).toBe('api');
    expect(accessFor('/api')).toBe('api');
    expect(accessFor('/')).toBe('page');
    expect(accessFor('/apiary')).toBe('page');
    expect(accessFor('/login/extra')).toBe('page');
  });

  test('returns only to same-site paths after sign-in', () => {
    expect(safeNext('/orders?x=1')).toBe('/orders?x=1');
    expect(safeNext(null)).toBe('/');
    expect(safeNext('//evil.example')).toBe('/');
    expect(safeNext('/\\evil.example')).toBe('/');
    expect(safeNext('https://evil.example')).toBe('/');
  });
});

describe('principals', () => {
  test('the API takes the root token or an api token as Bearer; tickets, sessions and guesses are refused', () => {
    const { cookies } = jar();
    expect(authenticate('api', req(`Bearer ${ROOT}`), cookies)).toEqual(ROOT_PRINCIPAL);
    expect(authenticate('api', req(`Bearer ${apiToken(planner)}`), cookies)).toEqual(planner);
    expect(authenticate('api', req(`Bearer ${issueTicket(planner).token}`), cookies)).toBeNull();
    expect(authenticate('api', req(`Bearer ${apiToken(planner, -1)}`), cookies)).toBeNull();
    expect(authenticate('api', req('Bearer not-a-token'), cookies)).toBeNull();
    expect(authenticate('api', req(), cookies)).toBeNull();
  });

  test('signing in with an api token sets a 12 h-at-most, httpOnly, SameSite=Strict cookie carrying its principal', () => {
    const { cookies, values, options } = jar();
    expect(signIn(apiToken(planner), cookies, new URL('http://x/login'))).toEqual({ ok: true, principal: planner });
    const value = values.get(SESSION_COOKIE)!;
    expect(value).not.toContain(ROOT);
    expect(verifySession({ key, root: ROOT }, value)).toMatchObject({ ok: true, principal: planner });
    expect(options.get(SESSION_COOKIE)).toMatchObject({ httpOnly: true, sameSite: 'strict', path: '/', secure: false });
    expect(options.get(SESSION_COOKIE)!.maxAge).toBeLessThanOrEqual(3600); // the api token's remaining hour
    // The cookie then authenticates pages and the API, not /metrics.
    expect(authenticate('page', req(), cookies)).toEqual(planner);
    expect(authenticate('api', req(), cookies)).toEqual(planner);
    expect(authenticate('metrics', req(), cookies)).toBeNull();
  });

  test('a wrong or expired token does not sign in, and sets nothing', () => {
    const { cookies, values } = jar();
    expect(signIn('wrong-token-of-some-length', cookies, new URL('http://x/login'))).toEqual({ ok: false, why: 'That token is not valid.' });
    expect(signIn(apiToken(planner, -1), cookies, new URL('http://x/login'))).toEqual({ ok: false, why: 'That token has expired.' });
    expect(values.size).toBe(0);
  });

  test('a forged cookie (wider scope, same signature) is no principal', () => {
    const { cookies, values } = jar();
    signIn(apiToken(planner), cookies, new URL('http://x/login'));
    const [p, body, sig] = values.get(SESSION_COOKIE)!.split('.');
    const wider = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body!, 'base64url').toString()), sites: ['*'], role: 'admin' })).toString('base64url');
    expect(authenticate('page', req(), jar({ [SESSION_COOKIE]: `${p}.${wider}.${sig}` }).cookies)).toBeNull();
    expect(authenticate('page', req(), jar({ [SESSION_COOKIE]: ROOT }).cookies)).toBeNull();
  });

  test('/metrics takes a Bearer of an admin or a program only', () => {
    const { cookies } = jar();
    expect(authenticate('metrics', req(`Bearer ${ROOT}`), cookies)).toEqual(ROOT_PRINCIPAL);
    const scraper: Principal = { sub: 'prometheus', role: 'program', sites: ['*'], channels: ['*'] };
    expect(authenticate('metrics', req(`Bearer ${apiToken(scraper)}`), cookies)).toEqual(scraper);
    expect(authenticate('metrics', req(`Bearer ${apiToken(planner)}`), cookies)).toBeNull();
  });
});
