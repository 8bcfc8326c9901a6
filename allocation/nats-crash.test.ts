/**
 * kill -9 of nats-server itself, mid-load: the leader's appends fail, it steps down, and once the server is back
 * (same store) an instance takes over by replaying the log. Clients retry with the same idempotency keys, so
 * every order ends with exactly one answer; nothing acknowledged is lost and nothing is reserved twice.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { AtpResult, ReserveResult } from '../contracts/api/allocation.ts';
import { createLogger } from '../runtime/logger.ts';
import { connectNats, type NatsConnection } from '../runtime/nats.ts';
import { publishEvents, waitFor } from '../test/backbone.ts';
import { startNatsServer, type TestNatsServer } from '../test/nats-server.ts';
import { createAllocationClient } from './client.ts';
import { DEFAULT_LOCATIONS } from './locations.ts';
import { startAllocationService, type AllocationService } from './service.ts';

let nats: TestNatsServer;
let nc: NatsConnection;
let service: AllocationService;
const STOCK = 300;

beforeAll(async () => {
  nats = await startNatsServer();
  nc = await connectNats({ url: nats.url, name: 'nats-crash-test' });
  service = await startAllocationService({ nc, log: createLogger('allocation', 'silent'), locations: DEFAULT_LOCATIONS,
    instanceId: 'crash-a', leaseMs: 1_000 });
});
afterAll(async () => { await service?.stop(); await nc?.close(); await nats?.stop(); });

test('orders placed across a kill -9 of nats-server are each decided once, and the stock adds up', async () => {
  const client = createAllocationClient({ nc, retryForMs: 30_000, timeoutMs: 1_000 });
  await publishEvents(nc, [{ id: 'crash-rcv', type: 'stock.received', occurredAt: new Date().toISOString(), source: 'wms',
    site: 'wh-east', schemaVersion: 1, sku: 'CRASH-1', qty: STOCK }]);
  await waitFor('stock applied', async () => {
    const r = await client.call<AtpResult>('atp', { skus: ['CRASH-1'] });
    return r.ok && r.result.positions[0]?.onHand === STOCK;
  }, 10_000, 50);

  const body = (i: number) => ({ idempotencyKey: `crash-k${i}`, orderId: `crash-o${i}`, channel: 'dtc-web', shipToRegion: 'us-ne',
    lines: [{ sku: 'CRASH-1', qty: 1 }] });
  const answers = new Map<number, ReserveResult>();
  let next = 0;
  let stop = false;
  const worker = async () => {
    while (!stop) {
      const i = next++;
      // The client keeps retrying the same body through the outage; an answer is final.
      const r = await client.call<ReserveResult>('reserve', body(i));
      if (!r.ok) throw new Error(`order ${i}: ${r.error.code} ${r.error.message}`);
      answers.set(i, r.result);
    }
  };
  const workers = Array.from({ length: 16 }, worker);
  await new Promise((r) => setTimeout(r, 400));
  const before = answers.size;
  await nats.kill();
  await new Promise((r) => setTimeout(r, 1_000));
  await nats.restart();
  await new Promise((r) => setTimeout(r, 1_500));
  stop = true;
  await Promise.all(workers);

  expect(before).toBeGreaterThan(0);
  // The crash ended the term (appends failed) and the instance took over again from the log.
  expect(service.metrics.takeovers.get()).toBeGreaterThanOrEqual(2);
  expect(service.isLeader()).toBe(true);
  expect(answers.size).toBeGreaterThan(before);
  const reserved = [...answers.values()].filter((a) => a.status === 'reserved').length;
  const atp = await client.call<AtpResult>('atp', { skus: ['CRASH-1'] });
  expect(atp.ok && atp.result.positions[0]).toMatchObject({ onHand: STOCK, reserved, atp: STOCK - reserved });
  // Every answer given, before or after the crash, is the one the log kept.
  const sample = [...answers].filter(([i]) => i % Math.max(1, Math.floor(answers.size / 50)) === 0);
  for (const [i, a] of sample) {
    const again = await client.call<ReserveResult>('reserve', body(i));
    expect(again.ok && again.result).toEqual(a);
  }
}, 90_000);
