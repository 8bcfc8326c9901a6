/**
 * The in-process ClickHouse engine behind the embedded HTTP server: one chDB Session on a persistent data
 * directory, fed by a FIFO queue that runs ONE statement at a time. chDB fails parallel parameterised
 * queries with errors 456/236, and an aborted query keeps running natively, so nothing is ever run
 * concurrently; the queue is bounded (default 1000 waiting requests) and answers beyond it with
 * TOO_MANY_SIMULTANEOUS_QUERIES instead of growing without limit.
 *
 * Per-request `database` and settings are applied with USE/SET before the statement and restored on the
 * next request that does not ask for them (see session-state.ts), since chDB keeps both for the session.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { Session, drainPending } from 'chdb';
import { ServerError, fromEngineError } from './errors.ts';
import { SessionState, quoteString, setStatement, useStatement } from './session-state.ts';
import { formatClause } from './sql-scan.ts';

// chDB's public queryBindAsync TSV-escapes string parameter values again, which double-escapes what
// @clickhouse/client sends (it already sends params in ClickHouse's escaped text form, e.g. Array(String) as
// ['a','b\'c']). So we call the native addon directly with the raw strings — the same module instance chdb
// itself loaded (the loader caches it), reached by file path because chdb's package exports hide dist/.
const requireCjs = createRequire(import.meta.url);
interface NativeResult { bytes: Buffer; elapsed: number; rowsRead: number; bytesRead: number }
interface NativeInsertResult { elapsed: number; rowsWritten: number; bytesWritten: number }
interface ChdbNative {
  QueryAsyncConnection(conn: unknown, sql: string, format: string, params?: Record<string, string>): Promise<NativeResult>;
  InsertRawAsyncConnection(conn: unknown, prefix: string, data: Buffer, countLines: boolean): Promise<NativeInsertResult>;
}
const native = requireCjs(path.join(path.dirname(requireCjs.resolve('chdb')), 'dist/loader.js')).loadNative() as ChdbNative;

/**
 * Settings every request starts from. async_insert defaults to 1 since ClickHouse 26.2 (chDB 26.7 reports
 * true): a server would then acknowledge an insert before writing it, and deduplicate differently, while our
 * writer acks NATS only after ClickHouse has the rows. So the embedded server, like our client config, starts
 * every request from async_insert=0. (Measured: chDB 26.7 writes the rows before returning either way; the
 * default keeps the reported setting and the semantics identical to a real server configured like ours.)
 */
export const SERVER_DEFAULT_SETTINGS: Readonly<Record<string, string>> = { async_insert: '0' };

/** The counters of X-ClickHouse-Summary, as strings like the real server sends them. */
export interface QuerySummary {
  read_rows: string; read_bytes: string; written_rows: string; written_bytes: string;
  total_rows_to_read: string; result_rows: string; result_bytes: string; elapsed_ns: string;
}
export interface EngineResult { bytes: Buffer; format: string; summary: QuerySummary }

export interface QueryRequest {
  sql: string;
  /** Bind parameters in ClickHouse's text form, exactly as the HTTP `param_*` values arrive. */
  params?: Record<string, string>;
  database?: string;
  settings?: Record<string, string>;
  /** Output format when the SQL has no FORMAT clause (the HTTP default is TabSeparated). */
  defaultFormat?: string;
  /** A request whose client went away before its turn is dropped instead of run. */
  signal?: AbortSignal;
}
export interface InsertRequest {
  /** `INSERT INTO t [(cols)] [SETTINGS …] FORMAT X`, sent verbatim as the prefix of the data. */
  sql: string;
  body: Buffer;
  database?: string;
  settings?: Record<string, string>;
  signal?: AbortSignal;
}

export interface Engine {
  /** The engine's version, e.g. 26.7.2.1 (for error messages and the start-up log). */
  readonly version: string;
  /** The engine's time zone, for X-ClickHouse-Timezone. */
  readonly timezone: string;
  /** Requests waiting for their turn (not counting the running one). */
  readonly waiting: number;
  query(req: QueryRequest): Promise<EngineResult>;
  insert(req: InsertRequest): Promise<EngineResult>;
  /** Refuse new work, let the queue drain, then close the session and wait for chDB's native work to end. */
  close(): Promise<void>;
}

export interface EngineOptions {
  dataDir: string;
  /** Waiting requests allowed before new ones are refused (default 1000: ~10 s of 10 ms inserts). */
  maxQueue?: number;
  /** Extra engine argv, e.g. ['--async_load_databases=0']. */
  connectionArgs?: string[];
}

const LINE_FORMATS = /^(TSV|TabSeparated|TSVRaw|TabSeparatedRaw|CSV|JSONEachRow|JSONCompactEachRow|JSONStringsEachRow|JSONCompactStringsEachRow|JSONLines|NDJSON)$/i;

/** Rows in a result whose format writes one row per line; '0' when the format does not say. */
function countRows(bytes: Buffer, format: string): number {
  if (!LINE_FORMATS.test(format)) return 0;
  let n = 0;
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) n++;
  return n;
}

function summary(p: Partial<Record<keyof QuerySummary, number>>): QuerySummary {
  const s = (k: keyof QuerySummary) => String(Math.max(0, Math.round(p[k] ?? 0)));
  return {
    read_rows: s('read_rows'), read_bytes: s('read_bytes'), written_rows: s('written_rows'),
    written_bytes: s('written_bytes'), total_rows_to_read: s('total_rows_to_read'), result_rows: s('result_rows'),
    result_bytes: s('result_bytes'), elapsed_ns: s('elapsed_ns'),
  };
}

/** A summary of all zeros, for statements that did nothing. */
export function emptySummary(): QuerySummary {
  return summary({});
}

/** Open the data directory (created if absent) and apply the server defaults. */
export async function openEngine(o: EngineOptions): Promise<Engine> {
  const maxQueue = o.maxQueue ?? 1000;
  const session = new Session(o.dataDir, o.connectionArgs ? { connectionArgs: o.connectionArgs } : {});
  const conn = () => {
    if (!session.connection) throw new ServerError(236, 'ABORTED', 'The embedded engine is closed');
    return session.connection;
  };
  const run = async (sql: string, format = 'TabSeparated', params?: Record<string, string>) => {
    try {
      return await (params ? native.QueryAsyncConnection(conn(), sql, format, params) : native.QueryAsyncConnection(conn(), sql, format));
    } catch (err) {
      throw fromEngineError(err);
    }
  };

  const state = new SessionState();
  let version: string;
  let timezone: string;
  try {
    await run(setStatement(Object.entries(SERVER_DEFAULT_SETTINGS)));
    const info = (await run('SELECT version(), timezone()')).bytes.toString().trim().split('\t');
    [version, timezone] = [info[0] ?? 'unknown', info[1] ?? 'UTC'];
  } catch (err) {
    session.close();
    await drainPending();
    throw err;
  }

  /** Bring the session to the request's settings and database; runs inside the queue. */
  async function prepare(settings: Record<string, string>, database: string): Promise<void> {
    const missing = state.missingBaselines(settings);
    if (missing.length > 0) {
      const list = `[${missing.map(quoteString).join(',')}]`;
      const rows = await run('SELECT name, value FROM system.settings WHERE name IN {names:Array(String)} FORMAT JSONEachRow',
        'JSONEachRow', { names: list });
      for (const line of rows.bytes.toString().split('\n').filter(Boolean)) {
        const row = JSON.parse(line) as { name: string; value: string };
        state.recordBaseline(row.name, row.value);
      }
    }
    const changes = state.plan(settings);
    if (changes.length > 0) {
      try {
        await run(setStatement(changes));
        state.applied(changes, true);
      } catch (err) {
        state.applied(changes, false);
        throw err;
      }
    }
    if (database !== state.database) {
      await run(useStatement(database));
      state.database = database;
    }
  }

  // The FIFO queue: `jobs` waits, `running` is true while one job is inside the engine.
  const jobs: Array<() => Promise<void>> = [];
  let running = false;
  let closing = false;
  const idle: Array<() => void> = [];

  async function pump(): Promise<void> {
    if (running) return;
    running = true;
    while (jobs.length > 0) await jobs.shift()!();
    running = false;
    for (const resolve of idle.splice(0)) resolve();
  }

  function enqueue<T>(signal: AbortSignal | undefined, job: () => Promise<T>): Promise<T> {
    if (closing) return Promise.reject(new ServerError(236, 'ABORTED', 'The embedded server is shutting down'));
    if (jobs.length >= maxQueue) {
      return Promise.reject(new ServerError(202, 'TOO_MANY_SIMULTANEOUS_QUERIES',
        `Too many simultaneous queries: ${jobs.length} are waiting for the embedded engine (max ${maxQueue})`));
    }
    return new Promise<T>((resolve, reject) => {
      jobs.push(async () => {
        if (signal?.aborted) return reject(new ServerError(394, 'QUERY_WAS_CANCELLED', 'The client went away before the query started'));
        try { resolve(await job()); } catch (err) { reject(fromEngineError(err)); }
      });
      void pump();
    });
  }

  return {
    version,
    timezone,
    get waiting() { return jobs.length; },

    query(req) {
      return enqueue(req.signal, async () => {
        await prepare(req.settings ?? {}, req.database ?? 'default');
        const format = formatClause(req.sql) ?? req.defaultFormat ?? 'TabSeparated';
        const r = await run(req.sql, format, req.params && Object.keys(req.params).length > 0 ? req.params : undefined);
        return {
          bytes: r.bytes, format,
          summary: summary({ read_rows: r.rowsRead, read_bytes: r.bytesRead, total_rows_to_read: r.rowsRead,
            result_rows: countRows(r.bytes, format), result_bytes: r.bytes.length, elapsed_ns: r.elapsed * 1e9 }),
        };
      });
    },

    insert(req) {
      return enqueue(req.signal, async () => {
        await prepare(req.settings ?? {}, req.database ?? 'default');
        const format = formatClause(req.sql) ?? 'Values';
        let r: NativeInsertResult;
        try {
          // countLines=false: the payload line count is chDB's own bookkeeping; written_rows comes from the engine.
          r = await native.InsertRawAsyncConnection(conn(), req.sql, req.body, false);
        } catch (err) {
          throw fromEngineError(err);
        }
        return {
          bytes: Buffer.alloc(0), format,
          summary: summary({ read_rows: r.rowsWritten, read_bytes: req.body.length, written_rows: r.rowsWritten,
            written_bytes: r.bytesWritten, elapsed_ns: r.elapsed * 1e9 }),
        };
      });
    },

    async close() {
      closing = true;
      if (running || jobs.length > 0) await new Promise<void>((resolve) => idle.push(resolve));
      session.close();
      await drainPending();
    },
  };
}
