/**
 * Events come back out of the raw tables in time order across families, page by page with no gap and no
 * repeat, duplicates collapsed, exactly the JSON that was validated at ingest.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { parseEvent, type OpsEvent } from '../../contracts/index.ts';
import { simulatedEvents } from '../../test/events.ts';
import { startTestClickHouse, type TestClickHouse } from '../../test/clickhouse.ts';
import { insertJsonLines, type Db } from '../client.ts';
import { EVENT_TABLES, eventRowLine } from '../event-rows.ts';
import { eventPayloads, getEventPayloadsPage } from './getEventPayloadsPage.ts';

let ch: TestClickHouse;
let db: Db;
let events: OpsEvent[];

beforeAll(async () => {
  ch = await startTestClickHouse();
  db = await ch.freshDatabase('event_pages');
  events = simulatedEvents({ count: 3_000, seed: 11 });
  const byTable = new Map<string, string[]>();
  events.forEach((e, i) => {
    const table = EVENT_TABLES[e.type.split('.')[0] as keyof typeof EVENT_TABLES];
    byTable.set(table, [...(byTable.get(table) ?? []), eventRowLine(e, i + 1, JSON.stringify(e))]);
  });
  for (const [table, lines] of byTable) await insertJsonLines(db, table, lines);
  // A redelivered copy of the first 50 order events in another batch: FINAL must hide them.
  const orders = events.filter((e) => e.type.startsWith('orders.')).slice(0, 50);
  await insertJsonLines(db, EVENT_TABLES.orders, orders.map((e, i) => eventRowLine(e, 10_000 + i, JSON.stringify(e))));
}, 120_000);
afterAll(async () => { await ch?.stop(); });

test('pages through orders and stock in time order, each event once, as validated JSON', async () => {
  const from = '2000-01-01T00:00:00Z';
  const to = '2100-01-01T00:00:00Z';
  const pages: string[][] = [];
  for await (const page of eventPayloads({ db, families: ['orders', 'stock'], from, to, limit: 400 })) pages.push(page);
  const got = pages.flat().map((p) => JSON.parse(p) as OpsEvent);
  const want = events.filter((e) => e.type.startsWith('orders.') || e.type.startsWith('stock.'));
  expect(pages.length).toBeGreaterThan(2);
  expect(got).toHaveLength(want.length);
  expect(new Set(got.map((e) => e.id)).size).toBe(want.length);
  for (let i = 1; i < got.length; i++) expect(Date.parse(got[i]!.occurredAt)).toBeGreaterThanOrEqual(Date.parse(got[i - 1]!.occurredAt));
  expect(got.every((e) => parseEvent(e).ok)).toBe(true);
});

test('a window and a family filter are respected; unknown families are refused', async () => {
  const sorted = [...events].sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
  const mid = sorted[Math.floor(sorted.length / 2)]!.occurredAt;
  const page = await getEventPayloadsPage({ db, families: ['carrier'], from: mid, to: '2100-01-01T00:00:00Z', limit: 100_000 });
  const want = events.filter((e) => e.type.startsWith('carrier.') && Date.parse(e.occurredAt) >= Date.parse(mid));
  expect(page.payloads).toHaveLength(want.length);
  expect(page.next).toBeNull();
  await expect(getEventPayloadsPage({ db, families: ['nope' as never], from: mid, to: mid })).rejects.toThrow(RangeError);
});
