/**
 * The alert engine's queries against the real engine (embedded, or CLICKHOUSE_URL), on a fresh database: events go
 * in through the ingest's row path with their ingest time set, some twice (a redelivery); every figure counts them
 * once where it claims to, and transitions or rule versions written twice collapse.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestClickHouse, type TestClickHouse } from '../../test/clickhouse.ts';
import { insertJsonLines, type Db } from '../client.ts';
import { EVENT_TABLES, eventRowLine } from '../event-rows.ts';
import { OpsEventSchema, type OpsEvent } from '../../contracts/index.ts';
import type { AlertTransition } from '../../contracts/alerts.ts';
import { getAlertTransitions } from './getAlertTransitions.ts';
import { getDelayedPurchaseOrders } from './getDelayedPurchaseOrders.ts';
import { getIngestLag } from './getIngestLag.ts';
import { getKpiSnapshot } from './getKpiSnapshot.ts';
import { getOrderStats } from './getOrderStats.ts';
import { getSiteSilence } from './getSiteSilence.ts';
import { getSkuPrices } from './getSkuPrices.ts';
import { insertAlertRuleVersion } from './insertAlertRuleVersion.ts';
import { insertAlertTransitions } from './insertAlertTransitions.ts';
import { selectRows } from '../client.ts';

let ch: TestClickHouse;
let db: Db;
let seq = 0;
let n = 0;

const MIN = 60_000;
const DAY = 86_400_000;
// A fixed "now" on a whole second, so every window below is exact.
const T = Math.floor(Date.now() / 1000) * 1000;
const iso = (ms: number) => new Date(ms).toISOString();
const env = (type: string, at: number, site = 'wh-east') => ({ id: `ev-${++n}`, type, occurredAt: iso(at), source: 'test', site, schemaVersion: 1 });
const ev = (o: Record<string, unknown>): OpsEvent => OpsEventSchema.parse(o);
const order = (id: string, at: number, channel: string, lines: [string, number, number][]) =>
  ev({ ...env('orders.created', at), orderId: id, channel, currency: 'USD', shipToRegion: 'us-ne', promisedShipBy: iso(at + DAY),
    priority: 'standard', lines: lines.map(([sku, qty, unitPrice]) => ({ sku, qty, unitPrice })) });
const adjusted = (at: number, site: string) => ev({ ...env('stock.adjusted', at, site), sku: 'A', qtyDelta: -1, reasonCode: 'shrink' });
const po = (type: string, at: number, poId: string, extra: Record<string, unknown>) => ev({ ...env(type, at), poId, supplier: 'acme', ...extra });

async function insert(events: OpsEvent[], ingestedAt: number) {
  const byTable = new Map<string, string[]>();
  for (const e of events) {
    const table = EVENT_TABLES[e.type.split('.')[0] as keyof typeof EVENT_TABLES];
    const row = { ...JSON.parse(eventRowLine(e, ++seq, JSON.stringify(e))) as object, ingested_at: iso(ingestedAt) };
    byTable.set(table, [...byTable.get(table) ?? [], JSON.stringify(row)]);
  }
  for (const [table, lines] of byTable) await insertJsonLines(db, table, lines);
}

const o1 = order('o1', T - 10 * MIN, 'dtc-web', [['A', 2, 10], ['B', 1, 30]]);
const o2 = order('o2', T - 2 * 3_600_000, 'marketplace-a', [['A', 4, 12]]);
const transition = (id: string, key: string, at: number, to: AlertTransition['to']): AlertTransition => ({
  id, alertKey: key, ruleId: 'stockout_risk', type: 'stockout_risk', site: 'wh-east', labels: { site: 'wh-east', sku: 'A' },
  from: 'pending', to, severity: 'warning', impact: { ordersAtRisk: 3, revenueAtRisk: 120.5 }, value: 0.7, actor: 'engine',
  comment: '', at: iso(at), silenced: false, inhibited: false,
});

beforeAll(async () => {
  ch = await startTestClickHouse();
  db = await ch.freshDatabase('alerts_queries');
  await insert([o1, o2, ev({ ...env('orders.shipped', T - 30 * MIN), orderId: 'o2', carrier: 'ups', service: 'ground', trackingNumber: '1Z',
    handoffAt: iso(T - 31 * MIN) })], T - 5_000);
  await insert([o1], T - 4_000); // redelivered
  // Usual traffic at this time of day: wh-west 24 events in the hour a day ago, and silent now; wh-east 14 two days ago.
  await insert(Array.from({ length: 24 }, (_, i) => adjusted(T - DAY - (i + 1) * 2 * MIN, 'wh-west')), T - DAY);
  await insert(Array.from({ length: 14 }, (_, i) => adjusted(T - 2 * DAY - (i + 1) * 3 * MIN, 'wh-east')), T - 2 * DAY);
  await insert([
    po('purchase_orders.delayed', T - DAY, 'p1', { previousExpectedAt: iso(T + DAY), newExpectedAt: iso(T + 4 * DAY), reason: 'port congestion' }),
    po('purchase_orders.delayed', T - 2 * DAY, 'p2', { previousExpectedAt: iso(T), newExpectedAt: iso(T + DAY), reason: 'weather' }),
    po('purchase_orders.received', T - DAY, 'p2', { lines: [{ sku: 'A', qty: 5 }], partial: false }),
  ], T - DAY);
}, 180_000);

afterAll(async () => { await ch?.stop(); });

describe('alert engine queries', () => {
  test('getSkuPrices: units, quantity-weighted revenue and orders per site × SKU, a redelivered order once', async () => {
    const rows = await getSkuPrices({ db, from: T - 30 * DAY, to: T + 1 });
    expect(rows).toEqual([
      { site: 'wh-east', sku: 'A', units: 6, revenue: 68, orders: 2 },
      { site: 'wh-east', sku: 'B', units: 1, revenue: 30, orders: 1 },
    ]);
  });

  test('getOrderStats: orders, units and value per site × channel', async () => {
    expect(await getOrderStats({ db, from: T - 30 * DAY, to: T + 1 })).toEqual([
      { site: 'wh-east', channel: 'dtc-web', orders: 1, units: 3, value: 50 },
      { site: 'wh-east', channel: 'marketplace-a', orders: 1, units: 4, value: 48 },
    ]);
  });

  test('getKpiSnapshot: last hour, open orders and the landing rate per site', async () => {
    const k = await getKpiSnapshot({ db, at: T });
    const east = k.find((s) => s.site === 'wh-east')!;
    expect(east).toMatchObject({ ordersLastHour: 1, unitsLastHour: 3, shippedLastHour: 1, openOrders: 1 });
    // 4 rows landed in the last minute (the redelivered one included: a rate counts what was written).
    expect(east.eventsPerSecond).toBeCloseTo(4 / 60);
    expect(k.find((s) => s.site === 'wh-west')).toBeUndefined();
  });

  test('getIngestLag: seconds since the newest landed occurredAt; the lookback when nothing landed; null on an empty database', async () => {
    expect(await getIngestLag({ db, at: T })).toEqual({ lagSeconds: 600, sinceIngestSeconds: 4, landed: 4 });
    expect(await getIngestLag({ db, at: T + 2 * 3_600_000, lookbackMinutes: 60 })).toEqual({ lagSeconds: 3600, sinceIngestSeconds: 3600, landed: 0 });
    const empty = await ch.freshDatabase('alerts_queries_empty');
    expect(await getIngestLag({ db: empty, at: T })).toBeNull();
  });

  test('getSiteSilence: recent landings vs the usual count for this time of day', async () => {
    const s = await getSiteSilence({ db, at: T, windowMinutes: 10, baselineDays: 7 });
    expect(s.map((r) => r.site)).toEqual(['wh-east', 'wh-west']);
    expect(s[1]!.recent).toBe(0);
    expect(s[1]!.expected).toBeCloseTo((24 / 7) * (10 / 60));
    expect(s[0]!.recent).toBe(4);
    // 14 adjustments two days ago and the 3 purchase-order events exactly one and two days ago.
    expect(s[0]!.expected).toBeCloseTo((17 / 7) * (10 / 60));
  });

  test('getDelayedPurchaseOrders: delayed and not received since', async () => {
    expect(await getDelayedPurchaseOrders({ db, at: T })).toEqual([
      { site: 'wh-east', poId: 'p1', supplier: 'acme', delayedAt: T - DAY, delayDays: 3, newExpectedAt: iso(T + 4 * DAY) },
    ]);
  });

  test('alert transitions: a transition written again in another batch is read once; by key and by site, newest first', async () => {
    const a = transition('t1', 'stockout_risk|site=wh-east|sku=A', T - 2 * MIN, 'pending');
    const b = transition('t2', 'stockout_risk|site=wh-east|sku=A', T - MIN, 'firing');
    const c = { ...transition('t3', 'stockout_risk|site=wh-east|sku=B', T, 'firing'), labels: { site: 'wh-east', sku: 'B' }, impact: { ordersAtRisk: 1, revenueAtRisk: 2, unitsAtRisk: 3 } };
    await insertAlertTransitions({ db, rows: [a, b] });
    await insertAlertTransitions({ db, rows: [b, c] });
    const byKey = await getAlertTransitions({ db, alertKey: a.alertKey, limit: 10 });
    expect(byKey.map((t) => t.id)).toEqual(['t2', 't1']);
    expect(byKey[1]).toEqual(a);
    const bySite = await getAlertTransitions({ db, site: 'wh-east', since: T - 3 * MIN, limit: 2 });
    expect(bySite.map((t) => t.id)).toEqual(['t3', 't2']);
    expect(bySite[0]).toEqual(c);
  });

  test('insertAlertRuleVersion: a version written twice is one row', async () => {
    const audit = { ruleSet: { version: 3, rules: [] }, storedAt: T, actor: 'alice', change: 'put' as const, ruleId: 'x_rule' };
    await insertAlertRuleVersion({ db, audit });
    await insertAlertRuleVersion({ db, audit: { ...audit, comment: 'again' } });
    const rows = await selectRows<{ version: number; actor: string }>(db, 'versions', 'SELECT version, actor FROM alert_rule_versions FINAL');
    expect(rows).toEqual([{ version: 3, actor: 'alice' }]);
  });
});
