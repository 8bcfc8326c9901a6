/**
 * A typed client of the realtime gateway for Node (the CLI, tests, benchmarks, your programs) and the browser: it
 * imports only socket.io-client (contract imports are types). It connects with a token, subscribes, remembers the
 * last sequence it saw and, after any reconnect, subscribes again with `since` so the gateway replays what it
 * missed; notices at or below that sequence are dropped, so each reaches `onNotices` once.
 *
 *   const c = await connectAlerts({ url: 'http://127.0.0.1:3100', token, filter: { minSeverity: 'warning' },
 *     onNotices: (ns) => ns.forEach(({ seq, notice }) => console.log(seq, notice.kind, notice.alert.title)) });
 *   await c.ack(key, 'on it');  …  c.close();
 */
import { io, type Socket } from 'socket.io-client';
import type { AlertFilter } from '../../contracts/alerts.ts';
import type {
  Answer, Bye, ClientToServerEvents, ConnectRefusal, KpiTick, SequencedNotice, ServerToClientEvents, SubscribeResult,
} from '../../contracts/realtime.ts';
import type { Alert } from '../../contracts/alerts.ts';

/** Must equal REALTIME_PATH in contracts/realtime.ts (a value import would pull zod into browser bundles). */
const PATH = '/realtime';

export type AlertsStatus =
  | { state: 'connected' }
  | { state: 'subscribed'; result: SubscribeResult }
  | { state: 'disconnected'; reason: string }
  | { state: 'bye'; bye: Bye }
  | { state: 'refused'; refusal: ConnectRefusal };

export interface AlertsClientOptions {
  /** The gateway's base URL, e.g. http://127.0.0.1:3100 (the path is /realtime). */
  url: string;
  /** An API token or ticket; a function is called on every (re)connect, e.g. to fetch a fresh ticket. */
  token: string | (() => string | Promise<string>);
  filter?: AlertFilter;
  /** Resume after this stream sequence (a value saved from lastSeq() earlier). */
  since?: number;
  /** Subscribe to notices and/or KPI ticks; without either the client only connects (for ack/resolve). */
  onNotices?: (notices: SequencedNotice[]) => void;
  onKpi?: (tick: KpiTick) => void;
  /** Notices after `since` had aged out of the stream: reload the alert list over the API. */
  onGap?: (result: SubscribeResult) => void;
  onStatus?: (status: AlertsStatus) => void;
  /** How long the first connection may take before connectAlerts rejects (later reconnects retry forever). */
  connectTimeoutMs?: number;
  /** How long ack/resolve wait for an answer. */
  requestTimeoutMs?: number;
  transports?: ('websocket' | 'polling')[];
}

export interface AlertsClient {
  /** The last stream sequence this client has seen everything up to (0 before the first subscription). */
  lastSeq(): number;
  ack(key: string, comment?: string): Promise<Answer<{ alert: Alert }>>;
  resolve(key: string, comment: string): Promise<Answer<{ alert: Alert }>>;
  close(): void;
}

/** The gateway refused the connection (`refusal.code`: unauthorized, expired, forbidden). */
export class AlertsRefusedError extends Error {
  constructor(readonly refusal: ConnectRefusal) { super(`refused (${refusal.code}): ${refusal.message}`); }
}

/** Wait after a server-side disconnect (slow consumer, shutdown) before reconnecting, plus jitter. */
const RECONNECT_AFTER_BYE_MS = 1_000;
const RESUBSCRIBE_AFTER_MS = 1_000;

/** Connect, subscribe (when asked to) and resolve once the first subscription is live. */
export function connectAlerts(o: AlertsClientOptions): Promise<AlertsClient> {
  const wantsSubscription = Boolean(o.onNotices || o.onKpi);
  let last: number | undefined = o.since;
  let closed = false;
  let settled = false;
  let resolveReady!: () => void;
  let rejectReady!: (err: Error) => void;
  const ready = new Promise<void>((res, rej) => { resolveReady = res; rejectReady = rej; });
  const settle = (err?: Error) => {
    if (settled) return;
    settled = true;
    clearTimeout(connectTimer);
    if (err) { closed = true; socket.close(); rejectReady(err); } else resolveReady();
  };

  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(o.url, {
    path: PATH,
    transports: o.transports ?? ['websocket', 'polling'],
    auth: (cb) => {
      if (typeof o.token === 'string') { cb({ token: o.token }); return; }
      Promise.resolve(o.token()).then((token) => cb({ token }), () => cb({ token: '' }));
    },
  });
  const connectTimer = setTimeout(() => settle(new Error(`could not reach the gateway at ${o.url} within ${o.connectTimeoutMs ?? 15_000} ms`)),
    o.connectTimeoutMs ?? 15_000);

  const subscribe = () => {
    if (!wantsSubscription) { settle(); return; }
    socket.emit('subscribe', { filter: o.filter ?? {}, ...(last !== undefined ? { since: last } : {}), kpi: Boolean(o.onKpi) }, (a) => {
      if (!a.ok) {
        if (a.error.code === 'bad_request' || a.error.code === 'forbidden') { settle(new Error(`subscribe refused (${a.error.code}): ${a.error.message}`)); return; }
        if (a.error.code !== 'invalid_state') setTimeout(() => { if (socket.connected && !closed) subscribe(); }, RESUBSCRIBE_AFTER_MS);
        return;
      }
      last = a.result.gap ? a.result.lastSeq : Math.max(last ?? 0, a.result.lastSeq);
      if (a.result.gap) o.onGap?.(a.result);
      o.onStatus?.({ state: 'subscribed', result: a.result });
      settle();
    });
  };

  socket.on('connect', () => { o.onStatus?.({ state: 'connected' }); subscribe(); });
  socket.on('alerts', (batch) => {
    const fresh = last === undefined ? batch.notices : batch.notices.filter((n) => n.seq > last!);
    if (fresh.length === 0) return;
    last = fresh[fresh.length - 1]!.seq;
    o.onNotices?.(fresh);
  });
  socket.on('kpi', (tick) => o.onKpi?.(tick));
  socket.on('bye', (bye) => {
    o.onStatus?.({ state: 'bye', bye });
    if (bye.reason === 'token_expired' && typeof o.token === 'string') {
      closed = true;
      o.onStatus?.({ state: 'refused', refusal: { code: 'expired', message: bye.message } });
    }
  });
  socket.on('disconnect', (reason) => {
    o.onStatus?.({ state: 'disconnected', reason });
    // The server ended the socket (slow consumer, shutdown, expired ticket): socket.io-client does not come back on
    // its own after that, so we do — the next subscribe replays from lastSeq.
    if (reason === 'io server disconnect' && !closed) {
      setTimeout(() => { if (!closed) socket.connect(); }, RECONNECT_AFTER_BYE_MS + Math.random() * RECONNECT_AFTER_BYE_MS);
    }
  });
  socket.on('connect_error', (err) => {
    const refusal = (err as Error & { data?: ConnectRefusal }).data;
    if (!refusal?.code) return; // network trouble: socket.io-client retries with back-off
    o.onStatus?.({ state: 'refused', refusal });
    closed = true;
    socket.close();
    settle(new AlertsRefusedError(refusal));
  });

  const request = async (event: 'ack' | 'resolve', req: { key: string; comment?: string }): Promise<Answer<{ alert: Alert }>> => {
    try {
      return await socket.timeout(o.requestTimeoutMs ?? 10_000).emitWithAck(event, req as { key: string; comment: string });
    } catch (err) {
      return { ok: false, error: { code: 'unavailable', message: `no answer from the gateway: ${(err as Error).message}` } };
    }
  };

  const client: AlertsClient = {
    lastSeq: () => last ?? 0,
    ack: (key, comment) => request('ack', comment === undefined ? { key } : { key, comment }),
    resolve: (key, comment) => request('resolve', { key, comment }),
    close: () => { closed = true; clearTimeout(connectTimer); socket.close(); },
  };
  return ready.then(() => client);
}
