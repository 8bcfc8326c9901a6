import { describe, expect, test } from 'vitest';
import { bearerToken, SESSION_TTL_SECONDS, sessionKey, signSession, tokensEqual, verifySession } from './session.ts';

const key = sessionKey('a-test-token-of-decent-length');
const T0 = Date.UTC(2026, 0, 1, 8, 0, 0);

/** Flip one character of a base64url string to another valid base64url character. */
const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);

describe('session signing', () => {
  test('accepts a fresh session and reports its 12 h expiry', () => {
    const r = verifySession(key, signSession(key, T0), T0 + 1000);
    expect(r).toEqual({ ok: true, expiresAt: T0 + SESSION_TTL_SECONDS * 1000 });
    expect(SESSION_TTL_SECONDS).toBe(12 * 3600);
  });

  test('refuses a session whose payload was edited (e.g. a later expiry)', () => {
    const [, sig] = signSession(key, T0).split('.');
    const forged = Buffer.from(JSON.stringify({ v: 1, iat: T0 / 1000, exp: T0 / 1000 + 10 * 365 * 86400 })).toString('base64url');
    expect(verifySession(key, `${forged}.${sig}`, T0)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  test('refuses a session whose signature was edited', () => {
    const value = signSession(key, T0);
    expect(verifySession(key, flip(value, value.length - 3), T0)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  test('refuses a session signed with another token', () => {
    const other = sessionKey('another-token-of-decent-length');
    expect(verifySession(key, signSession(other, T0), T0)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  test('refuses an expired session, and accepts it one second before', () => {
    const value = signSession(key, T0);
    expect(verifySession(key, value, T0 + SESSION_TTL_SECONDS * 1000 - 1000).ok).toBe(true);
    expect(verifySession(key, value, T0 + SESSION_TTL_SECONDS * 1000)).toEqual({ ok: false, reason: 'expired' });
  });

  test('refuses garbage without throwing', () => {
    for (const v of [undefined, '', 'abc', 'a.b.c', '.', 'x'.repeat(600), '%%%.%%%']) {
      expect(verifySession(key, v, T0).ok).toBe(false);
    }
  });
});

describe('tokens', () => {
  test('compares tokens exactly, whatever their lengths', () => {
    expect(tokensEqual('a-test-token-of-decent-length', 'a-test-token-of-decent-length')).toBe(true);
    expect(tokensEqual('a-test-token-of-decent-lengtH', 'a-test-token-of-decent-length')).toBe(false);
    expect(tokensEqual('short', 'a-test-token-of-decent-length')).toBe(false);
    expect(tokensEqual('', 'a-test-token-of-decent-length')).toBe(false);
    expect(tokensEqual(null, 'a-test-token-of-decent-length')).toBe(false);
  });

  test('reads the token of a bearer header only', () => {
    expect(bearerToken('Bearer abc123')).toBe('abc123');
    expect(bearerToken('bearer  abc123 ')).toBe('abc123');
    expect(bearerToken('Basic abc123')).toBeUndefined();
    expect(bearerToken(null)).toBeUndefined();
  });
});
