/**
 * The live ingest page's queries against the real engine (embedded, or CLICKHOUSE_URL), on a fresh database:
 * totals are exactly once, rates come from the rollup with the filling bucket left out, rejects group by reason.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestClickHouse, type TestClickHouse } from '../../test/clickhouse.ts';
import { insertJsonLines, type Db } from '../client.ts';
import { getIngestRate } from './getIngestRate.ts';
import { getLandedTotals } from './getLandedTotals.ts';
import { getRecentRejects } from './getRecentRejects.ts';
import { getRejectReasons } from './getRejectReasons.ts';

let ch: TestClickHouse;
let db: Db;

const ago = (s: number) => new Date(Date.now() - s * 1000).toISOString();
const order = (id: string, seq: number, source: string, ingestedSecondsAgo: number) => JSON.stringify({
  event_id: id, type: 'orders.created', occurred_at: '2026-01-01T10:00:00.000Z', ingested_at: ago(ingestedSecondsAgo),
  source, site: 'site-1', schema_version: 1, stream_seq: seq, order_id: `o-${id}`, payload: '{}',
});
const reject = (seq: number, reason: string, raw: string) => JSON.stringify({
  subject: 'ops.orders.created', stream_seq: seq, event_id: '', type: 'orders.created', source: 'legacy', site: '', reason, raw,
});

beforeAll(async () => {
  ch = await startTestClickHouse();
  db = await ch.freshDatabase('overview_queries');
  await insertJsonLines(db, 'orders_events', [order('a', 1, 'web', 30), order('b', 2, 'web', 30), order('c', 3, 'wms', 30)]);
  // The same event again (a redelivered batch): other bytes, so insert deduplication does not drop it.
  await insertJsonLines(db, 'orders_events', [order('a', 4, 'web', 30)]);
  // Stamped 30 s ahead: it stays in the bucket that is still filling however slowly this run goes (a row stamped
  // "now" closed its 5 s bucket when the machine was busy for 5 s).
  await insertJsonLines(db, 'stock_events', [JSON.stringify({ event_id: 's1', type: 'stock.adjusted', ingested_at: ago(-30),
    occurred_at: '2026-01-01T10:00:00.000Z', source: 'wms', site: 'site-1', schema_version: 1, stream_seq: 5, sku: 'k', payload: '{}' })]);
  await insertJsonLines(db, 'rejects', [reject(6, 'invalid JSON', '{bad'), reject(7, 'invalid JSON', '{worse'), reject(8, 'lines: required', '{}')]);
  await insertJsonLines(db, 'rejects', [reject(8, 'lines: required', '{} ')]); // redelivered reject
}, 120_000);

afterAll(async () => { await ch?.stop(); });

describe('ingest overview queries', () => {
  test('getLandedTotals counts a redelivered event once', async () => {
    const t = await getLandedTotals(db);
    expect(t.byFamily.find((f) => f.family === 'orders')?.events).toBe(3);
    expect(t.byFamily.find((f) => f.family === 'stock')?.events).toBe(1);
    expect(t.total).toBe(4);
    expect(t.rejects).toBe(3);
  });

  test('getIngestRate buckets rows written 30 s ago by family and ranks nothing it should not', async () => {
    const r = await getIngestRate(db, { since: 10, step: 5 });
    // Rates count rows written (4 orders rows, the redelivery included): they are a rate, not a total.
    expect(r.buckets.filter((b) => b.family === 'orders').reduce((n, b) => n + b.events, 0)).toBe(4);
    expect(r.buckets.every((b) => b.t % 5 === 0)).toBe(true);
    // The stock row's bucket is still filling, so it is not a point yet, but it is a source.
    expect(r.buckets.some((b) => b.family === 'stock')).toBe(false);
    const bySource = Object.fromEntries(r.sources.map((s) => [s.source, s]));
    expect(bySource.web).toMatchObject({ events: 3, lastMinute: 3 });
    expect(bySource.wms).toMatchObject({ events: 2, lastMinute: 2 });
    expect(bySource.legacy).toBeUndefined(); // rejects are not a source's rate
  });

  test('getRejectReasons groups by reason, counts once, and keeps the newest sample', async () => {
    const reasons = await getRejectReasons(db, { limit: 10 });
    expect(reasons.map((r) => [r.reason, r.rejects])).toEqual([['invalid JSON', 2], ['lines: required', 1]]);
    expect(reasons[0]!.subject).toBe('ops.orders.created');
    expect(['{bad', '{worse']).toContain(reasons[0]!.sample);
    expect(await getRejectReasons(db, { limit: 1 })).toHaveLength(1);
  });

  test('getRecentRejects lists the newest first, up to the limit', async () => {
    const recent = await getRecentRejects(db, { limit: 2 });
    expect(recent).toHaveLength(2);
    expect(recent[0]!.receivedAt).toBeGreaterThanOrEqual(recent[1]!.receivedAt);
    expect(recent[0]!.reason).toBe('lines: required');
  });
});
