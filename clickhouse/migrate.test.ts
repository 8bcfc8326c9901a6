import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestClickHouse, type TestClickHouse } from '../test/clickhouse.ts';
import { connectClickHouse, selectRows } from './client.ts';
import { migrate, splitStatements } from './migrate.ts';
import { dumpSchema } from './schema-dump.ts';

let ch: TestClickHouse;
beforeAll(async () => { ch = await startTestClickHouse(); });
afterAll(async () => { await ch?.stop(); });

const pair = (database: string) => ({ server: connectClickHouse({ url: ch.url }), db: connectClickHouse({ url: ch.url, database }) });

describe('migrations', () => {
  test('apply once, then are a no-op; --dry lists without applying', async () => {
    const name = `mig_${Date.now().toString(36)}`;
    const dry = await migrate({ ...pair(name), dry: true });
    expect(dry.pending.map((m) => m.version)).toEqual([1, 2, 3, 4, 5, 6]);
    const first = await migrate(pair(name));
    expect(first.applied.map((m) => m.file)).toEqual(['0001_event_tables.sql', '0002_rejects.sql', '0003_ingest_rate.sql',
      '0004_inventory_ledger.sql', '0005_risk_scores.sql', '0006_alerts.sql']);
    const second = await migrate(pair(name));
    expect(second.applied).toEqual([]);
    const rows = await selectRows<{ version: number }>(pair(name).db, 'versions', 'SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => Number(r.version))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  test('stop at the first failing migration and record nothing after it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ct-mig-'));
    writeFileSync(path.join(dir, '0001_ok.sql'), '-- why: test\nCREATE TABLE IF NOT EXISTS a (x UInt8) ENGINE = MergeTree ORDER BY x;');
    writeFileSync(path.join(dir, '0002_broken.sql'), '-- why: test\nCREATE TABLE b (x UInt8) ENGINE = NoSuchEngine;');
    writeFileSync(path.join(dir, '0003_never.sql'), '-- why: test\nCREATE TABLE c (x UInt8) ENGINE = MergeTree ORDER BY x;');
    const name = `migfail_${Date.now().toString(36)}`;
    const p = pair(name);
    await expect(migrate({ ...p, dir })).rejects.toThrow(/0002_broken\.sql failed/);
    const rows = await selectRows<{ version: number }>(p.db, 'versions', 'SELECT version FROM schema_migrations');
    expect(rows.map((r) => Number(r.version))).toEqual([1]);
    const tables = await selectRows<{ name: string }>(p.db, 'tables', "SELECT name FROM system.tables WHERE database = currentDatabase() AND name = 'c'");
    expect(tables).toEqual([]);
  });

  test('statements split on semicolons at line ends, comments dropped', () => {
    expect(splitStatements("-- c\nCREATE TABLE a (s String DEFAULT 'x;y');\nSELECT 1;\n")).toEqual([
      "CREATE TABLE a (s String DEFAULT 'x;y')", 'SELECT 1',
    ]);
  });

  test('clickhouse/schema.sql is the schema the migrations build (run tower migrate --schema)', async () => {
    const db = await ch.freshDatabase('schema');
    const committed = readFileSync(new URL('./schema.sql', import.meta.url), 'utf8');
    expect(await dumpSchema(db)).toBe(committed);
  });
});
