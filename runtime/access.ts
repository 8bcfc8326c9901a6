/**
 * Signed access tokens for the API, the dashboard session and the realtime gateway, with no I/O.
 *
 * A token is `ct1.<payload>.<signature>`: payload = base64url JSON claims (contracts/access.ts), signature =
 * base64url HMAC-SHA256 over `ct1.<payload>` with a key derived from TOWER_API_TOKEN (so rotating it revokes
 * every issued token). The root TOWER_API_TOKEN itself is accepted as the `admin` principal. Verification is
 * constant-time, checks the signature before reading the payload, and never throws.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ALL, TokenClaimsSchema, type Principal, type TokenClaims } from '../contracts/access.ts';

const PREFIX = 'ct1';
const KEY_CONTEXT = 'control-tower/access-key/v1';
/** Longest token we look at: claims with 200 sites fit in ~6 KB. */
const MAX_TOKEN_LENGTH = 8192;

/** The HMAC key for access tokens, derived from the root API token (never the token itself). */
export function accessKey(rootToken: string): Buffer {
  return createHmac('sha256', rootToken).update(KEY_CONTEXT).digest();
}

const sign = (key: Buffer, payload: string) => createHmac('sha256', key).update(`${PREFIX}.${payload}`).digest();

/** Sign a token for `principal`, valid `ttlSeconds` from `now`. */
export function signAccessToken(key: Buffer, principal: Principal, o: { kind: TokenClaims['kind']; ttlSeconds: number; now?: number }): string {
  const iat = Math.floor((o.now ?? Date.now()) / 1000);
  const claims: TokenClaims = { v: 1, ...principal, kind: o.kind, iat, exp: iat + o.ttlSeconds, jti: randomBytes(9).toString('base64url') };
  const payload = Buffer.from(JSON.stringify(TokenClaimsSchema.parse(claims))).toString('base64url');
  return `${PREFIX}.${payload}.${sign(key, payload).toString('base64url')}`;
}

export type AccessCheck =
  | { ok: true; principal: Principal; claims: TokenClaims | null; expiresAt: number | null }
  | { ok: false; reason: 'missing' | 'malformed' | 'bad_signature' | 'expired' | 'wrong_kind' };

/** The admin principal of the root token. */
export const ROOT_PRINCIPAL: Principal = { sub: 'admin', role: 'admin', sites: ALL, channels: ALL };

/**
 * Check a token: the root token (admin), or a signed token of one of the accepted kinds that has not expired.
 * `root` is the TOWER_API_TOKEN; pass `acceptRoot: false` where only signed tokens belong (session cookies).
 */
export function verifyAccessToken(o: { key: Buffer; root: string; token: string | null | undefined; kinds: TokenClaims['kind'][];
  now?: number; acceptRoot?: boolean }): AccessCheck {
  const token = o.token;
  if (typeof token !== 'string' || token.length === 0) return { ok: false, reason: 'missing' };
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
  if (!token.startsWith(`${PREFIX}.`)) {
    if (o.acceptRoot !== false && tokensEqual(token, o.root)) return { ok: true, principal: ROOT_PRINCIPAL, claims: null, expiresAt: null };
    return { ok: false, reason: 'bad_signature' };
  }
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1] || !parts[2]) return { ok: false, reason: 'malformed' };
  const payload = parts[1];
  const given = Buffer.from(parts[2], 'base64url');
  const expected = sign(o.key, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
  let body: unknown;
  try { body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')); } catch { return { ok: false, reason: 'malformed' }; }
  const parsed = TokenClaimsSchema.safeParse(body);
  if (!parsed.success) return { ok: false, reason: 'malformed' };
  const claims = parsed.data;
  if (!o.kinds.includes(claims.kind)) return { ok: false, reason: 'wrong_kind' };
  if (claims.exp * 1000 <= (o.now ?? Date.now())) return { ok: false, reason: 'expired' };
  const { sub, role, sites, channels } = claims;
  return { ok: true, principal: { sub, role, sites, channels }, claims, expiresAt: claims.exp * 1000 };
}

/** Constant-time token comparison, whatever the lengths. */
export function tokensEqual(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | null | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

/** A token's id for logs (never log the token itself). */
export const tokenRef = (c: AccessCheck) => (c.ok ? (c.claims ? `${c.claims.kind}:${c.claims.jti}` : 'root') : 'none');
