/**
 * The embedded server as a process (main.ts spawned with `node --import tsx`): data survives a SIGKILL and a
 * restart on the same directory, and SIGTERM lets a running query finish before the process exits 0.
 * Skipped when CLICKHOUSE_URL points the client-level tests at a real server.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CommonEnv, loadConfig } from '../../runtime/env.ts';
import { spawnEmbeddedServer, type EmbeddedProcess } from './spawn.ts';

const { CLICKHOUSE_URL } = loadConfig(CommonEnv);

let dir = '';
const running: EmbeddedProcess[] = [];
const clients: ClickHouseClient[] = [];

async function start(): Promise<{ proc: EmbeddedProcess; client: ClickHouseClient }> {
  const proc = await spawnEmbeddedServer({ dataDir: dir });
  running.push(proc);
  const client = createClient({ url: proc.url, keep_alive: { enabled: true, idle_socket_ttl: 2_500 }, log: { level: ClickHouseLogLevel.OFF } });
  clients.push(client);
  return { proc, client };
}

async function count(client: ClickHouseClient): Promise<string> {
  const rs = await client.query({ query: 'SELECT toString(count()) AS c FROM kept', format: 'JSONEachRow' });
  return ((await rs.json<{ c: string }>())[0]!).c;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ct-embedded-proc-'));
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all(running.map((p) => p.stop('SIGKILL')));
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(CLICKHOUSE_URL !== undefined)('embedded ClickHouse process', () => {
  test('keeps inserted rows across a SIGKILL and a restart on the same directory', async () => {
    const first = await start();
    expect(first.proc.output.some((l) => l.includes('"msg":"listening"') && l.includes(`"dataDir":${JSON.stringify(dir)}`))).toBe(true);
    await first.client.command({ query: 'CREATE TABLE kept (id UInt32) ENGINE = MergeTree ORDER BY id' });
    await first.client.insert({ table: 'kept', format: 'JSONEachRow', values: Array.from({ length: 1_000 }, (_, id) => ({ id })) });
    expect(await count(first.client)).toBe('1000');
    expect(await first.proc.stop('SIGKILL')).toBeNull();

    const second = await start();
    expect(await count(second.client)).toBe('1000');
    expect(await second.proc.stop('SIGTERM')).toBe(0);
  });

  test('finishes a running query on SIGTERM, then exits 0', async () => {
    const { proc, client } = await start();
    const slow = client.query({ query: 'SELECT sleep(1) AS s', format: 'JSONEachRow' }).then((rs) => rs.json());
    await new Promise((r) => setTimeout(r, 200));
    const exit = proc.stop('SIGTERM');
    expect(await slow).toEqual([{ s: 0 }]);
    expect(await exit).toBe(0);
    expect(proc.output.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
  });
});
