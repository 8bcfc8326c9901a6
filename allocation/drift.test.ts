/**
 * The inconsistency detector end to end: allocation emits its movements, the real ingest lands them in the
 * ClickHouse ledger, and checkDrift finds the two agree at the same log sequence. A movement that reaches the
 * ledger without the service having made it (a foreign producer, a replayed backup …) is reported per
 * SKU-location and state with its size, and the check is stored for the dashboard.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { getLatestDrift } from '../clickhouse/queries/getLatestDrift.ts';
import type { AtpResult, ReserveResult } from '../contracts/api/allocation.ts';
import type { InventoryMoved } from '../contracts/index.ts';
import { createIngestMetrics } from '../ingest/metrics.ts';
import { startIngest } from '../ingest/ops.consumer.ts';
import { createLogger } from '../runtime/logger.ts';
import { publishEvents, startBackbone, waitFor, type Backbone } from '../test/backbone.ts';
import { createAllocationClient } from './client.ts';
import { checkDrift } from './drift.ts';
import { DEFAULT_LOCATIONS } from './locations.ts';
import { startAllocationService, type AllocationService } from './service.ts';

let bb: Backbone;
let service: AllocationService;
let ingest: Awaited<ReturnType<typeof startIngest>>;
const log = createLogger('test', 'silent');

beforeAll(async () => {
  bb = await startBackbone();
  ingest = await startIngest({ nc: bb.nc, db: bb.db, log, metrics: createIngestMetrics(), durable: 'drift-test', flushMs: 50 });
  service = await startAllocationService({ nc: bb.nc, log, locations: DEFAULT_LOCATIONS, instanceId: 'drift-a', leaseMs: 1_000 });
}, 120_000);
afterAll(async () => { await service?.stop(); await ingest?.stop(); await bb?.stop(); });

test('allocation and the ledger agree; a movement the service never made is reported as drift', async () => {
  const client = createAllocationClient({ nc: bb.nc, retryForMs: 5_000 });
  const at = new Date().toISOString();
  await publishEvents(bb.nc, [
    { id: 'd-rcv-1', type: 'stock.received', occurredAt: at, source: 'wms', site: 'wh-east', schemaVersion: 1, sku: 'DRIFT-1', qty: 40 },
    { id: 'd-rcv-2', type: 'stock.received', occurredAt: at, source: 'wms', site: '3pl-west', schemaVersion: 1, sku: 'DRIFT-2', qty: 9 },
    { id: 'd-hold-1', type: 'stock.quality_hold_placed', occurredAt: at, source: 'wms', site: 'wh-east', schemaVersion: 1,
      holdId: 'QH-1', sku: 'DRIFT-1', qty: 3, reason: 'label check' },
  ]);
  await waitFor('feed applied', async () => {
    const r = await client.call<AtpResult>('atp', { skus: ['DRIFT-1'] });
    return r.ok && r.result.positions[0]?.qualityHold === 3;
  }, 10_000, 50);
  for (let i = 0; i < 5; i++) {
    const r = await client.call<ReserveResult>('reserve', { idempotencyKey: `d-k${i}`, orderId: `d-o${i}`, channel: 'dtc-web',
      shipToRegion: 'us-ne', lines: [{ sku: 'DRIFT-1', qty: 2 }] });
    expect(r.ok && r.result.status).toBe('reserved');
  }
  await client.call('commit', { idempotencyKey: 'd-c0', orderId: 'd-o0' });

  const clean = await checkDrift({ client, db: bb.db, waitMs: 30_000, confirmMs: 500 });
  expect(clean.ledgerCaughtUp).toBe(true);
  expect(clean.drifted).toEqual([]);
  expect(clean.positionsChecked).toBe(2 * 8);

  // A foreign inventory.moved (not from the service's log) lands in the ledger: the ledger now says 5 more
  // damaged units at wh-east than allocation knows of.
  const foreign: InventoryMoved = { id: 'foreign-1', type: 'inventory.moved', occurredAt: new Date().toISOString(), source: 'backup-restore',
    site: 'wh-east', schemaVersion: 1, logSeq: 1, movements: [{ sku: 'DRIFT-1', state: 'damaged', delta: 5, reason: 'damage', reference: 'X-1' }] };
  await publishEvents(bb.nc, [foreign]);
  await waitFor('foreign movement landed', async () => {
    const c = await checkDrift({ client, db: bb.db, waitMs: 10_000, confirmMs: 200, store: false });
    return c.drifted.length > 0;
  }, 30_000, 200);
  const drifted = await checkDrift({ client, db: bb.db, waitMs: 10_000, confirmMs: 500 });
  expect(drifted.drifted).toEqual([{ location: 'wh-east', sku: 'DRIFT-1', state: 'damaged', allocationQty: 0, ledgerQty: 5, drift: -5 }]);

  const latest = await getLatestDrift({ db: bb.db, limit: 10 });
  expect(latest).toMatchObject({ logSeq: drifted.logSeq, drifted: 1, absDrift: 5 });
  expect(latest!.rows[0]).toMatchObject({ sku: 'DRIFT-1', state: 'damaged', drift: -5 });
}, 120_000);
