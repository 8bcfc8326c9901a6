/**
 * Who a request is, as signed access tokens (runtime/access.ts), with no I/O so it is unit-tested directly.
 *
 * People sign in with the root TOWER_API_TOKEN (admin) or a signed `api` token (`tower tokens issue …`); the
 * session cookie is then a `session`-kind token carrying that principal, never the credential itself. API clients
 * send the root or an `api` token as `Authorization: Bearer`. A browser gets a 60 s `ticket` to open the realtime
 * gateway. Every kind is signed with the key derived from the root token, so rotating it signs everyone out.
 */
import { type Principal } from '$contracts/access.ts';
import { signAccessToken, verifyAccessToken, type AccessCheck } from '$runtime/access.ts';

/** 12 h: one operations shift. */
export const SESSION_TTL_SECONDS = 12 * 3600;
/** A ticket only has to reach the gateway: the browser asks for a new one on every (re)connect attempt. */
export const TICKET_TTL_SECONDS = 60;
export const SESSION_COOKIE = 'ct_session';
/** Browsers drop cookies over 4096 bytes (name + value); a principal with ~150 sites would not fit. */
export const MAX_SESSION_BYTES = 4000;

export interface Keys { key: Buffer; root: string }

/**
 * A session value for `principal`, valid 12 h from `now` — or less, when the credential that signed in
 * expires sooner (`until`, epoch ms): a session never outlives its api token.
 */
export function signSession(k: Keys, principal: Principal, o: { now?: number; until?: number | null } = {}): { value: string; ttlSeconds: number } {
  const now = o.now ?? Date.now();
  const left = o.until ? Math.floor((o.until - now) / 1000) : SESSION_TTL_SECONDS;
  const ttlSeconds = Math.max(1, Math.min(SESSION_TTL_SECONDS, left));
  return { value: signAccessToken(k.key, principal, { kind: 'session', ttlSeconds, now }), ttlSeconds };
}

/** Verify a session cookie: a signed `session` token only (the root token is no cookie). Never throws. */
export function verifySession(k: Keys, value: string | undefined, now = Date.now()): AccessCheck {
  return verifyAccessToken({ ...k, token: value, kinds: ['session'], acceptRoot: false, now });
}

/** Verify what a person types at /login or a program sends as Bearer: the root token or a signed `api` token. */
export function verifyCredential(k: Keys, token: string | null | undefined, now = Date.now()): AccessCheck {
  return verifyAccessToken({ ...k, token, kinds: ['api'], now });
}

/** A gateway ticket for `principal`: 60 s, enough to open one socket. */
export function signTicket(k: Keys, principal: Principal, now = Date.now()): { token: string; expiresAt: number } {
  const token = signAccessToken(k.key, principal, { kind: 'ticket', ttlSeconds: TICKET_TTL_SECONDS, now });
  return { token, expiresAt: (Math.floor(now / 1000) + TICKET_TTL_SECONDS) * 1000 };
}
