/**
 * Authentication before anything: the handshake's `auth.token` must be an API token, a gateway ticket or the root
 * token (runtime/access.ts). A refusal is an Error whose `data` is a ConnectRefusal, which socket.io-client hands
 * to `connect_error`. A socket whose API token expires while connected is told (`bye` token_expired) and dropped.
 * A ticket only opens the connection (it lives 60 s so a leaked one is soon useless); the connection it opened
 * then lasts up to TICKET_CONNECTION_MS — a browser session's length — instead of reconnecting every minute.
 */
import type { ConnectRefusal } from '../../contracts/realtime.ts';
import { tokenRef, verifyAccessToken } from '../../runtime/access.ts';
import type { GatewayMetrics } from './metrics.ts';
import type { GatewaySocket } from './types.ts';

export class RefusedError extends Error {
  constructor(readonly data: ConnectRefusal) { super(data.message); }
}

const MESSAGES: Record<string, string> = {
  missing: 'connect with auth: { token } (an API token from `tower tokens issue`, or a ticket from the web app)',
  expired: 'the token has expired; get a new one',
  wrong_kind: 'this kind of token is not accepted here; use an API token or a gateway ticket',
};

/** 12 h, the dashboard session's lifetime: a ticket-opened connection is re-authenticated at least this often. */
export const TICKET_CONNECTION_MS = 12 * 3_600_000;

/** The `io.use` middleware: verify, then keep the principal on socket.data. */
export function authenticate(o: { key: Buffer; root: string; metrics: GatewayMetrics; now?: () => number }) {
  return (socket: GatewaySocket, next: (err?: Error) => void): void => {
    const raw: unknown = (socket.handshake.auth as Record<string, unknown> | undefined)?.token;
    const check = verifyAccessToken({ key: o.key, root: o.root, token: typeof raw === 'string' ? raw : undefined,
      kinds: ['api', 'ticket'], now: o.now?.() });
    if (!check.ok) {
      o.metrics.refused.inc(1, { reason: check.reason });
      const code = check.reason === 'expired' ? 'expired' : 'unauthorized';
      next(new RefusedError({ code, message: MESSAGES[check.reason] ?? 'the token is not valid here' }));
      return;
    }
    const expiresAt = check.claims?.kind === 'ticket' ? (o.now?.() ?? Date.now()) + TICKET_CONNECTION_MS : check.expiresAt;
    socket.data = { principal: check.principal, tokenRef: tokenRef(check), expiresAt, generation: 0 };
    next();
  };
}

/** setTimeout's longest delay (~24.8 days); longer waits are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Call `onExpired` when the token expires (never for the root token); returns the cancel function. */
export function watchExpiry(expiresAt: number | null, onExpired: () => void): () => void {
  if (expiresAt === null) return () => undefined;
  let timer: NodeJS.Timeout;
  const arm = () => {
    const left = expiresAt - Date.now();
    if (left <= 0) { onExpired(); return; }
    timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
    timer.unref();
  };
  arm();
  return () => clearTimeout(timer);
}
