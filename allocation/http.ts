/**
 * The HTTP JSON API of an allocation instance: `POST /v1/<op>` with the same bodies as NATS, `GET /v1/atp?sku=…`,
 * plus /healthz, /readyz and /metrics. Any instance answers: requests are forwarded over NATS to the leader,
 * so a load balancer may spread clients over every instance. Bearer token, bounded bodies, JSON errors with a
 * code, and nothing about the token in logs.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ALLOCATION_OPS, type AllocationErrorCode, type AllocationOp } from '../contracts/api/allocation.ts';
import type { Logger } from '../runtime/logger.ts';
import type { Registry } from '../runtime/metrics.ts';
import type { AllocationClient } from './client.ts';
import { bearerToken, tokensEqual } from '../runtime/access.ts';

export const STATUS_FOR: Record<AllocationErrorCode, number> = {
  bad_request: 400, unauthorized: 401, not_found: 404, invalid_state: 409, idempotency_conflict: 409,
  payload_too_large: 413, unknown_sku: 422, unknown_location: 422, unavailable: 503, internal_error: 500,
};

export interface HttpOptions {
  port: number;
  host: string;
  token: string;
  maxBodyBytes: number;
  client: AllocationClient;
  registry: Registry;
  ready: () => { ok: boolean; detail?: Record<string, unknown> };
  log: Logger;
}

const OPS = new Set<string>(ALLOCATION_OPS);

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}
const fail = (res: ServerResponse, code: AllocationErrorCode, message: string) => send(res, STATUS_FOR[code], { code, message });

const authorized = (req: IncomingMessage, token: string) => tokensEqual(bearerToken(req.headers.authorization), token);

/**
 * Read a body up to `max` bytes; null when it is larger. The rest is read and dropped, not cut off: destroying
 * the request would close the socket before the 413 is written (requestTimeout bounds a client that never stops).
 */
function readBody(req: IncomingMessage, max: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > max) { resolve(null); return; }
    let chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      if (size > max) return;
      size += c.length;
      if (size > max) { chunks = []; resolve(null); return; }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function handle(o: HttpOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://x');
  if (req.method === 'GET' && url.pathname === '/healthz') return send(res, 200, { ok: true });
  if (req.method === 'GET' && url.pathname === '/readyz') { const r = o.ready(); return send(res, r.ok ? 200 : 503, { ok: r.ok, ...r.detail }); }
  if (req.method === 'GET' && url.pathname === '/metrics') {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(o.registry.render());
    return;
  }
  const m = /^\/v1\/([a-z-]+)$/.exec(url.pathname);
  if (!m || !OPS.has(m[1]!)) return fail(res, 'not_found', `no route ${req.method} ${url.pathname}; see the README's allocation API`);
  if (!authorized(req, o.token)) return fail(res, 'unauthorized', 'send Authorization: Bearer <TOWER_API_TOKEN>');
  const op = m[1] as AllocationOp;
  let body: unknown;
  if (req.method === 'GET' && op === 'atp') {
    const channel = url.searchParams.get('channel');
    body = { skus: url.searchParams.getAll('sku'), ...(url.searchParams.has('location') ? { locations: url.searchParams.getAll('location') } : {}),
      ...(channel ? { channel } : {}) };
  } else if (req.method === 'POST') {
    const text = await readBody(req, o.maxBodyBytes);
    if (text === null) return fail(res, 'payload_too_large', `body larger than ${o.maxBodyBytes} bytes`);
    try { body = JSON.parse(text); } catch { return fail(res, 'bad_request', 'body is not valid JSON'); }
  } else {
    res.setHeader('allow', op === 'atp' ? 'GET, POST' : 'POST');
    return send(res, 405, { code: 'bad_request', message: `use POST /v1/${op}` });
  }
  const reply = await o.client.call(op, body);
  if (reply.ok) return send(res, 200, reply.result);
  return send(res, STATUS_FOR[reply.error.code] ?? 500, reply.error);
}

export async function startHttpApi(o: HttpOptions): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    handle(o, req, res).catch((err: Error) => {
      o.log.error({ err: err.message, path: req.url?.split('?')[0] }, 'http handler failed');
      if (!res.headersSent) fail(res, 'internal_error', 'internal error');
    });
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(o.port, o.host, resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  return { server, port, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}
