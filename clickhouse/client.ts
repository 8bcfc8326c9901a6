/**
 * The only module that imports @clickhouse/client. It fixes format and settings in one place and logs each
 * named query, so every service talks to ClickHouse (embedded or real) the same way.
 */
import { ClickHouseLogLevel, createClient, type ClickHouseClient, type Logger as ClientLogger } from '@clickhouse/client';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Logger } from '../runtime/logger.ts';

export type { ClickHouseClient };

export interface ClickHouseOptions {
  url: string;
  database?: string;
  user?: string;
  password?: string;
  log?: Logger;
  /** Per-request timeout; inserts of 10k rows take ~50 ms, so 30 s only trips on a hung server. */
  requestTimeoutMs?: number;
}

/**
 * Settings every request carries. async_insert is on by default since ClickHouse 26.2; our writer batches
 * itself and acks only after a synchronous insert, so it must be off. best_effort parses ISO-8601 with offsets.
 */
const SETTINGS = {
  async_insert: 0,
  date_time_input_format: 'best_effort',
  input_format_json_read_objects_as_strings: 1,
  output_format_json_quote_64bit_integers: 0,
} as const;

export interface Db {
  client: ClickHouseClient;
  database: string;
  log?: Logger;
}

export function connectClickHouse(o: ClickHouseOptions): Db {
  const client = createClient({
    url: o.url,
    database: o.database,
    username: o.user ?? 'default',
    password: o.password ?? '',
    request_timeout: o.requestTimeoutMs ?? 30_000,
    clickhouse_settings: SETTINGS,
    // The embedded server closes idle sockets after 10 s and a stock ClickHouse after 3–10 s; expiring ours
    // after 2.5 s means we never write on a socket the server is closing (ECONNRESET).
    keep_alive: { enabled: true, idle_socket_ttl: 2_500 },
    max_open_connections: 4,
    // Bound parameters beyond 4 KB (an id list) go in a multipart body: in the URL they overflow the
    // server's 16 KB header limit and fail with an empty HTTP 431.
    use_multipart_params_auto: true,
    application: 'control-tower',
    // The client logs every failed request (with stack) to the console on its own; route it through our
    // structured logger at debug instead — callers log the failures they handle, once.
    log: { LoggerClass: clientLogger(o.log), level: ClickHouseLogLevel.WARN },
  });
  return { client, database: o.database ?? 'default', log: o.log };
}

function clientLogger(log: Logger | undefined): new () => ClientLogger {
  const emit = (p: { message: string; args?: Record<string, unknown>; err?: Error }) =>
    log?.debug({ clickhouse: p.message, err: p.err?.message, op: p.args?.operation }, 'clickhouse client');
  return class implements ClientLogger {
    trace = emit; debug = emit; info = emit; warn = emit; error = emit;
  };
}

/** Run a named SELECT with bound parameters and return its rows. */
export async function selectRows<T>(db: Db, name: string, sql: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const started = performance.now();
  const rs = await db.client.query({ query: sql, query_params: params, format: 'JSONEachRow' });
  const rows = await rs.json<T>();
  db.log?.debug({ query: name, rows: rows.length, ms: Math.round(performance.now() - started) }, 'query');
  return rows;
}

/** Run a named statement (DDL, SET-free commands) with bound parameters. */
export async function runCommand(db: Db, name: string, sql: string, params: Record<string, unknown> = {}): Promise<void> {
  const started = performance.now();
  await db.client.command({ query: sql, query_params: params });
  db.log?.debug({ query: name, ms: Math.round(performance.now() - started) }, 'command');
}

/**
 * Insert pre-serialised JSONEachRow lines into a table. A retry of the same lines carries the same
 * deduplication token, so the table's deduplication window drops it.
 */
export async function insertJsonLines(db: Db, table: string, lines: string[]): Promise<void> {
  if (lines.length === 0) return;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) throw new Error(`bad table name ${table}`);
  const body = Buffer.from(lines.join('\n'));
  const r = await db.client.exec({
    query: `INSERT INTO ${table} FORMAT JSONEachRow`,
    values: Readable.from([body]),
    // The block hash ClickHouse deduplicates on is taken after defaults are filled in, and ingested_at
    // DEFAULT now64() differs on every retry, so an identical retry would NOT be dropped. A token derived
    // from the bytes we send makes the retry of the same batch a no-op (md5 of a 5 MB batch: ~10 ms).
    clickhouse_settings: { insert_deduplicate: 1, insert_deduplication_token: `${table}:${createHash('md5').update(body).digest('base64url')}` },
  });
  // The response body must be consumed, or the keep-alive socket is never returned to the pool.
  r.stream.resume();
  await new Promise<void>((resolve, reject) => r.stream.once('end', resolve).once('error', reject));
}

export async function closeClickHouse(db: Db): Promise<void> {
  await db.client.close();
}
