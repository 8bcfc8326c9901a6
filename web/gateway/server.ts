/**
 * The realtime gateway: an HTTP server with Socket.IO at REALTIME_PATH (typed by contracts/realtime.ts) and
 * /healthz, /readyz, /metrics, fed from NATS on its own (the ALERTS stream and `kpi.tick`). Several run side by side;
 * a client may reconnect to any of them and resume with `since`.
 *
 * Limits: inbound packets ≤ 16 KB (a subscribe with 200 sites is ~4 KB; a token ≤ 8 KB), one subscription per
 * socket, the CONNECT packet within 10 s of the transport opening.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Server } from 'socket.io';
import { z } from 'zod';
import { routesTo, scopedNotice } from '../../alerts/routing.ts';
import { KPI_SUBJECT } from '../../contracts/alerts.ts';
import {
  AckRequestSchema, KpiTickSchema, REALTIME_PATH, ResolveRequestSchema, SubscribeRequestSchema,
  type Answer, type SubscribeResult,
} from '../../contracts/realtime.ts';
import { accessKey } from '../../runtime/access.ts';
import type { Logger } from '../../runtime/logger.ts';
import type { NatsConnection } from '../../runtime/nats.ts';
import { forwardToEngine } from './alertctl.ts';
import { authenticate, watchExpiry } from './auth.ts';
import { Fanout } from './fanout.ts';
import { startAlertFeed } from './feed.ts';
import { createGatewayMetrics, type GatewayMetrics } from './metrics.ts';
import type { GatewayServer, GatewaySocket } from './types.ts';

/** How long a subscription whose `since` is ahead of this gateway's feed waits for the feed to catch up (they are ms apart). */
const AHEAD_WAIT_MS = 2_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** ack/resolve requests one socket may have waiting for the engine (a person clicks one at a time; a program batches). */
const MAX_IN_FLIGHT = 8;

export interface GatewayOptions {
  nc: NatsConnection;
  log: Logger;
  port: number;
  host: string;
  origins: string[];
  rootToken: string;
  batchMs: number;
  maxQueuedPackets: number;
  maxQueuedBytes: number;
  replayMax: number;
  replayMemory: number;
  replayConcurrency: number;
  alertctlTimeoutMs: number;
  /** Tests use their own stream name. */
  stream?: string;
}

export interface Gateway {
  port: number;
  io: GatewayServer;
  metrics: GatewayMetrics;
  /** True once the alert feed reads the stream. */
  ready(): boolean;
  /** `bye` shutdown to every socket, close them and the HTTP server, stop the feeds (the caller drains NATS). */
  close(): Promise<void>;
}

const MAX_INBOUND_BYTES = 16 * 1024;
const UnsubscribeRequestSchema = z.object({}).strict();
/** Sockets get this long to receive their `bye` before the server closes what is left. */
const SHUTDOWN_GRACE_MS = 1_000;

type Reply<T> = (a: Answer<T>) => void;

export async function startGateway(o: GatewayOptions): Promise<Gateway> {
  const metrics = createGatewayMetrics();
  const log = o.log;
  const allowed = new Set(o.origins);
  const http = createServer((req, res) => probe(req, res));
  const io: GatewayServer = new Server(http, {
    path: REALTIME_PATH,
    serveClient: false,
    maxHttpBufferSize: MAX_INBOUND_BYTES,
    connectTimeout: 10_000,
    cors: { origin: o.origins, credentials: true },
    // Browsers send Origin; programs do not. Tokens travel in the CONNECT packet (not cookies), so this is defence
    // in depth against pages on other origins, not the access check.
    allowRequest: (req, cb) => {
      const origin = req.headers.origin;
      if (origin && !allowed.has(origin)) { metrics.refused.inc(1, { reason: 'origin' }); cb('origin not allowed', false); return; }
      cb(null, true);
    },
  });

  const fanout = new Fanout({ io, metrics, log, batchMs: o.batchMs, maxQueuedPackets: o.maxQueuedPackets,
    maxQueuedBytes: o.maxQueuedBytes, maxCatchUp: o.replayMax });
  const feed = startAlertFeed({
    nc: o.nc, stream: o.stream, memory: o.replayMemory, replayMax: o.replayMax, replayConcurrency: o.replayConcurrency, log,
    onNotice: (n) => { metrics.noticesIn.inc(1, { outcome: 'valid' }); metrics.feedSeq.set(n.seq); fanout.add(n); },
    onInvalid: (seq, reason) => { metrics.noticesIn.inc(1, { outcome: 'invalid' }); metrics.feedSeq.set(seq); log.warn({ seq, reason }, 'invalid notice skipped'); },
  });
  const kpiSub = o.nc.subscribe(KPI_SUBJECT, {
    callback: (err, m) => {
      if (err) return;
      let body: unknown;
      try { body = JSON.parse(m.string()); } catch { body = null; }
      const tick = KpiTickSchema.safeParse(body);
      metrics.kpiTicks.inc(1, { outcome: tick.success ? 'valid' : 'invalid' });
      if (tick.success) fanout.kpi(tick.data);
    },
  });

  function probe(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url?.split('?')[0];
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.method !== 'GET') return void json(405, { code: 'method_not_allowed' });
    if (url === '/healthz') return void json(200, { ok: true });
    if (url === '/readyz') {
      const ok = feed.ready();
      return void json(ok ? 200 : 503, { ok, feedSeq: feed.lastSeq(), connections: io.engine.clientsCount });
    }
    if (url === '/metrics') {
      metrics.connections.set(io.of('/').sockets.size);
      return void res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(metrics.registry.render());
    }
    json(404, { code: 'not_found' });
  }

  /** Validate, run, answer — a malformed request or a missing acknowledgement callback never throws. */
  function handle<S extends z.ZodType, T>(event: string, schema: S, run: (req: z.infer<S>) => Promise<Answer<T>>) {
    return (raw: unknown, answer?: unknown) => {
      const reply: Reply<T> = typeof answer === 'function' ? (answer as Reply<T>) : () => undefined;
      const parsed = schema.safeParse(raw);
      if (!parsed.success) {
        metrics.requests.inc(1, { event, outcome: 'bad_request' });
        reply({ ok: false, error: { code: 'bad_request', message: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`).join('; ') } });
        return;
      }
      run(parsed.data).then((a) => {
        metrics.requests.inc(1, { event, outcome: a.ok ? 'ok' : a.error.code });
        reply(a);
      }, (err: Error) => {
        metrics.requests.inc(1, { event, outcome: 'internal_error' });
        log.error({ event, err: err.message }, 'socket request failed');
        reply({ ok: false, error: { code: 'internal_error', message: 'internal error' } });
      });
    };
  }

  async function subscribe(socket: GatewaySocket, req: z.infer<typeof SubscribeRequestSchema>): Promise<Answer<SubscribeResult>> {
    if (!feed.ready()) return { ok: false, error: { code: 'unavailable', message: 'the alert feed is not ready yet; retry shortly' } };
    const generation = ++socket.data.generation;
    const superseded = () => socket.data.generation !== generation || socket.disconnected;
    const { principal } = socket.data;
    fanout.attach(socket, req.filter);
    let cutoff = feed.lastSeq();
    let gap = false;
    let replayed = 0;
    const since = req.since;
    try {
      if (since !== undefined && since > cutoff) {
        // Ahead of this gateway (another one had read further): skip what it has. Beyond the stream's end: the stream
        // was recreated, so its numbers mean nothing here.
        const last = await feed.streamLastSeq();
        if (since > last) gap = true;
        else {
          cutoff = since;
          // Go live only once this gateway's feed has read up to `since` (live notices are held for the socket
          // meanwhile and cut at the cutoff), so nothing the client already has reaches it again; bounded wait.
          for (const end = Date.now() + AHEAD_WAIT_MS; feed.lastSeq() < since && Date.now() < end && !superseded();) await sleep(10);
        }
      } else if (since !== undefined && since < cutoff) {
        const r = await feed.read(since, cutoff, (n) => routesTo(n.alert, principal, req.filter), superseded);
        metrics.replays.inc(1, { source: r.source, outcome: r.gap ? 'gap' : 'ok' });
        if (superseded()) return { ok: false, error: { code: 'invalid_state', message: 'replaced by a newer subscribe or unsubscribe' } };
        gap = r.gap;
        replayed = r.notices.length;
        const scoped = r.notices.map((n) => ({ seq: n.seq, notice: scopedNotice(n.notice, principal) }));
        if (!fanout.sendTo(socket, scoped, 'replay')) return { ok: false, error: { code: 'unavailable', message: 'disconnected as a slow consumer' } };
      }
    } catch (err) {
      if (!superseded()) fanout.detach(socket);
      log.warn({ err: (err as Error).message, since }, 'replay failed');
      return { ok: false, error: { code: 'unavailable', message: 'could not read the alert stream; retry shortly' } };
    }
    if (superseded()) return { ok: false, error: { code: 'invalid_state', message: 'replaced by a newer subscribe or unsubscribe' } };
    const lastSeq = fanout.goLive(socket, cutoff, req.kpi, feed.lastSeq);
    if (lastSeq === null) return { ok: false, error: { code: 'unavailable', message: 'disconnected as a slow consumer' } };
    return { ok: true, result: { replayed, lastSeq, gap } };
  }

  io.use(authenticate({ key: accessKey(o.rootToken), root: o.rootToken, metrics }));
  io.on('connection', (socket) => {
    metrics.connections.set(io.of('/').sockets.size);
    const stopWatching = watchExpiry(socket.data.expiresAt, () => {
      metrics.expired.inc();
      fanout.bye(socket, { reason: 'token_expired', message: 'the token has expired; reconnect with a new one' });
    });
    socket.on('subscribe', handle('subscribe', SubscribeRequestSchema, (req) => subscribe(socket, req)));
    socket.on('unsubscribe', handle('unsubscribe', UnsubscribeRequestSchema, async () => {
      socket.data.generation++;
      return { ok: true, result: { unsubscribed: fanout.detach(socket) } };
    }));
    // The engine answers control requests one at a time: one socket may not queue more than MAX_IN_FLIGHT of them.
    const limited = <T>(run: () => Promise<Answer<T>>): Promise<Answer<T>> => {
      if ((socket.data.inFlight ?? 0) >= MAX_IN_FLIGHT) {
        return Promise.resolve({ ok: false, error: { code: 'unavailable', message: `${MAX_IN_FLIGHT} requests already in flight on this connection; wait for their answers` } });
      }
      socket.data.inFlight = (socket.data.inFlight ?? 0) + 1;
      return run().finally(() => { socket.data.inFlight = (socket.data.inFlight ?? 1) - 1; });
    };
    socket.on('ack', handle('ack', AckRequestSchema, (req) =>
      limited(() => forwardToEngine({ nc: o.nc, timeoutMs: o.alertctlTimeoutMs }, 'ack', socket.data.principal, req))));
    socket.on('resolve', handle('resolve', ResolveRequestSchema, (req) =>
      limited(() => forwardToEngine({ nc: o.nc, timeoutMs: o.alertctlTimeoutMs }, 'resolve', socket.data.principal, req))));
    socket.on('disconnect', () => {
      stopWatching();
      socket.data.generation++;
      fanout.detach(socket);
      metrics.connections.set(io.of('/').sockets.size);
    });
  });

  await new Promise<void>((resolve, reject) => http.once('error', reject).listen(o.port, o.host, resolve));
  const addr = http.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;

  let closing: Promise<void> | undefined;
  return {
    port, io, metrics,
    ready: () => feed.ready(),
    close: () => closing ??= (async () => {
      for (const socket of io.of('/').sockets.values()) fanout.bye(socket, { reason: 'shutdown', message: 'the gateway is shutting down; reconnect' });
      const until = Date.now() + SHUTDOWN_GRACE_MS;
      while (io.engine.clientsCount > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      fanout.stop();
      kpiSub.unsubscribe();
      await feed.stop();
      http.closeAllConnections();
      await io.close();
    })(),
  };
}
