/**
 * The inventory ledger's queries against the real engine (embedded, or CLICKHOUSE_URL), on a fresh database.
 * Events go in through the ingest's own row path (contract parse → eventRowLine → insertJsonLines into the
 * raw table), so the materialized view and the tuple column are exercised as in production; two events are
 * inserted twice in differently composed batches, as a redelivery would, and must count once everywhere.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestClickHouse, type TestClickHouse } from '../../test/clickhouse.ts';
import { insertJsonLines, selectRows, type Db } from '../client.ts';
import { eventRowLine } from '../event-rows.ts';
import { InventoryMovedSchema, type InventoryMoved, type Movement } from '../../contracts/index.ts';
import { getInventoryDaily } from './getInventoryDaily.ts';
import { getInventoryPositions } from './getInventoryPositions.ts';
import { getLatestDrift } from './getLatestDrift.ts';
import { getLedgerMovements } from './getLedgerMovements.ts';
import { getLedgerPositionsAt } from './getLedgerPositionsAt.ts';
import { insertDriftReport } from './insertDriftReport.ts';

let ch: TestClickHouse;
let db: Db;

const NOW = Date.UTC(2026, 2, 10, 12); // "today" is 2026-03-10
let streamSeq = 0;
const moved = (id: string, day: string, logSeq: number, site: string, sku: string, reason: Movement['reason'],
  movements: Pick<Movement, 'state' | 'delta' | 'channel'>[]): InventoryMoved => InventoryMovedSchema.parse({
  id, type: 'inventory.moved', occurredAt: `${day}T09:30:00.000Z`, source: 'allocation', site, schemaVersion: 1, logSeq,
  movements: movements.map((m) => ({ ...m, sku, reason, reference: `ref-${id}`, ...(reason === 'commit' ? { causeEventId: 'ord-9' } : {}) })),
});
const line = (e: InventoryMoved) => eventRowLine(e, ++streamSeq, JSON.stringify(e));

const e1 = moved('e1', '2026-03-01', 1, 'wh-1', 'A', 'receipt', [{ state: 'on_hand', delta: 100 }]);
const e2 = moved('e2', '2026-03-08', 2, 'wh-1', 'A', 'reserve', [{ state: 'reserved', delta: 10, channel: 'dtc-web' }]);
const e3 = moved('e3', '2026-03-08', 3, 'wh-1', 'A', 'quality_hold', [{ state: 'quality_hold', delta: 5 }]);
const e4 = moved('e4', '2026-03-09', 4, 'wh-1', 'A', 'damage', [{ state: 'damaged', delta: 2 }]);
const e5 = moved('e5', '2026-03-09', 4, 'wh-1', 'A', 'commitment_set',
  [{ state: 'channel_commitment', delta: 7, channel: 'marketplace-a' }]);
const e6 = moved('e6', '2026-03-10', 5, 'wh-1', 'A', 'safety_stock_set', [{ state: 'safety_stock', delta: 3 }]);
const e7 = moved('e7', '2026-03-10', 6, 'wh-1', 'A', 'commit', [{ state: 'on_hand', delta: -4 }, { state: 'reserved', delta: -4 }]);
const t1 = moved('t1', '2026-03-09', 5, 'wh-2', 'A', 'transfer_in',
  [{ state: 'in_transit', delta: 20 }, { state: 'pending_inspection', delta: 1 }]);
const b1 = moved('b1', '2026-03-10', 7, 'wh-1', 'B', 'receipt', [{ state: 'on_hand', delta: 50 }]);

beforeAll(async () => {
  ch = await startTestClickHouse();
  db = await ch.freshDatabase('inventory_queries');
  await insertJsonLines(db, 'inventory_events', [e1, e2, e3, e4, e5, e6, e7, t1].map(line));
  // Redeliveries: other batches, other stream sequences, so insert deduplication does not drop them.
  await insertJsonLines(db, 'inventory_events', [line(e7), line(b1)]);
  await insertJsonLines(db, 'inventory_events', [line(e2)]);
}, 120_000);

afterAll(async () => { await ch?.stop(); });

const count = async (sql: string) => Number((await selectRows<{ n: number }>(db, 'count', sql))[0]!.n);

describe('inventory ledger', () => {
  test('the duplicates reached the ledger, one row per movement, and FINAL collapses them', async () => {
    expect(await count('SELECT count() AS n FROM inventory_events')).toBe(11);
    expect(await count('SELECT count() AS n FROM inventory_events FINAL')).toBe(9);
    // 11 movements in 9 events; the duplicated e7 (2 movements) and e2 (1) add 3 rows until a merge or FINAL.
    expect(await count('SELECT count() AS n FROM inventory_ledger')).toBe(14);
    expect(await count('SELECT count() AS n FROM inventory_ledger FINAL')).toBe(11);
    expect(await count("SELECT sum(events) AS n FROM ingest_rate WHERE family = 'inventory'")).toBe(11);
  });

  test('getInventoryPositions sums every state once per movement and derives available-to-promise', async () => {
    const all = await getInventoryPositions({ db });
    expect(all.map((p) => `${p.location}/${p.sku}`)).toEqual(['wh-1/A', 'wh-1/B', 'wh-2/A']);
    expect(all[0]).toEqual({
      sku: 'A', location: 'wh-1', onHand: 96, reserved: 6, qualityHold: 5, damaged: 2, inTransit: 0, pendingInspection: 0,
      channelCommitment: 7, safetyStock: 3, atp: 96 - 6 - 5 - 2 - 7 - 3, logSeq: 6,
    });
    // In transit and pending inspection are not promisable.
    expect(all[2]).toMatchObject({ inTransit: 20, pendingInspection: 1, onHand: 0, atp: 0, logSeq: 5 });
    expect(all[1]).toMatchObject({ onHand: 50, atp: 50, logSeq: 7 });
  });

  test('getInventoryPositions filters by sku and location and honours the limit', async () => {
    const key = (ps: { location: string; sku: string }[]) => ps.map((p) => `${p.location}/${p.sku}`);
    expect(key(await getInventoryPositions({ db, skus: ['A'] }))).toEqual(['wh-1/A', 'wh-2/A']);
    expect(key(await getInventoryPositions({ db, locations: ['wh-2'] }))).toEqual(['wh-2/A']);
    expect(key(await getInventoryPositions({ db, skus: ['A', 'B'], locations: ['wh-1'] }))).toEqual(['wh-1/A', 'wh-1/B']);
    expect(key(await getInventoryPositions({ db, skus: [], limit: 1 }))).toEqual(['wh-1/A']);
    expect(await getInventoryPositions({ db, skus: ['nope'] })).toEqual([]);
  });

  test('getLedgerPositionsAt sums movements up to a log sequence and reports the newest landed', async () => {
    const at3 = await getLedgerPositionsAt({ db, maxLogSeq: 3 });
    expect(at3.landedLogSeq).toBe(7);
    const sorted = (ps: typeof at3.positions) => ps.map((p) => `${p.location}/${p.sku}/${p.state}=${p.qty}`).sort();
    expect(sorted(at3.positions)).toEqual(['wh-1/A/on_hand=100', 'wh-1/A/quality_hold=5', 'wh-1/A/reserved=10']);
    // Log 4 holds two events (a change may move several states); 5 adds the transfer at another location.
    const at5 = await getLedgerPositionsAt({ db, maxLogSeq: 5 });
    expect(sorted(at5.positions)).toEqual([
      'wh-1/A/channel_commitment=7', 'wh-1/A/damaged=2', 'wh-1/A/on_hand=100', 'wh-1/A/quality_hold=5',
      'wh-1/A/reserved=10', 'wh-1/A/safety_stock=3', 'wh-2/A/in_transit=20', 'wh-2/A/pending_inspection=1',
    ]);
    expect((await getLedgerPositionsAt({ db, maxLogSeq: 0 })).positions).toEqual([]);
  });

  test('getInventoryDaily gives each day\'s closing quantities, filling days without movements', async () => {
    const days = await getInventoryDaily({ db, sku: 'A', location: 'wh-1', days: 5, now: NOW });
    expect(days.map((d) => d.day)).toEqual(['2026-03-06', '2026-03-07', '2026-03-08', '2026-03-09', '2026-03-10']);
    expect(days.map((d) => [d.onHand, d.reserved, d.qualityHold, d.damaged, d.channelCommitment, d.safetyStock, d.atp])).toEqual([
      [100, 0, 0, 0, 0, 0, 100], // the receipt of 03-01 is the opening balance
      [100, 0, 0, 0, 0, 0, 100],
      [100, 10, 5, 0, 0, 0, 85],
      [100, 10, 5, 2, 7, 0, 76],
      [96, 6, 5, 2, 7, 3, 73],
    ]);
    // The closing of today is the current position.
    const [now] = await getInventoryPositions({ db, skus: ['A'], locations: ['wh-1'] });
    expect(days.at(-1)).toMatchObject({ onHand: now!.onHand, reserved: now!.reserved, atp: now!.atp });
    // Yesterday's window ends yesterday: today's movements are not in it.
    const before = await getInventoryDaily({ db, sku: 'A', location: 'wh-1', days: 1, now: NOW - 86_400_000 });
    expect(before).toEqual([expect.objectContaining({ day: '2026-03-09', onHand: 100, reserved: 10, atp: 76 })]);
    expect((await getInventoryDaily({ db, sku: 'A', location: 'wh-9', days: 2, now: NOW })).map((d) => d.onHand)).toEqual([0, 0]);
    await expect(getInventoryDaily({ db, sku: 'A', location: 'wh-1', days: 0 })).rejects.toThrow(RangeError);
  });

  test('getLedgerMovements lists a SKU-location\'s newest movements once each', async () => {
    const ms = await getLedgerMovements({ db, sku: 'A', location: 'wh-1', limit: 4 });
    expect(ms.map((m) => [m.eventId, m.state, m.delta, m.logSeq])).toEqual([
      ['e7', 'on_hand', -4, 6], ['e7', 'reserved', -4, 6], ['e6', 'safety_stock', 3, 5], ['e5', 'channel_commitment', 7, 4],
    ]);
    expect(ms[0]).toMatchObject({ reason: 'commit', reference: 'ref-e7', causeEventId: 'ord-9', channel: '',
      occurredAt: Date.parse('2026-03-10T09:30:00.000Z') });
    expect(ms[3]!.channel).toBe('marketplace-a');
    const reserved = (await getLedgerMovements({ db, sku: 'A', location: 'wh-1', limit: 100 })).filter((m) => m.state === 'reserved');
    expect(reserved.map((m) => m.eventId)).toEqual(['e7', 'e2']); // e2 was delivered twice
  });
});

describe('inventory drift reports', () => {
  test('round-trip: the latest check, its largest drifts first, and a clean check that replaces it', async () => {
    expect(await getLatestDrift({ db, limit: 10 })).toBeNull();
    // Recent: rows already past the 30-day TTL are dropped on insert.
    const checkedAt = Date.now() - 120_000;
    const r = await insertDriftReport({ db, checkedAt, logSeq: 6, rows: [
      { location: 'wh-1', sku: 'A', state: 'on_hand', allocationQty: 96, ledgerQty: 96 },
      { location: 'wh-1', sku: 'A', state: 'reserved', allocationQty: 6, ledgerQty: 10 },
      { location: 'wh-2', sku: 'A', state: 'in_transit', allocationQty: 21, ledgerQty: 20 },
    ] });
    expect(r).toEqual({ drifted: 2 });
    expect(await getLatestDrift({ db, limit: 10 })).toEqual({
      checkedAt, logSeq: 6, positionsChecked: 3, drifted: 2, absDrift: 5, rows: [
        { location: 'wh-1', sku: 'A', state: 'reserved', allocationQty: 6, ledgerQty: 10, drift: -4 },
        { location: 'wh-2', sku: 'A', state: 'in_transit', allocationQty: 21, ledgerQty: 20, drift: 1 },
      ],
    });
    const cut = await getLatestDrift({ db, limit: 1 });
    expect(cut).toMatchObject({ drifted: 2, rows: [{ state: 'reserved', drift: -4 }] });

    // A clean check later: stored as a summary only, and it is now the latest (the older drift is not shown).
    await insertDriftReport({ db, checkedAt: checkedAt + 60_000, logSeq: 7, positionsChecked: 12_400, rows: [] });
    expect(await getLatestDrift({ db, limit: 10 })).toEqual({
      checkedAt: checkedAt + 60_000, logSeq: 7, positionsChecked: 12_400, drifted: 0, absDrift: 0, rows: [],
    });
    expect(await count('SELECT count() AS n FROM inventory_drift')).toBe(2);
  });
});
