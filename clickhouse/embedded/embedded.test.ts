/**
 * The embedded server as @clickhouse/client sees it: engine + HTTP server in-process on port 0 with a temp
 * data directory. With CLICKHOUSE_URL set, the client-level tests run against that real server instead (the
 * embedded-only ones are skipped), which is how we check that the two behave alike.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  ClickHouseError, ClickHouseLogLevel, createClient, type ClickHouseClient, type ClickHouseClientConfigOptions, type ClickHouseSettings,
} from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CommonEnv, loadConfig } from '../../runtime/env.ts';
import { openEngine, type Engine } from './engine.ts';
import { createEmbeddedServer, type EmbeddedServer } from './http-server.ts';

const { CLICKHOUSE_URL: REAL_URL, CLICKHOUSE_USER: USER, CLICKHOUSE_PASSWORD: PASSWORD } = loadConfig(CommonEnv);
const embeddedOnly = test.skipIf(REAL_URL !== undefined);
/** Queue bound of the in-process engine: above the 20-request concurrency test, small enough to overflow. */
const MAX_QUEUE = 25;

let dir = '';
let engine: Engine | undefined;
let server: EmbeddedServer | undefined;
let url = '';
let client: ClickHouseClient;
const db = `ct_embedded_${randomUUID().slice(0, 8)}`;
const clients: ClickHouseClient[] = [];
/** Extra servers on the same engine (password, small body cap), closed before the engine. */
const extraServers: EmbeddedServer[] = [];

function connect(extra: ClickHouseClientConfigOptions = {}): ClickHouseClient {
  const c = createClient({ url, username: USER, password: PASSWORD, keep_alive: { enabled: true, idle_socket_ttl: 2_500 },
    log: { level: ClickHouseLogLevel.OFF }, ...extra });
  clients.push(c);
  return c;
}

async function rows<T>(c: ClickHouseClient, query: string, query_params?: Record<string, unknown>, clickhouse_settings?: ClickHouseSettings): Promise<T[]> {
  return (await c.query({ query, query_params, clickhouse_settings, format: 'JSONEachRow' })).json<T>();
}

/** A raw HTTP request with the client's credentials, for checks below the client (headers, error text). */
function raw(target: string, init: RequestInit = {}, base = url): Promise<Response> {
  const auth = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
  return fetch(new URL(target, base), { ...init, headers: { Authorization: auth, ...init.headers } });
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ClickHouseError);
  return (err as ClickHouseError).code;
}

beforeAll(async () => {
  if (REAL_URL) {
    url = REAL_URL;
  } else {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ct-embedded-'));
    engine = await openEngine({ dataDir: dir, maxQueue: MAX_QUEUE });
    server = await createEmbeddedServer({ engine, port: 0 });
    url = server.url;
  }
  client = connect();
  await client.command({ query: `CREATE DATABASE ${db}` });
});

afterAll(async () => {
  await client?.command({ query: `DROP DATABASE IF EXISTS ${db}` });
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all(extraServers.map((s) => s.close()));
  await server?.close();
  await engine?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('embedded ClickHouse over @clickhouse/client', () => {
  test('answers ping', async () => {
    expect(await client.ping()).toMatchObject({ success: true });
  });

  test('runs DDL through command', async () => {
    await client.command({ query: `CREATE TABLE ${db}.ddl (id UInt32) ENGINE = MergeTree ORDER BY id` });
    expect(await rows(client, `EXISTS TABLE ${db}.ddl`)).toEqual([{ result: 1 }]);
  });

  test('round-trips JSONEachRow rows and binds typed parameters', async () => {
    await client.command({ query: `CREATE TABLE ${db}.typed (id String, tags Array(String), at DateTime64(3, 'UTC'),
      n UInt64, note Nullable(String)) ENGINE = MergeTree ORDER BY id` });
    const tricky = "quote ' backslash \\ tab \t newline \n end";
    const tags = ['a', "b'c", 'd\\e', 'tab\there'];
    await client.insert({ table: `${db}.typed`, format: 'JSONEachRow', values: [
      { id: tricky, tags, at: '2026-11-27 10:00:00.123', n: '18446744073709551615', note: null },
      { id: 'plain', tags: [], at: '2026-11-27 11:00:00.000', n: 1, note: 'x' },
    ] });
    const found = await rows(client, `SELECT id, tags, toString(at) AS at_text, toString(n) AS n_text, note FROM ${db}.typed
      WHERE id = {id:String} AND tags = {tags:Array(String)} AND at = {at:DateTime64(3, 'UTC')} AND n = {n:UInt64}
        AND note IS NULL AND {missing:Nullable(String)} IS NULL`,
    { id: tricky, tags, at: '2026-11-27 10:00:00.123', n: BigInt('18446744073709551615'), missing: null });
    expect(found).toEqual([{ id: tricky, tags, at_text: '2026-11-27 10:00:00.123', n_text: '18446744073709551615', note: null }]);
  });

  test('binds parameters sent as multipart/form-data', async () => {
    const values = Array.from({ length: 2_000 }, (_, i) => `v'${i}`); // ~16 KB: past the client's 4 KB URL budget
    const auto = connect({ use_multipart_params_auto: true });
    expect(await rows(auto, 'SELECT length({v:Array(String)}) AS n, {v:Array(String)}[2] AS second', { v: values }))
      .toEqual([{ n: 2_000, second: "v'1" }]);
    const always = connect({ use_multipart_params: true });
    expect(await rows(always, 'SELECT {s:String} AS s', { s: 'a\tb' })).toEqual([{ s: 'a\tb' }]);
  });

  test('accepts gzip-compressed request bodies', async () => {
    const gz = connect({ compression: { request: true } });
    await gz.command({ query: `CREATE TABLE ${db}.gz (id UInt32) ENGINE = MergeTree ORDER BY id` });
    await gz.insert({ table: `${db}.gz`, format: 'JSONEachRow', values: Array.from({ length: 500 }, (_, id) => ({ id })) });
    expect(await rows(gz, `SELECT toString(count()) AS c FROM ${db}.gz`)).toEqual([{ c: '500' }]);
  });

  test('applies the database option, and only to that client', async () => {
    const scoped = connect({ database: db });
    await scoped.command({ query: 'CREATE TABLE scoped (id UInt32) ENGINE = MergeTree ORDER BY id' });
    expect(await rows(scoped, 'SELECT currentDatabase() AS d')).toEqual([{ d: db }]);
    expect(await rows(client, 'SELECT currentDatabase() AS d')).toEqual([{ d: 'default' }]);
    expect(await rows(client, `SELECT toString(count()) AS c FROM ${db}.scoped`)).toEqual([{ c: '0' }]);
  });

  test('applies settings per request without leaking into the next one', async () => {
    const probe = (s?: ClickHouseSettings) => rows<{ mt: string; dt: string }>(client,
      "SELECT toString(getSetting('max_threads')) AS mt, toString(getSetting('date_time_input_format')) AS dt", undefined, s);
    const [base] = await probe();
    const other = {
      max_threads: base!.mt === '1' ? 3 : 1,
      date_time_input_format: base!.dt === 'best_effort' ? 'basic' : 'best_effort',
    } satisfies ClickHouseSettings;
    expect(await probe(other)).toEqual([{ mt: String(other.max_threads), dt: other.date_time_input_format }]);
    expect(await probe()).toEqual([base]);
    expect(await probe({ max_threads: other.max_threads })).toEqual([{ mt: String(other.max_threads), dt: base!.dt }]);
    expect(await probe()).toEqual([base]);
  });

  test('SET and USE do not outlive their request', async () => {
    const [base] = await rows<{ mt: string }>(client, "SELECT toString(getSetting('max_threads')) AS mt");
    await client.command({ query: `SET max_threads = ${base!.mt === '1' ? 3 : 1}` });
    await client.command({ query: 'USE system' });
    expect(await rows(client, "SELECT toString(getSetting('max_threads')) AS mt, currentDatabase() AS d"))
      .toEqual([{ mt: base!.mt, d: 'default' }]);
  });

  test('serves 20 concurrent queries and inserts', async () => {
    const wide = connect({ max_open_connections: 20 });
    await wide.command({ query: `CREATE TABLE ${db}.conc (k UInt32, v String) ENGINE = MergeTree ORDER BY k` });
    const ops = Array.from({ length: 20 }, (_, i) => i % 2 === 0
      ? wide.insert({ table: `${db}.conc`, format: 'JSONEachRow', values: Array.from({ length: 100 }, (_, j) => ({ k: i * 100 + j, v: `b${i}` })) })
      : rows(wide, `SELECT toString(count()) AS c FROM ${db}.conc WHERE v = {v:String}`, { v: `b${i - 1}` }));
    const settled = await Promise.allSettled(ops);
    expect(settled.filter((s) => s.status === 'rejected')).toEqual([]);
    expect(await rows(wide, `SELECT toString(count()) AS c, toString(uniqExact(v)) AS u FROM ${db}.conc`)).toEqual([{ c: '1000', u: '10' }]);
  });

  test('raises ClickHouseError with the server code', async () => {
    expect(await codeOf(client.query({ query: `SELECT * FROM ${db}.nope` }))).toBe('60');
    expect(await codeOf(client.query({ query: 'SELEC 1' }))).toBe('62');
    expect(await codeOf(client.command({ query: 'SELECT 1; SELECT 2' }))).toBe('62');
    expect(await codeOf(connect({ database: `${db}_missing` }).query({ query: 'SELECT 1' }))).toBe('81');
    expect(await codeOf(client.insert({ table: `${db}.typed`, format: 'JSONEachRow', values: [{ id: 'x', n: 'not a number' }] })))
      .toMatch(/^(6|27|72)$/);
  });

  test('drops a repeated insert block when the table keeps a deduplication window', async () => {
    await client.command({ query: `CREATE TABLE ${db}.dedup (id UInt32, v String) ENGINE = MergeTree ORDER BY id
      SETTINGS non_replicated_deduplication_window = 1000` });
    const block = Array.from({ length: 1_000 }, (_, id) => ({ id, v: `v${id}` }));
    const settings = { async_insert: 0, insert_deduplicate: 1 } as const;
    await client.insert({ table: `${db}.dedup`, format: 'JSONEachRow', values: block, clickhouse_settings: settings });
    await client.insert({ table: `${db}.dedup`, format: 'JSONEachRow', values: block, clickhouse_settings: settings });
    expect(await rows(client, `SELECT toString(count()) AS c FROM ${db}.dedup`)).toEqual([{ c: '1000' }]);
    await client.insert({ table: `${db}.dedup`, format: 'JSONEachRow', values: block.slice(0, 10), clickhouse_settings: settings });
    expect(await rows(client, `SELECT toString(count()) AS c FROM ${db}.dedup`)).toEqual([{ c: '1010' }]);
  });

  test('sends the ClickHouse response headers', async () => {
    const queryId = randomUUID();
    const res = await raw(`/?query_id=${queryId}`, { method: 'POST', body: 'SELECT 1 AS x FORMAT JSONEachRow' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"x":1}\n');
    expect(res.headers.get('x-clickhouse-query-id')).toBe(queryId);
    expect(res.headers.get('x-clickhouse-format')).toBe('JSONEachRow');
    expect(res.headers.get('x-clickhouse-timezone')).toBeTruthy();
    const summary = JSON.parse(res.headers.get('x-clickhouse-summary')!) as Record<string, unknown>;
    for (const k of ['read_rows', 'read_bytes', 'written_rows', 'written_bytes', 'total_rows_to_read', 'result_rows', 'result_bytes', 'elapsed_ns']) {
      expect(typeof summary[k]).toBe('string');
    }
    const get = await raw('/?query=SELECT%20%27a%5Ctb%27');
    expect([get.status, await get.text(), get.headers.get('x-clickhouse-format')]).toEqual([200, 'a\\tb\n', 'TabSeparated']);
  });

  test('answers errors in the server shape', async () => {
    const res = await raw('/', { method: 'POST', body: `SELECT * FROM ${db}.nope` });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-clickhouse-exception-code')).toBe('60');
    expect(await res.text()).toMatch(/^Code: 60\. DB::Exception: .*\(UNKNOWN_TABLE\) \(version [\d.]+.*\)\n$/s);
    const write = await raw(`/?query=${encodeURIComponent(`CREATE TABLE ${db}.viaget (id UInt8) ENGINE = Memory`)}`);
    expect(write.headers.get('x-clickhouse-exception-code')).toBe('164');
  });

  test('refuses a wrong password', async () => {
    let target = url;
    if (!REAL_URL) {
      const guarded = await createEmbeddedServer({ engine: engine!, port: 0, password: 's3cret' });
      target = guarded.url;
      const good = connect({ url: target, password: 's3cret' });
      expect(await rows(good, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
      expect((await fetch(new URL('/?query=SELECT%201', target))).status).toBe(401);
      expect((await fetch(new URL('/ping', target))).status).toBe(200);
      extraServers.push(guarded);
    }
    const bad = connect({ url: target, password: `${PASSWORD}-wrong` });
    expect(await codeOf(bad.query({ query: 'SELECT 1' }))).toBe('516');
  });

  embeddedOnly('starts every request from async_insert=0, the server default', async () => {
    const probe = (s?: ClickHouseSettings) => rows(client, "SELECT toString(getSetting('async_insert')) AS a", undefined, s);
    expect(await probe()).toEqual([{ a: 'false' }]);
    expect(await probe({ async_insert: 1 })).toEqual([{ a: 'true' }]);
    expect(await probe()).toEqual([{ a: 'false' }]);
  });

  embeddedOnly('refuses requests beyond the queue bound with 503, then recovers', async () => {
    const slow = raw('/', { method: 'POST', body: 'SELECT sleep(1)' });
    await new Promise((r) => setTimeout(r, 200));
    const burst = await Promise.all(Array.from({ length: MAX_QUEUE + 15 }, () => raw('/', { method: 'POST', body: 'SELECT 1' })));
    expect((await slow).status).toBe(200);
    const refused = burst.filter((r) => r.status === 503);
    expect(refused.length).toBeGreaterThanOrEqual(15);
    expect(burst.every((r) => r.status === 200 || r.status === 503)).toBe(true);
    expect(refused[0]!.headers.get('x-clickhouse-exception-code')).toBe('202');
    await Promise.all(burst.map((r) => r.text()));
    expect(await rows(client, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  embeddedOnly('refuses a body over the size cap with 413', async () => {
    const small = await createEmbeddedServer({ engine: engine!, port: 0, maxBodyBytes: 1024 });
    extraServers.push(small);
    const body = `${JSON.stringify({ id: 1, v: 'x'.repeat(4096) })}\n`;
    const res = await raw(`/?query=${encodeURIComponent(`INSERT INTO ${db}.dedup FORMAT JSONEachRow`)}`, { method: 'POST', body }, small.url);
    expect(res.status).toBe(413);
    expect(res.headers.get('x-clickhouse-exception-code')).toBe('307');
  });
});
