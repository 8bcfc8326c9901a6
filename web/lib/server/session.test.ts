import { describe, expect, test } from 'vitest';
import type { Principal } from '$contracts/access.ts';
import { accessKey, ROOT_PRINCIPAL, signAccessToken } from '$runtime/access.ts';
import { SESSION_TTL_SECONDS, signSession, signTicket, TICKET_TTL_SECONDS, verifyCredential, verifySession } from './session.ts';

const root = 'a-test-token-of-decent-length';
const k = { key: accessKey(root), root };
const T0 = Date.UTC(2026, 0, 1, 8, 0, 0);
const planner: Principal = { sub: 'pat@wh-east', role: 'planner', sites: ['wh-east'], channels: ['*'] };

/** Flip one character of a base64url string to another valid base64url character. */
const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

describe('session cookies', () => {
  test('carry the principal and expire after 12 h', () => {
    const { value, ttlSeconds } = signSession(k, planner, { now: T0 });
    expect(ttlSeconds).toBe(12 * 3600);
    expect(SESSION_TTL_SECONDS).toBe(12 * 3600);
    const r = verifySession(k, value, T0 + 1000);
    expect(r).toMatchObject({ ok: true, principal: planner, expiresAt: T0 + SESSION_TTL_SECONDS * 1000 });
    expect(claimsOf(value)).toMatchObject({ kind: 'session', sub: 'pat@wh-east' });
  });

  test('never outlive the api token that signed in', () => {
    const { value, ttlSeconds } = signSession(k, planner, { now: T0, until: T0 + 600_000 });
    expect(ttlSeconds).toBe(600);
    expect(verifySession(k, value, T0 + 600_000)).toEqual({ ok: false, reason: 'expired' });
  });

  test('refuse a session whose payload was edited (a wider scope, a later expiry)', () => {
    const { value } = signSession(k, planner, { now: T0 });
    const [p, body, sig] = value.split('.');
    for (const edit of [{ sites: ['*'] }, { role: 'admin' }, { exp: T0 / 1000 + 10 * 365 * 86400 }]) {
      const forged = Buffer.from(JSON.stringify({ ...claimsOf(value), ...edit })).toString('base64url');
      expect(verifySession(k, `${p}.${forged}.${sig}`, T0)).toEqual({ ok: false, reason: 'bad_signature' });
    }
    expect(body).toBeTruthy();
  });

  test('refuse a session whose signature was edited, or signed with another root token', () => {
    const { value } = signSession(k, planner, { now: T0 });
    expect(verifySession(k, flip(value, value.length - 3), T0)).toEqual({ ok: false, reason: 'bad_signature' });
    const other = { key: accessKey('another-token-of-decent-length'), root: 'another-token-of-decent-length' };
    expect(verifySession(k, signSession(other, planner, { now: T0 }).value, T0)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  test('refuse an expired session, and accept it one second before', () => {
    const { value } = signSession(k, planner, { now: T0 });
    expect(verifySession(k, value, T0 + SESSION_TTL_SECONDS * 1000 - 1000).ok).toBe(true);
    expect(verifySession(k, value, T0 + SESSION_TTL_SECONDS * 1000)).toEqual({ ok: false, reason: 'expired' });
  });

  test('refuse the root token, api tokens and tickets as a cookie', () => {
    expect(verifySession(k, root, T0).ok).toBe(false);
    expect(verifySession(k, signAccessToken(k.key, planner, { kind: 'api', ttlSeconds: 3600, now: T0 }), T0)).toEqual({ ok: false, reason: 'wrong_kind' });
    expect(verifySession(k, signTicket(k, planner, T0).token, T0)).toEqual({ ok: false, reason: 'wrong_kind' });
  });

  test('refuse garbage without throwing', () => {
    for (const v of [undefined, '', 'abc', 'a.b.c', 'ct1.a.b', '.', 'x'.repeat(9000), '%%%.%%%']) {
      expect(verifySession(k, v, T0).ok).toBe(false);
    }
  });
});

describe('credentials and tickets', () => {
  test('sign-in and Bearer take the root token (admin) or a signed api token, nothing else', () => {
    expect(verifyCredential(k, root, T0)).toMatchObject({ ok: true, principal: ROOT_PRINCIPAL });
    const api = signAccessToken(k.key, planner, { kind: 'api', ttlSeconds: 3600, now: T0 });
    expect(verifyCredential(k, api, T0)).toMatchObject({ ok: true, principal: planner, expiresAt: T0 + 3600_000 });
    expect(verifyCredential(k, api, T0 + 3600_000)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyCredential(k, signSession(k, planner, { now: T0 }).value, T0)).toEqual({ ok: false, reason: 'wrong_kind' });
    expect(verifyCredential(k, signTicket(k, planner, T0).token, T0)).toEqual({ ok: false, reason: 'wrong_kind' });
    expect(verifyCredential(k, `${root}x`, T0)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyCredential(k, null, T0)).toEqual({ ok: false, reason: 'missing' });
  });

  test('a ticket carries the principal for 60 s', () => {
    const t = signTicket(k, planner, T0);
    expect(t.expiresAt).toBe(T0 + TICKET_TTL_SECONDS * 1000);
    expect(TICKET_TTL_SECONDS).toBe(60);
    expect(claimsOf(t.token)).toMatchObject({ kind: 'ticket', sub: planner.sub, sites: ['wh-east'], exp: T0 / 1000 + 60 });
  });
});
