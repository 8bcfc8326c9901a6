/**
 * Deduplication really works on a single node: a retried batch is dropped by the deduplication window
 * (even though ingested_at differs on every insert), and a duplicate that slips through in a different
 * batch is collapsed by ReplacingMergeTree on event_id.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestClickHouse, type TestClickHouse } from '../test/clickhouse.ts';
import { insertJsonLines, selectRows, runCommand, type Db } from './client.ts';
import { eventRowLine } from './event-rows.ts';
import type { OpsEvent } from '../contracts/index.ts';

let ch: TestClickHouse;
let db: Db;
beforeAll(async () => { ch = await startTestClickHouse(); db = await ch.freshDatabase('dedup'); });
afterAll(async () => { await ch?.stop(); });

const event = (i: number): OpsEvent => ({
  id: `ev-${i}`, type: 'stock.adjusted', occurredAt: '2026-11-27T10:00:00.000Z', source: 'wms', site: 'wh-east', schemaVersion: 1,
  sku: `SKU-${i % 7}`, qtyDelta: -1, reasonCode: 'shrink',
});
const line = (i: number) => { const e = event(i); return eventRowLine(e, i, JSON.stringify(e)); };
const count = async (final = false) => Number((await selectRows<{ n: number }>(db, 'count',
  `SELECT count() AS n FROM stock_events ${final ? 'FINAL' : ''}`))[0]!.n);

describe('ClickHouse deduplication', () => {
  test('the same batch inserted twice is stored once', async () => {
    const batch = Array.from({ length: 1000 }, (_, i) => line(i));
    await insertJsonLines(db, 'stock_events', batch);
    await new Promise((r) => setTimeout(r, 20)); // a later now64(): the retry's defaults differ
    await insertJsonLines(db, 'stock_events', batch);
    expect(await count()).toBe(1000);
  });

  test('a different batch is not mistaken for a retry', async () => {
    await insertJsonLines(db, 'stock_events', Array.from({ length: 10 }, (_, i) => line(5000 + i)));
    expect(await count()).toBe(1010);
  });

  test('a duplicate inside a differently composed batch collapses to one row on read (FINAL) and on merge', async () => {
    await insertJsonLines(db, 'stock_events', [line(1), line(2), line(9000)]);
    expect(await count()).toBe(1013);
    expect(await count(true)).toBe(1011);
    await runCommand(db, 'optimize', 'OPTIMIZE TABLE stock_events FINAL');
    expect(await count()).toBe(1011);
  });
});
