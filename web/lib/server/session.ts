/**
 * Signed sessions and token checks, with no I/O so they are unit-tested directly.
 *
 * A session is `<payload>.<signature>`: payload = base64url JSON `{ v: 1, iat, exp }` (epoch seconds),
 * signature = base64url HMAC-SHA256 over `ct-session.<payload>` with a key derived from the API token, so
 * rotating the token signs everyone out. Nothing secret is in the payload; the cookie is httpOnly and
 * SameSite=Strict. Comparisons are constant-time: tokens are hashed first so their lengths do not leak.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** 12 h: one operations shift. */
export const SESSION_TTL_SECONDS = 12 * 3600;
export const SESSION_COOKIE = 'ct_session';

const KEY_CONTEXT = 'control-tower/session-key/v1';

/** The HMAC key for sessions, derived from the API token (never the token itself). */
export function sessionKey(apiToken: string): Buffer {
  return createHmac('sha256', apiToken).update(KEY_CONTEXT).digest();
}

const sign = (key: Buffer, payload: string) => createHmac('sha256', key).update(`ct-session.${payload}`).digest();

/** A new session value valid for `ttlSeconds` from `now`. */
export function signSession(key: Buffer, now = Date.now(), ttlSeconds = SESSION_TTL_SECONDS): string {
  const iat = Math.floor(now / 1000);
  const payload = Buffer.from(JSON.stringify({ v: 1, iat, exp: iat + ttlSeconds })).toString('base64url');
  return `${payload}.${sign(key, payload).toString('base64url')}`;
}

export type SessionCheck = { ok: true; expiresAt: number } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

/** Verify a session value: signature first (constant time), then expiry. Never throws. */
export function verifySession(key: Buffer, value: string | undefined, now = Date.now()): SessionCheck {
  if (!value || value.length > 512) return { ok: false, reason: 'malformed' };
  const parts = value.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return { ok: false, reason: 'malformed' };
  const [payload, signature] = parts as [string, string];
  const expected = sign(key, payload);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
  let body: unknown;
  try { body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')); } catch { return { ok: false, reason: 'malformed' }; }
  const { v, exp } = (body ?? {}) as { v?: unknown; exp?: unknown };
  if (v !== 1 || typeof exp !== 'number' || !Number.isFinite(exp)) return { ok: false, reason: 'malformed' };
  if (exp * 1000 <= now) return { ok: false, reason: 'expired' };
  return { ok: true, expiresAt: exp * 1000 };
}

/** Constant-time token comparison, whatever the lengths. */
export function tokensEqual(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | null): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}
