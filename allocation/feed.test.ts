/**
 * The feed end to end: real operational events published to the OPS stream change the positions an
 * in-process leader answers with, and every movement it makes comes back out in `inventory.moved` events on
 * `ops.inventory.moved` (with the log sequence, and a reason per movement) whose deltas sum to the positions. One nats-server
 * and one instance for the file (default names); each test uses its own skus, so the tests do not interact.
 */
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  AtpResult, OrderResult, PositionsResult, ReserveResult, type AllocationOp, type AllocationReply, type Position,
} from '../contracts/api/allocation.ts';
import { InventoryMovedSchema, OPS_STREAM, type InventoryMoved, type Movement, type OpsEvent } from '../contracts/index.ts';
import { createLogger } from '../runtime/logger.ts';
import { connectNats, type NatsConnection } from '../runtime/nats.ts';
import { publishEvents, waitFor } from '../test/backbone.ts';
import { startNatsServer, type TestNatsServer } from '../test/nats-server.ts';
import { createAllocationClient, type AllocationClient } from './client.ts';
import { DEFAULT_LOCATIONS } from './locations.ts';
import { startAllocationService, type AllocationService } from './service.ts';

const MOVED_SUBJECT = 'ops.inventory.moved';
const DAY = 24 * 3600_000;

let nats: TestNatsServer;
let nc: NatsConnection;
let service: AllocationService;
let client: AllocationClient;
/** Every event published by this file, by id (to check `causeEventId`). */
const published = new Map<string, OpsEvent>();

beforeAll(async () => {
  nats = await startNatsServer();
  nc = await connectNats({ url: nats.url, name: 'feed-test' });
  service = await startAllocationService({ nc, log: createLogger('allocation', 'silent'), locations: DEFAULT_LOCATIONS,
    instanceId: 'feed-test', leaseMs: 1_000 });
  client = createAllocationClient({ nc, retryForMs: 3_000 });
});

afterAll(async () => {
  await service?.stop();
  await nc?.close();
  await nats?.stop();
});

type EventOf<T extends OpsEvent['type']> = Extract<OpsEvent, { type: T }>;
type Fields<T extends OpsEvent['type']> = Omit<EventOf<T>, 'id' | 'type' | 'occurredAt' | 'source' | 'site' | 'schemaVersion'>;
let nextId = 0;
function ev<T extends OpsEvent['type']>(type: T, site: string, fields: Fields<T>): OpsEvent {
  const e = { id: `feed-ev-${++nextId}`, type, occurredAt: new Date().toISOString(), source: 'wms', site, schemaVersion: 1, ...fields } as unknown as OpsEvent;
  published.set(e.id, e);
  return e;
}

async function call<T>(op: AllocationOp, body: unknown): Promise<T> {
  const r: AllocationReply<unknown> = await client.call(op, body);
  if (!r.ok) throw new Error(`${op} failed: ${r.error.code} ${r.error.message}`);
  return r.result as T;
}

async function position(sku: string, location: string): Promise<Position | undefined> {
  return AtpResult.parse(await call('atp', { skus: [sku], locations: [location] })).positions[0];
}

/** Publish events, then wait until the position shows `expected` (and assert it, so a miss shows the diff). */
async function step(events: OpsEvent[], sku: string, location: string, expected: Partial<Position>): Promise<void> {
  await publishEvents(nc, events);
  let last: Position | undefined;
  await waitFor(`${sku}@${location} to show ${JSON.stringify(expected)}`, async () => {
    last = await position(sku, location);
    return last !== undefined && Object.entries(expected).every(([k, v]) => last![k as keyof Position] === v);
  }, 10_000, 25).catch(() => undefined);
  expect(last).toMatchObject(expected);
}

let orderNo = 0;
async function reserve(sku: string, qty: number, o: { region?: string; orderId?: string } = {}): Promise<ReserveResult> {
  const n = ++orderNo;
  return ReserveResult.parse(await call('reserve', { idempotencyKey: `feed-key-${n}`, orderId: o.orderId ?? `feed-order-${n}`,
    channel: 'dtc-web', shipToRegion: o.region ?? 'us-ne', lines: [{ sku, qty }] }));
}

const zero = { onHand: 0, reserved: 0, qualityHold: 0, damaged: 0, inTransit: 0, pendingInspection: 0, channelCommitment: 0,
  safetyStock: 0, atp: 0 };

describe('allocation feed: operational events change positions', () => {
  test('stock.received, stock.adjusted (damage found, damage cleared, shrink) and quality holds placed, released, scrapped', async () => {
    const sku = 'SKU-FEED-STOCK';
    await step([ev('stock.received', 'wh-east', { sku, qty: 100, poId: 'po-stock-0' })], sku, 'wh-east', { ...zero, onHand: 100, atp: 100 });
    // Damage found: the units stay on hand but cannot be promised.
    await step([ev('stock.adjusted', 'wh-east', { sku, qtyDelta: -5, reasonCode: 'damage', reference: 'dmg-1' })], sku, 'wh-east',
      { onHand: 100, damaged: 5, atp: 95 });
    // A positive damage adjustment clears damage (never below zero).
    await step([ev('stock.adjusted', 'wh-east', { sku, qtyDelta: 2, reasonCode: 'damage' })], sku, 'wh-east', { onHand: 100, damaged: 3, atp: 97 });
    await step([ev('stock.adjusted', 'wh-east', { sku, qtyDelta: -3, reasonCode: 'shrink', reference: 'count-1' })], sku, 'wh-east',
      { onHand: 97, damaged: 3, atp: 94 });
    await step([ev('stock.quality_hold_placed', 'wh-east', { holdId: 'qh-1', sku, qty: 10, reason: 'supplier recall check' })], sku, 'wh-east',
      { onHand: 97, qualityHold: 10, atp: 84 });
    await step([ev('stock.quality_hold_released', 'wh-east', { holdId: 'qh-1', sku, qty: 4, outcome: 'released' })], sku, 'wh-east',
      { onHand: 97, qualityHold: 6, atp: 88 });
    await step([ev('stock.quality_hold_released', 'wh-east', { holdId: 'qh-1', sku, qty: 6, outcome: 'scrapped' })], sku, 'wh-east',
      { ...zero, onHand: 91, damaged: 3, atp: 88 });
    // Nothing of it leaked to the other location.
    expect(await position(sku, '3pl-west')).toBeUndefined();
  });

  test('a transfer: off hand at the source, in transit at the destination (promisable at its expected date), then on hand there', async () => {
    const sku = 'SKU-FEED-TRANSFER';
    const expectedAt = new Date(Date.now() + 2 * DAY).toISOString();
    await step([ev('stock.received', 'wh-east', { sku, qty: 40 })], sku, 'wh-east', { onHand: 40, atp: 40 });
    await step([ev('stock.transfer_shipped', 'wh-east', { transferId: 'tr-1', sku, qty: 25, toSite: '3pl-west', expectedAt })],
      sku, 'wh-east', { ...zero, onHand: 15, atp: 15 });
    expect(await position(sku, '3pl-west')).toEqual({ ...zero, sku, location: '3pl-west', inTransit: 25 });
    // 30 wanted, 15 on hand: the transfer's 25 cover the rest on its expected date.
    const refused = await reserve(sku, 30, { region: 'us-w' });
    expect(refused).toMatchObject({ status: 'refused', allocations: [] });
    expect(refused.shortLines).toEqual([{ sku, requested: 30, reserved: 0, promisableNow: 15, promisableAt: expectedAt }]);
    await step([ev('stock.transfer_received', '3pl-west', { transferId: 'tr-1', sku, qty: 25, fromSite: 'wh-east' })],
      sku, '3pl-west', { ...zero, onHand: 25, atp: 25 });
    expect(await position(sku, 'wh-east')).toMatchObject({ onHand: 15, inTransit: 0, atp: 15 });
    const ok = await reserve(sku, 30, { region: 'us-w' });
    expect(ok.status).toBe('reserved');
    expect(ok.allocations).toEqual([{ sku, location: '3pl-west', qty: 25 }, { sku, location: 'wh-east', qty: 5 }]);
  });

  test('a purchase order: created (not promisable), confirmed (promisable at its date), shipped (in transit), received', async () => {
    const sku = 'SKU-FEED-PO';
    const created = new Date(Date.now() + 10 * DAY).toISOString();
    const confirmed = new Date(Date.now() + 7 * DAY).toISOString();
    const shipped = new Date(Date.now() + 3 * DAY).toISOString();
    await step([ev('stock.received', 'wh-east', { sku, qty: 5 })], sku, 'wh-east', { onHand: 5, atp: 5 });
    await publishEvents(nc, [ev('purchase_orders.created', 'wh-east', { poId: 'po-1', supplier: 'acme', supplierRegion: 'overseas',
      lines: [{ sku, qty: 100, unitCost: 3.5 }], expectedAt: created })]);
    // An unconfirmed PO is no promise: poll until a later event shows the feed is past it, then ask.
    await step([ev('stock.adjusted', 'wh-east', { sku, qtyDelta: 1, reasonCode: 'found' })], sku, 'wh-east', { onHand: 6, atp: 6, inTransit: 0 });
    const short = (r: ReserveResult) => r.shortLines[0];
    expect(short(await reserve(sku, 50))).toEqual({ sku, requested: 50, reserved: 0, promisableNow: 6, promisableAt: null });

    await publishEvents(nc, [ev('purchase_orders.confirmed', 'wh-east', { poId: 'po-1', supplier: 'acme', confirmedExpectedAt: confirmed })]);
    await waitFor('the confirmation applied', async () => short(await reserve(sku, 50))?.promisableAt === confirmed, 10_000, 25);

    await step([ev('purchase_orders.shipped', 'wh-east', { poId: 'po-1', supplier: 'acme', asnId: 'asn-1', lines: [{ sku, qty: 100 }],
      expectedAt: shipped })], sku, 'wh-east', { onHand: 6, inTransit: 100, atp: 6 });
    const refused = await reserve(sku, 50);
    expect(refused.status).toBe('refused');
    expect(short(refused)).toEqual({ sku, requested: 50, reserved: 0, promisableNow: 6, promisableAt: shipped });

    // The dock books the units on hand; the PO receipt clears what was in transit.
    await step([ev('stock.received', 'wh-east', { sku, qty: 100, poId: 'po-1', asnId: 'asn-1' }),
      ev('purchase_orders.received', 'wh-east', { poId: 'po-1', supplier: 'acme', asnId: 'asn-1', lines: [{ sku, qty: 100 }], partial: false })],
    sku, 'wh-east', { ...zero, onHand: 106, atp: 106 });
    const ok = await reserve(sku, 50);
    expect(ok).toMatchObject({ status: 'reserved', allocations: [{ sku, location: 'wh-east', qty: 50 }] });
    expect(await position(sku, 'wh-east')).toMatchObject({ onHand: 106, reserved: 50, inTransit: 0, atp: 56 });
  });

  test('returns: received into pending inspection, then restocked on hand (or scrapped)', async () => {
    const sku = 'SKU-FEED-RETURN';
    await step([ev('stock.received', 'wh-east', { sku, qty: 10 })], sku, 'wh-east', { onHand: 10, atp: 10 });
    await step([ev('returns.received', 'wh-east', { rmaId: 'rma-1', lines: [{ sku, qty: 4 }] })], sku, 'wh-east',
      { ...zero, onHand: 10, pendingInspection: 4, atp: 10 });
    await step([ev('returns.dispositioned', 'wh-east', { rmaId: 'rma-1', sku, qty: 3, disposition: 'restock' })], sku, 'wh-east',
      { ...zero, onHand: 13, pendingInspection: 1, atp: 13 });
    await step([ev('returns.dispositioned', 'wh-east', { rmaId: 'rma-1', sku, qty: 1, disposition: 'scrap' })], sku, 'wh-east',
      { ...zero, onHand: 13, atp: 13 });
  });

  test('orders.shipped commits a reservation (off hand), orders.cancelled releases one', async () => {
    const sku = 'SKU-FEED-ORDERS';
    await step([ev('stock.received', 'wh-east', { sku, qty: 30 })], sku, 'wh-east', { onHand: 30, atp: 30 });
    expect((await reserve(sku, 10, { orderId: 'ord-ship' })).status).toBe('reserved');
    expect((await reserve(sku, 5, { orderId: 'ord-cancel' })).status).toBe('reserved');
    expect(await position(sku, 'wh-east')).toMatchObject({ onHand: 30, reserved: 15, atp: 15 });
    await step([ev('orders.shipped', 'wh-east', { orderId: 'ord-ship', carrier: 'ups', service: 'ground', trackingNumber: '1Z999',
      handoffAt: new Date().toISOString() })], sku, 'wh-east', { onHand: 20, reserved: 5, atp: 15 });
    await step([ev('orders.cancelled', 'wh-east', { orderId: 'ord-cancel', reason: 'customer changed their mind' }),
      // Events for orders the service never reserved change nothing.
      ev('orders.shipped', 'wh-east', { orderId: 'ord-unknown', carrier: 'ups', service: 'ground', trackingNumber: '1Z998',
        handoffAt: new Date().toISOString() })], sku, 'wh-east', { ...zero, onHand: 20, atp: 20 });
    // The orders' states: a shipped order cannot be released; a cancelled one is released already.
    const releaseShipped = await client.call('release', { idempotencyKey: 'feed-rel-1', orderId: 'ord-ship' });
    expect(releaseShipped).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
    const releaseCancelled = await call<OrderResult>('release', { idempotencyKey: 'feed-rel-2', orderId: 'ord-cancel' });
    expect(OrderResult.parse(releaseCancelled)).toMatchObject({ status: 'released', allocations: [{ sku, location: 'wh-east', qty: 5 }] });
    expect(await position(sku, 'wh-east')).toMatchObject({ onHand: 20, reserved: 0, atp: 20 });
  });

  test('inventory.moved events on OPS carry logSeq and reason, and sum to every position', async () => {
    const positions = PositionsResult.parse(await call('positions', {}));
    let moved: InventoryMoved[] = [];
    await waitFor('the emitter to publish every movement', async () => {
      moved = await readMoved(nc);
      return sameTotals(sumMoved(moved), positions.positions);
    }, 10_000, 100).catch(() => undefined);
    expect(sumMoved(moved)).toEqual(totalsOf(positions.positions));

    expect(new Set(moved.map((e) => e.id)).size).toBe(moved.length);
    for (const e of moved) {
      expect(InventoryMovedSchema.safeParse(e).success, JSON.stringify(e)).toBe(true);
      expect(e.logSeq).toBeGreaterThan(0);
      expect(e.logSeq).toBeLessThanOrEqual(positions.logSeq);
    }
    const movements = rows(moved);
    for (const m of movements) if (m.causeEventId) expect(published.has(m.causeEventId), `cause ${m.causeEventId}`).toBe(true);
    expect(new Set(movements.map((m) => m.reason))).toEqual(new Set(['receipt', 'damage', 'adjustment', 'quality_hold', 'quality_release',
      'quality_scrap', 'transfer_out', 'transfer_in', 'asn_shipped', 'asn_received', 'return_received', 'return_restock',
      'return_disposed', 'reserve', 'commit', 'release']));
    // Movements caused by operational events name them; the shipment's commit names the orders.shipped event.
    const shipEvent = [...published.values()].find((e) => e.type === 'orders.shipped' && e.orderId === 'ord-ship')!;
    const commit = { sku: 'SKU-FEED-ORDERS', site: 'wh-east', reason: 'commit', reference: 'ord-ship', causeEventId: shipEvent.id };
    expect(movements.filter((m) => m.reason === 'commit')).toEqual([
      expect.objectContaining({ ...commit, state: 'reserved', delta: -10, channel: 'dtc-web' }),
      expect.objectContaining({ ...commit, state: 'on_hand', delta: -10 })]);
    for (const m of movements.filter((x) => x.reason === 'receipt' || x.reason === 'quality_hold')) expect(m.causeEventId).toBeDefined();
    expect(movements.filter((m) => m.reason === 'damage' && m.reference === 'dmg-1'))
      .toEqual([expect.objectContaining({ sku: 'SKU-FEED-STOCK', site: 'wh-east', state: 'damaged', delta: 5 })]);
  });
});

/** Every `inventory.moved` event on the OPS stream so far, in stream order. */
async function readMoved(conn: NatsConnection): Promise<InventoryMoved[]> {
  const info = await (await jetstreamManager(conn)).streams.info(OPS_STREAM, { subjects_filter: MOVED_SUBJECT });
  const total = info.state.subjects?.[MOVED_SUBJECT] ?? 0;
  if (total === 0) return [];
  const consumer = await jetstream(conn).consumers.get(OPS_STREAM, { filter_subjects: MOVED_SUBJECT });
  const messages = await consumer.consume({ max_messages: 1_000 });
  const out: InventoryMoved[] = [];
  for await (const m of messages) {
    out.push(m.json<InventoryMoved>());
    if (out.length >= total) break;
  }
  await messages.close();
  return out;
}

/** Each movement of each event, with the event's site and log sequence. */
type Row = Movement & { site: string; logSeq: number };
const rows = (events: InventoryMoved[]): Row[] => events.flatMap((e) => e.movements.map((m) => ({ ...m, site: e.site, logSeq: e.logSeq })));

type Totals = Record<string, Record<string, number>>;
const STATE_OF = { on_hand: 'onHand', reserved: 'reserved', quality_hold: 'qualityHold', damaged: 'damaged', in_transit: 'inTransit',
  pending_inspection: 'pendingInspection', channel_commitment: 'channelCommitment', safety_stock: 'safetyStock' } as const;

function sumMoved(events: InventoryMoved[]): Totals {
  const t: Totals = {};
  for (const m of rows(events)) {
    const row = (t[`${m.sku}@${m.site}`] ??= Object.fromEntries(Object.values(STATE_OF).map((k) => [k, 0])));
    row[STATE_OF[m.state]]! += m.delta;
  }
  return t;
}

function totalsOf(positions: Position[]): Totals {
  return Object.fromEntries(positions.map((p) => [`${p.sku}@${p.location}`,
    Object.fromEntries(Object.values(STATE_OF).map((k) => [k, p[k]]))]));
}

const sameTotals = (a: Totals, positions: Position[]) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(totalsOf(positions)).sort());
