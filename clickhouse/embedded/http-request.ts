/**
 * Reads an HTTP request the way ClickHouse's HTTP interface does: the body (capped, optionally compressed),
 * the statement (URL `query`, the body, or both for INSERT … FORMAT X with data), `param_*` bind parameters
 * (URL or multipart/form-data parts, which @clickhouse/client uses when the params outgrow the URL), and every
 * other URL parameter that is not an interface parameter becomes a setting.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { pipeline, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import { ServerError } from './errors.ts';
import { leadingKeyword } from './sql-scan.ts';

/** URL parameters of the HTTP interface itself; anything else (except param_*, http_*) is a setting. */
const INTERFACE_PARAMS = new Set([
  'query', 'query_id', 'database', 'default_format', 'session_id', 'session_timeout', 'session_check', 'user',
  'password', 'role', 'quota_key', 'compress', 'decompress', 'buffer_size', 'wait_end_of_query',
  'enable_http_compression', 'stacktrace', 'client_protocol_version',
]);

export interface ParsedRequest {
  /** The statement. For an insert with a body, only the `INSERT … FORMAT X` part. */
  sql: string;
  /** The data of `INSERT … FORMAT X` when it came in the body (query in the URL). */
  insertData?: Buffer;
  params: Record<string, string>;
  settings: Record<string, string>;
  database: string;
  queryId: string;
  defaultFormat: string;
  sessionId?: string;
}

export interface Credentials { user: string; password: string }

/** The request body, decompressed per Content-Encoding, refused with 413 past `maxBytes` (after decompression). */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) throw tooLarge(maxBytes);
  const encoding = String(req.headers['content-encoding'] ?? '').trim().toLowerCase();
  let source: Readable = req;
  if (encoding !== '' && encoding !== 'identity') {
    const decoder = encoding === 'gzip' || encoding === 'x-gzip' ? zlib.createGunzip()
      : encoding === 'deflate' ? zlib.createInflate()
      : encoding === 'br' ? zlib.createBrotliDecompress()
      : undefined;
    if (!decoder) throw new ServerError(36, 'BAD_ARGUMENTS', `Unsupported Content-Encoding ${JSON.stringify(encoding)} (gzip, deflate, br are)`);
    source = pipeline(req, decoder, () => {});
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of source) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        source.destroy();
        throw tooLarge(maxBytes);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof ServerError) throw err;
    if (encoding !== '') throw new ServerError(354, 'ZLIB_INFLATE_FAILED', `Cannot decode the ${encoding} request body: ${(err as Error).message}`, 400);
    throw err;
  }
  return Buffer.concat(chunks, size);
}

function tooLarge(maxBytes: number): ServerError {
  return new ServerError(307, 'TOO_MANY_BYTES',
    `Request body is larger than ${maxBytes} bytes (the embedded server's limit); send smaller insert batches`, 413);
}

/** Named parts of a multipart/form-data body (the client sends `query` and `param_*` parts). */
export function parseMultipart(body: Buffer, contentType: string): Map<string, string> {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!m) throw new ServerError(36, 'BAD_ARGUMENTS', 'multipart/form-data request without a boundary');
  const delimiter = Buffer.from(`--${m[1] ?? m[2]}`);
  const parts = new Map<string, string>();
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    let start = at + delimiter.length;
    if (body[start] === 0x2d && body[start + 1] === 0x2d) return parts; // closing `--boundary--`
    if (body[start] === 0x0d && body[start + 1] === 0x0a) start += 2;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    const end = body[next - 2] === 0x0d && body[next - 1] === 0x0a ? next - 2 : next;
    const headerEnd = body.indexOf('\r\n\r\n', start);
    if (headerEnd < 0 || headerEnd > end) break;
    const headers = body.subarray(start, headerEnd).toString('utf8');
    if (/filename=/i.test(headers)) {
      throw new ServerError(48, 'NOT_IMPLEMENTED', 'External tables (multipart file parts) are not supported by the embedded server');
    }
    const name = /name="([^"]*)"/i.exec(headers)?.[1];
    if (name !== undefined) parts.set(name, body.subarray(headerEnd + 4, end).toString('utf8'));
    at = next;
  }
  throw new ServerError(36, 'BAD_ARGUMENTS', 'Malformed multipart/form-data body');
}

/** Split URL (and multipart) parameters into the statement, bind params, settings and interface options. */
export function parseRequest(method: string, url: URL, body: Buffer, contentType: string): ParsedRequest {
  const q = url.searchParams;
  const params: Record<string, string> = {};
  const settings: Record<string, string> = {};
  for (const [key, value] of q) {
    if (key.startsWith('param_')) params[key.slice(6)] = value;
    else if (!INTERFACE_PARAMS.has(key) && !key.startsWith('http_')) settings[key] = value;
  }
  const urlQuery = q.get('query') ?? '';
  let sql = urlQuery;
  let insertData: Buffer | undefined;
  if (method === 'POST' && /^multipart\/form-data/i.test(contentType)) {
    const parts = parseMultipart(body, contentType);
    for (const [key, value] of parts) if (key.startsWith('param_')) params[key.slice(6)] = value;
    sql = parts.get('query') ?? urlQuery;
  } else if (method === 'POST' && body.length > 0) {
    // As on the real server: with a query in the URL the body continues it; for INSERT … FORMAT X it is the data.
    if (urlQuery === '') sql = body.toString('utf8');
    else if (leadingKeyword(urlQuery) === 'INSERT') insertData = body;
    else sql = `${urlQuery}\n${body.toString('utf8')}`;
  }
  return {
    sql, insertData, params, settings,
    database: q.get('database') || 'default',
    queryId: q.get('query_id') || randomUUID(),
    defaultFormat: q.get('default_format') || 'TabSeparated',
    sessionId: q.get('session_id') || undefined,
  };
}

/** Credentials as @clickhouse/client sends them: Basic auth, X-ClickHouse-User/Key, or user/password params. */
export function credentials(req: IncomingMessage, url: URL): Credentials | undefined {
  const auth = req.headers.authorization;
  if (auth?.toLowerCase().startsWith('basic ')) {
    const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon >= 0) return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  const user = req.headers['x-clickhouse-user'];
  const key = req.headers['x-clickhouse-key'];
  if (typeof user === 'string' || typeof key === 'string') {
    return { user: typeof user === 'string' ? user : 'default', password: typeof key === 'string' ? key : '' };
  }
  if (url.searchParams.has('user') || url.searchParams.has('password')) {
    return { user: url.searchParams.get('user') || 'default', password: url.searchParams.get('password') ?? '' };
  }
  return undefined;
}
