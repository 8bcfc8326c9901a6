/**
 * The risk models' feature queries and the risk score store against the real engine (embedded, or
 * CLICKHOUSE_URL), on a fresh database. Events go in through the ingest's own row path (contract parse →
 * eventRowLine → insertJsonLines), several of them twice in differently composed batches, as a redelivery
 * would: every figure below must count them once.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestClickHouse, type TestClickHouse } from '../../test/clickhouse.ts';
import { insertJsonLines, selectRows, type Db } from '../client.ts';
import { EVENT_TABLES, eventRowLine } from '../event-rows.ts';
import { OpsEventSchema, type OpsEvent } from '../../contracts/index.ts';
import { getCutoffBacklog } from './getCutoffBacklog.ts';
import { getDailyDemand } from './getDailyDemand.ts';
import { getLaborOnShift } from './getLaborOnShift.ts';
import { getLatestRiskScores } from './getLatestRiskScores.ts';
import { getOpenInbound } from './getOpenInbound.ts';
import { getPromotionDays } from './getPromotionDays.ts';
import { getSiteThroughput } from './getSiteThroughput.ts';
import { getSupplierLeadTimes } from './getSupplierLeadTimes.ts';
import { insertRiskScores, type RiskScoreRow } from './insertRiskScores.ts';

let ch: TestClickHouse;
let db: Db;
let seq = 0;
let n = 0;

const t = (iso: string) => Date.parse(iso);
const env = (type: string, at: string, site = 'wh-east') => ({ id: `ev-${++n}`, type, occurredAt: at, source: 'test', site, schemaVersion: 1 });
const ev = (o: Record<string, unknown>): OpsEvent => OpsEventSchema.parse(o);
const line = (e: OpsEvent) => eventRowLine(e, ++seq, JSON.stringify(e));
async function insert(events: OpsEvent[]) {
  const byTable = new Map<string, string[]>();
  for (const e of events) {
    const table = EVENT_TABLES[e.type.split('.')[0] as keyof typeof EVENT_TABLES];
    byTable.set(table, [...byTable.get(table) ?? [], line(e)]);
  }
  for (const [table, lines] of byTable) await insertJsonLines(db, table, lines);
}

// Cutoffs of 2 March 2026 at wh-east (UTC−5): ups 17:00 local = 22:00Z, fedex 16:30 = 21:30Z.
const UPS = '2026-03-02T17:00:00-05:00';
const FEDEX = '2026-03-02T16:30:00-05:00';
const order = (id: string, at: string, channel: string, lines: [string, number, number][], promisedShipBy: string, site = 'wh-east') =>
  ev({ ...env('orders.created', at, site), orderId: id, channel, currency: 'USD', shipToRegion: 'us-ne', promisedShipBy, priority: 'standard',
    lines: lines.map(([sku, qty, unitPrice]) => ({ sku, qty, unitPrice })) });
const step = (type: string, id: string, at: string, extra: Record<string, unknown> = {}) => ev({ ...env(type, at), orderId: id, ...extra });

const o1 = order('o1', '2026-03-02T10:15:00Z', 'dtc-web', [['A', 2, 10], ['B', 1, 20]], UPS);
const orders = [
  o1,
  order('o2', '2026-03-02T11:00:00Z', 'dtc-web', [['A', 3, 10]], UPS),
  order('o3', '2026-03-02T12:30:00Z', 'marketplace-a', [['A', 1, 9.7]], FEDEX),
  order('o4', '2026-03-03T09:00:00Z', 'dtc-web', [['A', 5, 10]], '2026-03-03T17:00:00-08:00', 'wh-west'),
  // 3 March, 14:00Z: every dtc-web line 20% off (a promotion hour); 15:00Z: one discount in two lines (a coupon).
  order('o5', '2026-03-03T14:05:00Z', 'dtc-web', [['A', 1, 8], ['B', 1, 16]], '2026-03-03T17:00:00-05:00'),
  order('o6', '2026-03-03T14:40:00Z', 'dtc-web', [['A', 1, 8]], '2026-03-03T17:00:00-05:00'),
  order('o7', '2026-03-03T15:10:00Z', 'dtc-web', [['A', 1, 10]], '2026-03-03T17:00:00-05:00'),
  order('o8', '2026-03-03T15:30:00Z', 'dtc-web', [['A', 1, 8]], '2026-03-03T17:00:00-05:00'),
  // Promised for an instant no carrier has (backlog with carrier ''), and cancelled before the cutoff.
  order('o9', '2026-03-02T13:00:00Z', 'dtc-web', [['C', 2, 5]], '2026-03-02T23:00:00Z'),
  order('o10', '2026-03-02T13:10:00Z', 'dtc-web', [['C', 4, 5]], UPS),
];
const cutoff = (carrier: string, service: string, cutoffAt: string) =>
  ev({ ...env('carrier.cutoff_scheduled', '2026-03-02T05:00:00Z'), carrier, service, cutoffAt, timezone: 'America/New_York' });
const progress = [
  cutoff('ups', 'ground', UPS), cutoff('ups', 'next-day', UPS), cutoff('fedex', 'ground', FEDEX),
  step('orders.released_to_wave', 'o1', '2026-03-02T18:30:00Z', { waveId: 'w1' }),
  step('orders.picked', 'o1', '2026-03-02T19:00:00Z', { units: 3 }),
  step('orders.packed', 'o1', '2026-03-02T20:10:00Z', { units: 3, packages: 1 }), // after the backlog's asOf
  step('orders.shipped', 'o2', '2026-03-02T19:30:00Z', { carrier: 'ups', service: 'ground', trackingNumber: '1Z1', handoffAt: '2026-03-02T19:25:00Z' }),
  step('orders.picked', 'o3', '2026-03-02T20:30:00Z', { units: 1 }), // after the backlog's asOf
  step('orders.allocated', 'o9', '2026-03-02T13:05:00Z', { allocations: [{ sku: 'C', qty: 2, location: 'bin-1' }] }),
  step('orders.backordered', 'o9', '2026-03-02T13:06:00Z', { lines: [{ sku: 'C', qty: 2 }] }),
  step('orders.cancelled', 'o10', '2026-03-02T14:00:00Z', { reason: 'customer request' }),
];
const station = (at: string, kind: string, stationId: string, units: number) =>
  ev({ ...env('warehouse.station_throughput', at), station: kind, stationId, units, intervalMinutes: 15 });
const stations = [
  station('2026-03-02T20:00:00Z', 'pick', 'e-pick-1', 40), station('2026-03-02T20:00:00Z', 'pick', 'e-pick-2', 5),
  station('2026-03-02T20:00:00Z', 'pack', 'e-pack-1', 30), station('2026-03-02T20:15:00Z', 'pick', 'e-pick-1', 10),
];
const shift = (at: string, shiftId: string, startsAt: string, endsAt: string, pickers: number, packers: number, site = 'wh-east') =>
  ev({ ...env('warehouse.labor_shift', at, site), shiftId, startsAt, endsAt, pickers, packers });
const shifts = [
  shift('2026-03-02T10:00:00Z', 'east-0302-day', '2026-03-02T06:00:00-05:00', '2026-03-02T14:30:00-05:00', 10, 5),
  shift('2026-03-02T10:30:00Z', 'east-0302-day', '2026-03-02T06:00:00-05:00', '2026-03-02T14:30:00-05:00', 8, 5), // call-offs
  shift('2026-03-02T18:00:00Z', 'east-0302-late', '2026-03-02T14:00:00-05:00', '2026-03-02T22:30:00-05:00', 6, 3),
  shift('2026-03-01T12:00:00Z', 'west-0301-day', '2026-03-01T06:00:00-08:00', '2026-03-01T14:30:00-08:00', 4, 2, 'wh-west'),
];
const po = (type: string, at: string, poId: string, supplier: string, lines: [string, number][], extra: Record<string, unknown> = {}) =>
  ev({ ...env(type, at), poId, supplier, lines: lines.map(([sku, qty]) => ({ sku, qty, ...(type.endsWith('created') ? { unitCost: 1 } : {}) })), ...extra });
const created = (at: string, poId: string, supplier: string, lines: [string, number][], expectedAt: string) =>
  po('purchase_orders.created', at, poId, supplier, lines, { supplierRegion: 'domestic', expectedAt });
const received = (at: string, poId: string, supplier: string, lines: [string, number][], partial = false) =>
  po('purchase_orders.received', at, poId, supplier, lines, { partial });
const poEvents = [
  created('2026-02-01T00:00:00Z', 'PO1', 'S1', [['A', 100], ['B', 50]], '2026-02-08T00:00:00Z'),
  received('2026-02-09T00:00:00Z', 'PO1', 'S1', [['A', 60], ['B', 50]], true),
  received('2026-02-11T00:00:00Z', 'PO1', 'S1', [['A', 40]]),
  created('2026-02-10T00:00:00Z', 'PO2', 'S1', [['A', 100]], '2026-02-14T00:00:00Z'),
  received('2026-02-14T12:00:00Z', 'PO2', 'S1', [['A', 100]]),
  created('2026-02-20T00:00:00Z', 'PO3', 'S1', [['B', 10]], '2026-02-27T00:00:00Z'),
  ev({ ...env('purchase_orders.confirmed', '2026-02-21T00:00:00Z'), poId: 'PO3', supplier: 'S1', confirmedExpectedAt: '2026-02-28T00:00:00Z' }),
  ev({ ...env('purchase_orders.delayed', '2026-02-25T00:00:00Z'), poId: 'PO3', supplier: 'S1', previousExpectedAt: '2026-02-28T00:00:00Z',
    newExpectedAt: '2026-03-03T00:00:00Z', reason: 'port congestion' }),
  created('2026-02-05T00:00:00Z', 'PO4', 'S2', [['A', 10]], '2026-02-25T00:00:00Z'),
  created('2026-02-27T00:00:00Z', 'PO5', 'S3', [['C', 10]], '2026-03-20T00:00:00Z'), // nothing received yet
  received('2026-02-26T00:00:00Z', 'PO4', 'S2', [['A', 10]]),
  created('2026-01-20T00:00:00Z', 'PO0', 'S1', [['A', 5]], '2026-02-02T00:00:00Z'), // before the window
  received('2026-02-03T00:00:00Z', 'PO0', 'S1', [['A', 5]]),
];

beforeAll(async () => {
  ch = await startTestClickHouse();
  db = await ch.freshDatabase('feature_queries');
  await insert([...orders, ...progress, ...stations, ...shifts, ...poEvents]);
  // Redeliveries in other batches (other stream sequences, so insert deduplication does not drop them).
  await insert([o1, progress[4]!, stations[0]!, shifts[1]!, poEvents[1]!]);
}, 120_000);

afterAll(async () => { await ch?.stop(); });

describe('feature queries', () => {
  test('the redelivered events are stored twice (FINAL is what makes the figures exact)', async () => {
    const [r] = await selectRows<{ n: number }>(db, 'count', "SELECT count() AS n FROM orders_events WHERE order_id = 'o1' AND type = 'orders.created'");
    expect(Number(r!.n)).toBe(2);
  });

  test('getDailyDemand: units and orders per day, SKU-location and channel from the order lines', async () => {
    const rows = await getDailyDemand({ db, from: t('2026-03-02T00:00:00Z'), to: t('2026-03-04T00:00:00Z') });
    const key = (r: (typeof rows)[number]) => `${r.site}/${r.sku}/${r.day}/${r.channel}=${r.units}u/${r.orders}o`;
    expect(rows.map(key)).toEqual([
      'wh-east/A/2026-03-02/dtc-web=5u/2o', 'wh-east/A/2026-03-02/marketplace-a=1u/1o', 'wh-east/A/2026-03-03/dtc-web=4u/4o',
      'wh-east/B/2026-03-02/dtc-web=1u/1o', 'wh-east/B/2026-03-03/dtc-web=1u/1o',
      'wh-east/C/2026-03-02/dtc-web=6u/2o', 'wh-west/A/2026-03-03/dtc-web=5u/1o',
    ]);
    const east = await getDailyDemand({ db, from: t('2026-03-02T00:00:00Z'), to: t('2026-03-03T00:00:00Z'), sites: ['wh-east'], skus: ['B', 'C'] });
    expect(east.map(key)).toEqual(['wh-east/B/2026-03-02/dtc-web=1u/1o', 'wh-east/C/2026-03-02/dtc-web=6u/2o']);
  });

  test('getPromotionDays: an hour is a promotion hour when most of its lines are below the usual price', async () => {
    expect(await getPromotionDays({ db, from: t('2026-03-02T00:00:00Z'), to: t('2026-03-04T00:00:00Z') })).toEqual([
      { day: '2026-03-02', channel: 'dtc-web', lines: 5, discountedLines: 0, promoHours: 0 },
      { day: '2026-03-02', channel: 'marketplace-a', lines: 1, discountedLines: 0, promoHours: 0 },
      // o4 (regular), o5 + o6 (14:00Z, all 3 lines off: one promotion hour), o7 + o8 (15:00Z, one of two: a coupon).
      { day: '2026-03-03', channel: 'dtc-web', lines: 6, discountedLines: 4, promoHours: 1 },
    ]);
    // A 25% threshold: 20% off is no longer a discount.
    const strict = await getPromotionDays({ db, from: t('2026-03-03T00:00:00Z'), to: t('2026-03-04T00:00:00Z'), minDiscount: 0.25 });
    expect(strict).toEqual([{ day: '2026-03-03', channel: 'dtc-web', lines: 6, discountedLines: 0, promoHours: 0 }]);
  });

  test('getSupplierLeadTimes: created → first receipt per supplier (POs) and per sku (lines), pending lines apart', async () => {
    const rows = await getSupplierLeadTimes({ db, from: t('2026-02-01T00:00:00Z'), to: t('2026-03-01T00:00:00Z') });
    const sd = Math.sqrt(((8 - 6.25) ** 2 + (4.5 - 6.25) ** 2) / 1);
    expect(rows).toEqual([
      { supplier: 'S1', site: 'wh-east', sku: '', n: 2, pending: 1, meanDays: 6.25, sdDays: expect.closeTo(sd, 9), minDays: 4.5, maxDays: 8, meanLateDays: 0.75 },
      { supplier: 'S1', site: 'wh-east', sku: 'A', n: 2, pending: 0, meanDays: 6.25, sdDays: expect.closeTo(sd, 9), minDays: 4.5, maxDays: 8, meanLateDays: 0.75 },
      { supplier: 'S1', site: 'wh-east', sku: 'B', n: 1, pending: 1, meanDays: 8, sdDays: null, minDays: 8, maxDays: 8, meanLateDays: 1 },
      { supplier: 'S2', site: 'wh-east', sku: '', n: 1, pending: 0, meanDays: 21, sdDays: null, minDays: 21, maxDays: 21, meanLateDays: 1 },
      { supplier: 'S2', site: 'wh-east', sku: 'A', n: 1, pending: 0, meanDays: 21, sdDays: null, minDays: 21, maxDays: 21, meanLateDays: 1 },
      { supplier: 'S3', site: 'wh-east', sku: '', n: 0, pending: 1, meanDays: null, sdDays: null, minDays: null, maxDays: null, meanLateDays: null },
      { supplier: 'S3', site: 'wh-east', sku: 'C', n: 0, pending: 1, meanDays: null, sdDays: null, minDays: null, maxDays: null, meanLateDays: null },
    ]);
  });

  test('getOpenInbound: ordered minus received per PO line as of an instant, with the latest expected date', async () => {
    const line = (poId: string, sku: string, openQty: number, expectedAt: string, confirmed = false) =>
      ({ site: 'wh-east', sku, poId, supplier: poId === 'PO4' ? 'S2' : 'S1', openQty, expectedAt: t(expectedAt), confirmed, shipped: false });
    // 10 Feb: PO1's B arrived in full and 60 of its 100 A (the rest overdue since 8 Feb); PO2 was just created.
    expect(await getOpenInbound({ db, asOf: t('2026-02-10T00:00:00Z') })).toEqual([
      line('PO1', 'A', 40, '2026-02-08T00:00:00Z'), line('PO2', 'A', 100, '2026-02-14T00:00:00Z'), line('PO4', 'A', 10, '2026-02-25T00:00:00Z'),
    ]);
    // 1 Mar: PO3, confirmed for 28 Feb and then delayed to 3 Mar, and the unconfirmed PO5.
    expect(await getOpenInbound({ db, asOf: t('2026-03-01T00:00:00Z') })).toEqual([
      line('PO3', 'B', 10, '2026-03-03T00:00:00Z', true), { ...line('PO5', 'C', 10, '2026-03-20T00:00:00Z'), supplier: 'S3' }]);
    expect(await getOpenInbound({ db, asOf: t('2026-03-01T00:00:00Z'), site: 'wh-west' })).toEqual([]);
  });

  test('getSiteThroughput: picks and packs per hour, station reports in the hour of their interval', async () => {
    const rows = await getSiteThroughput({ db, from: t('2026-03-02T00:00:00Z'), to: t('2026-03-03T00:00:00Z') });
    expect(rows).toEqual([
      { site: 'wh-east', hour: t('2026-03-02T19:00:00Z'), pickedOrders: 1, pickedUnits: 3, packedOrders: 0, packedUnits: 0,
        stationPickUnits: 45, stationPackUnits: 30, stationShipUnits: 0 },
      { site: 'wh-east', hour: t('2026-03-02T20:00:00Z'), pickedOrders: 1, pickedUnits: 1, packedOrders: 1, packedUnits: 3,
        stationPickUnits: 10, stationPackUnits: 0, stationShipUnits: 0 },
    ]);
    expect(await getSiteThroughput({ db, from: t('2026-03-02T00:00:00Z'), to: t('2026-03-03T00:00:00Z'), site: 'wh-west' })).toEqual([]);
  });

  test('getCutoffBacklog: open orders per site × carrier cutoff as of an instant', async () => {
    const rows = await getCutoffBacklog({ db, asOf: t('2026-03-02T20:00:00Z'), cutoffFrom: t('2026-03-02T00:00:00Z'), cutoffTo: t('2026-03-03T00:00:00Z') });
    const base = { site: 'wh-east', releasedOrders: 0, awaitingStockOrders: 0 };
    expect(rows).toEqual([
      // o3: nothing done yet (its pick at 20:30 is after asOf).
      { ...base, carrier: 'fedex', cutoffAt: t(FEDEX), timezone: 'America/New_York', openOrders: 1, openUnits: 1, unpickedUnits: 1, unpackedUnits: 1 },
      // o1 (released, picked, not packed); o2 shipped and o10 cancelled are closed.
      { ...base, carrier: 'ups', cutoffAt: t(UPS), timezone: 'America/New_York', openOrders: 1, openUnits: 3, releasedOrders: 1,
        unpickedUnits: 0, unpackedUnits: 3 },
      // o9: no carrier cuts off at 23:00Z; backordered after its allocation.
      { ...base, carrier: '', cutoffAt: t('2026-03-02T23:00:00Z'), timezone: '', openOrders: 1, openUnits: 2, unpickedUnits: 2,
        unpackedUnits: 2, awaitingStockOrders: 1 },
    ]);
    // Before anything was created there is no backlog; at one site only.
    expect(await getCutoffBacklog({ db, asOf: t('2026-03-02T10:00:00Z'), cutoffFrom: t('2026-03-02T00:00:00Z'), cutoffTo: t('2026-03-03T00:00:00Z') })).toEqual([]);
    expect(await getCutoffBacklog({ db, asOf: t('2026-03-02T20:00:00Z'), cutoffFrom: t('2026-03-02T00:00:00Z'), cutoffTo: t('2026-03-03T00:00:00Z'), site: 'wh-west' })).toEqual([]);
  });

  test('getLaborOnShift: shifts overlapping the window, the latest publication of each', async () => {
    const rows = await getLaborOnShift({ db, from: t('2026-03-02T00:00:00Z'), to: t('2026-03-03T00:00:00Z') });
    expect(rows).toEqual([
      { site: 'wh-east', shiftId: 'east-0302-day', startsAt: t('2026-03-02T11:00:00Z'), endsAt: t('2026-03-02T19:30:00Z'), pickers: 8, packers: 5,
        publishedAt: t('2026-03-02T10:30:00Z') },
      { site: 'wh-east', shiftId: 'east-0302-late', startsAt: t('2026-03-02T19:00:00Z'), endsAt: t('2026-03-03T03:30:00Z'), pickers: 6, packers: 3,
        publishedAt: t('2026-03-02T18:00:00Z') },
    ]);
    // As known at 10:15: the first publication of the day shift, the late shift not yet published.
    const early = await getLaborOnShift({ db, from: t('2026-03-02T00:00:00Z'), to: t('2026-03-03T00:00:00Z'), knownAt: t('2026-03-02T10:15:00Z') });
    expect(early.map((s) => `${s.shiftId}=${s.pickers}`)).toEqual(['east-0302-day=10']);
    expect((await getLaborOnShift({ db, from: t('2026-03-01T00:00:00Z'), to: t('2026-03-02T00:00:00Z'), site: 'wh-west' })).map((s) => s.shiftId))
      .toEqual(['west-0301-day']);
  });
});

describe('risk scores', () => {
  // Recent: rows past the 30-day TTL are dropped on insert.
  const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
  const score = (entity: string, site: string, value: number, minutesAgo: number, extra: Partial<RiskScoreRow> = {}): RiskScoreRow => ({
    kind: 'stockout', entity, site, sku: entity.split('@')[0], score: value, model: 'stockout-gamma', modelVersion: 'v1',
    scoredAt: at(minutesAgo), explanation: `${entity} ${value}`, ...extra,
  });

  test('round-trip: the latest score per entity, riskiest first, with its typed facts', async () => {
    expect(await getLatestRiskScores({ db, kind: 'stockout', limit: 10 })).toEqual([]);
    await insertRiskScores({ db, rows: [
      score('A@wh-east', 'wh-east', 0.2, 30), score('B@wh-east', 'wh-east', 0.5, 30), score('A@wh-west', 'wh-west', 0.7, 30),
      { kind: 'cutoff_wave', entity: 'wh-east/ups/2026-03-02T22:00Z', site: 'wh-east', score: 0.95, model: 'cutoff', modelVersion: 'v3',
        scoredAt: at(30), explanation: 'late', predictedCompletionAt: '2026-03-02T22:40:00.000Z' },
    ] });
    const newer = score('A@wh-east', 'wh-east', 0.9, 5, { stockoutDate: '2026-03-09', daysOfCover: 6.5, reorderQty: 120.4,
      details: { inbound: 'PO-881', zeroDemand: false } });
    const batch = { db, rows: [newer, score('B@wh-east', 'wh-east', 0.5, 30, { daysOfCover: Infinity })] };
    expect(await insertRiskScores(batch)).toEqual({ written: 2 });
    await insertRiskScores({ db, rows: [newer] }); // a duplicate in another batch: same key and version

    const latest = await getLatestRiskScores({ db, kind: 'stockout', limit: 10 });
    expect(latest.map((r) => `${r.entity}=${r.score}`)).toEqual(['A@wh-east=0.9', 'A@wh-west=0.7', 'B@wh-east=0.5']);
    expect(latest[0]).toEqual({
      kind: 'stockout', entity: 'A@wh-east', site: 'wh-east', sku: 'A', score: 0.9, model: 'stockout-gamma', modelVersion: 'v1',
      scoredAt: Date.parse(newer.scoredAt), explanation: 'A@wh-east 0.9', details: { inbound: 'PO-881', zeroDemand: false },
      stockoutDate: '2026-03-09', daysOfCover: 6.5, reorderQty: 120, predictedCompletionAt: null, observed: null, expected: null,
    });
    expect(latest[2]!.daysOfCover).toBeNull(); // infinite cover
    expect((await getLatestRiskScores({ db, kind: 'stockout', site: 'wh-east', limit: 1 })).map((r) => r.entity)).toEqual(['A@wh-east']);
    expect((await getLatestRiskScores({ db, kind: 'stockout', since: Date.now() - 10 * 60_000, limit: 10 })).map((r) => r.entity)).toEqual(['A@wh-east']);
    const [wave] = await getLatestRiskScores({ db, kind: 'cutoff_wave', limit: 10 });
    expect(wave).toMatchObject({ score: 0.95, sku: '', predictedCompletionAt: t('2026-03-02T22:40:00.000Z') });
    // The history keeps every score; the identical retry of `batch` would have been dropped by the dedup token.
    const [h] = await selectRows<{ n: number }>(db, 'count', "SELECT count() AS n FROM risk_scores WHERE entity = 'A@wh-east'");
    expect(Number(h!.n)).toBe(3);
  });

  test('a score outside 0–1 is refused before anything is written', async () => {
    await expect(insertRiskScores({ db, rows: [score('Z@wh-east', 'wh-east', 0.1, 1), score('Y@wh-east', 'wh-east', 1.2, 1)] })).rejects.toThrow(RangeError);
    await expect(insertRiskScores({ db, rows: [score('X@wh-east', 'wh-east', NaN, 1)] })).rejects.toThrow(RangeError);
    const [h] = await selectRows<{ n: number }>(db, 'count', "SELECT count() AS n FROM risk_scores WHERE entity IN ('Z@wh-east', 'Y@wh-east')");
    expect(Number(h!.n)).toBe(0);
  });
});
