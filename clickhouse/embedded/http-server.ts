/**
 * The part of ClickHouse's HTTP interface that @clickhouse/client uses, served on loopback from the
 * in-process engine: /ping, queries (URL, body or multipart), INSERT … FORMAT X with the data as the body,
 * `param_*` binds, per-request settings and database, gzip bodies, the X-ClickHouse-* headers, and errors in
 * the real server's shape so the client raises ClickHouseError with the right `.code`.
 *
 * Not served: HTTP sessions (session_id — every request runs on the server defaults), external tables,
 * compressed responses (the client handles an uncompressed answer), streaming results (answers are buffered).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import type { Logger } from 'pino';
import { emptySummary, type Engine, type EngineResult } from './engine.ts';
import { ServerError, errorBody, fromEngineError, httpStatusFor } from './errors.ts';
import { credentials, parseRequest, readBody, type ParsedRequest } from './http-request.ts';
import { hasSecondStatement, isReadOnlyStatement, leadingKeyword, maskSql } from './sql-scan.ts';

/**
 * Idle keep-alive sockets are closed after 10 s. Clients must expire theirs first (idle_socket_ttl ≤ 8 s,
 * ours uses 2.5 s), or a request written on a socket the server is closing fails with ECONNRESET.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 10_000;
/** 256 MiB: ~1M event rows per insert, far above our writer's batches, small enough to buffer in memory. */
export const DEFAULT_MAX_BODY_BYTES = 256 * 1024 * 1024;

export interface EmbeddedServerOptions {
  engine: Engine;
  /** Default 127.0.0.1: the server has no TLS and, without a password, no authentication. */
  host?: string;
  /** Default 8123; 0 picks a free port (read it from the result). */
  port?: number;
  /** When set (non-empty), every request except /ping must carry it. */
  password?: string;
  /** The one user name accepted with the password (default 'default'). */
  user?: string;
  maxBodyBytes?: number;
  log?: Logger;
}

export interface EmbeddedServer {
  host: string;
  port: number;
  url: string;
  /** Stop accepting, let in-flight requests finish, close keep-alive sockets. The engine stays open. */
  close(): Promise<void>;
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function contentTypeFor(format: string): string {
  if (/^JSON.*EachRow$|^JSONLines$|^NDJSON$/i.test(format)) return 'application/x-ndjson; charset=UTF-8';
  if (/^JSON/i.test(format)) return 'application/json; charset=UTF-8';
  if (/^(TSV|TabSeparated)/i.test(format)) return 'text/tab-separated-values; charset=UTF-8';
  if (/^CSV/i.test(format)) return 'text/csv; charset=UTF-8';
  if (/^(Native|RowBinary|Parquet|Arrow|ORC|Avro|Protobuf|MsgPack|CapnProto|Npy)/i.test(format)) return 'application/octet-stream';
  return 'text/plain; charset=UTF-8';
}

/** Start serving; resolves once listening, with the actual port (useful with port 0). */
export async function createEmbeddedServer(o: EmbeddedServerOptions): Promise<EmbeddedServer> {
  const { engine } = o;
  const host = o.host ?? '127.0.0.1';
  const user = o.user ?? 'default';
  const passwordHash = o.password ? sha256(o.password) : undefined;
  const maxBodyBytes = o.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const displayName = os.hostname();
  let closing = false;

  const baseHeaders = (queryId: string): Record<string, string> => ({
    'X-ClickHouse-Query-Id': queryId,
    'X-ClickHouse-Timezone': engine.timezone,
    'X-ClickHouse-Server-Display-Name': displayName,
    ...(closing ? { Connection: 'close' } : {}),
  });

  function authorize(req: IncomingMessage, url: URL): void {
    if (!passwordHash) return;
    const c = credentials(req, url);
    const ok = c !== undefined && c.user === user && timingSafeEqual(sha256(c.password), passwordHash);
    if (ok) return;
    throw new ServerError(516, 'AUTHENTICATION_FAILED',
      `${c?.user ?? 'default'}: Authentication failed: password is incorrect, or there is no user with such name`,
      c === undefined ? 401 : 403);
  }

  function execute(p: ParsedRequest, readOnly: boolean, signal: AbortSignal): Promise<EngineResult> {
    const { sql, params, database, settings } = p;
    if (p.sessionId) {
      throw new ServerError(48, 'NOT_IMPLEMENTED',
        'HTTP sessions (session_id) are not supported by the embedded server; every request runs on the server defaults');
    }
    if (!p.insertData && maskSql(sql).trim() === '') throw new ServerError(62, 'SYNTAX_ERROR', 'Empty query');
    const keyword = leadingKeyword(sql);
    if (keyword !== 'INSERT' && hasSecondStatement(sql)) {
      throw new ServerError(62, 'SYNTAX_ERROR', 'Syntax error (Multi-statements are not allowed)');
    }
    if (keyword === 'SET' || keyword === 'USE') {
      // Without an HTTP session the real server forgets SET/USE when the request ends, so they change nothing
      // for later requests. Running them here would change the engine's shared session, so we do nothing.
      return Promise.resolve({ bytes: Buffer.alloc(0), format: p.defaultFormat, summary: emptySummary() });
    }
    if (readOnly && !isReadOnlyStatement(sql)) {
      throw new ServerError(164, 'READONLY', 'Cannot execute query in readonly mode (GET requests and readonly=1 only read)');
    }
    if (p.insertData && Object.keys(params).length === 0) {
      return engine.insert({ sql, body: p.insertData, database, settings, signal });
    }
    // An insert with bind parameters (INSERT … SELECT … FROM input()) cannot take the raw path; send it whole.
    const text = p.insertData ? `${sql}\n${p.insertData.toString('utf8')}` : sql;
    return engine.query({ sql: text, params, database, settings, defaultFormat: p.defaultFormat, signal });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://embedded');
    const method = req.method ?? 'GET';
    let queryId = url.searchParams.get('query_id') || '';
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
      // While shutting down, a socket that just finished its last response is idle: close it now, not in 10 s.
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
    try {
      if (url.pathname === '/ping' || (url.pathname === '/' && method !== 'POST' && !url.searchParams.has('query'))) {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=UTF-8', ...(closing ? { Connection: 'close' } : {}) });
        res.end(method === 'HEAD' ? undefined : 'Ok.\n');
        return;
      }
      if (url.pathname !== '/') {
        res.writeHead(404, { 'Content-Type': 'text/plain; charset=UTF-8' });
        res.end(`There is no handle ${url.pathname}\n\nUse / or /ping for health-checks.\n`);
        return;
      }
      if (method !== 'GET' && method !== 'POST') {
        throw new ServerError(36, 'BAD_ARGUMENTS', `HTTP method ${method} is not supported (GET and POST are)`, 405);
      }
      authorize(req, url);
      const body = await readBody(req, maxBodyBytes);
      const p = parseRequest(method, url, body, String(req.headers['content-type'] ?? ''));
      queryId = p.queryId;
      // readonly cannot be SET on the shared session (chDB then refuses to ever change it back), so it is
      // enforced here, as GET requests are.
      let readOnly = method === 'GET';
      if (p.settings.readonly !== undefined) {
        readOnly ||= p.settings.readonly !== '0';
        delete p.settings.readonly;
      }
      const started = performance.now();
      const result = await execute(p, readOnly, abort.signal);
      res.writeHead(200, {
        ...baseHeaders(queryId),
        'Content-Type': contentTypeFor(result.format),
        'Content-Length': String(result.bytes.length),
        'X-ClickHouse-Format': result.format,
        'X-ClickHouse-Summary': JSON.stringify(result.summary),
      });
      res.end(result.bytes);
      o.log?.debug({ queryId, ms: Math.round(performance.now() - started), bytes: result.bytes.length }, 'query');
    } catch (err) {
      sendError(res, fromEngineError(err), queryId || 'none');
    }
  }

  function sendError(res: ServerResponse, err: ServerError, queryId: string): void {
    const status = httpStatusFor(err);
    if (status >= 500) o.log?.warn({ queryId, code: err.code, err: err.text }, 'query failed');
    if (res.headersSent) { res.destroy(); return; }
    const body = errorBody(err, engine.version);
    res.writeHead(status, {
      ...baseHeaders(queryId),
      'Content-Type': 'text/plain; charset=UTF-8',
      'Content-Length': String(Buffer.byteLength(body)),
      'X-ClickHouse-Exception-Code': String(err.code),
      // A refused body may still be arriving; do not keep a socket whose request was not read to the end.
      ...(status === 413 ? { Connection: 'close' } : {}),
    });
    res.end(body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      o.log?.error({ err }, 'request handler failed');
      res.destroy();
    });
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 8123, host, () => { server.off('error', reject); resolve(); });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    host, port, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close() {
      closing = true;
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}
