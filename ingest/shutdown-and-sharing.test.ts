/**
 * Graceful shutdown writes and settles what is buffered; several ingest processes share the durable
 * consumer and between them store every event exactly once.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { OPS_STREAM } from '../contracts/index.ts';
import { createLogger } from '../runtime/logger.ts';
import { connectNats } from '../runtime/nats.ts';
import { publishEvents, sortedEntries, startBackbone, storedCounts, totalStored, waitFor, type Backbone } from '../test/backbone.ts';
import { simulatedEvents } from '../test/events.ts';
import { createIngestMetrics } from './metrics.ts';
import { startIngest } from './ops.consumer.ts';

let bb: Backbone;
beforeAll(async () => { bb = await startBackbone(); });
afterAll(async () => { await bb?.stop(); });
const log = createLogger('ingest', 'silent');

describe('ingest lifecycle', () => {
  test('stop() writes and acks the partial batch it holds', async () => {
    const db = await bb.ch.freshDatabase('shutdown');
    const metrics = createIngestMetrics();
    // A batch that never fills and a flush interval longer than the test: only stop() can write it.
    const ingest = await startIngest({ nc: bb.nc, db, log, metrics, durable: 'shutdown', batchSize: 50_000, flushMs: 60_000 });
    await publishEvents(bb.nc, simulatedEvents({ count: 500, seed: 5 }));
    await waitFor('all 500 received', async () => metrics.received.get() >= 500, 30_000, 20);
    expect((await totalStored(db)).raw).toBe(0);
    await ingest.stop();
    expect((await totalStored(db)).raw).toBe(500);
    const info = await (await jetstreamManager(bb.nc)).consumers.info(OPS_STREAM, 'shutdown');
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
  });

  test('two ingest processes share one durable consumer: both work, each event is stored once', async () => {
    const db = await bb.ch.freshDatabase('shared');
    const [m1, m2] = [createIngestMetrics(), createIngestMetrics()];
    // Each on its own connection, as separate processes would be.
    const [nc1, nc2] = await Promise.all([1, 2].map((i) => connectNats({ url: bb.natsUrl, name: `ingest-${i}` })));
    const opts = { db, log, durable: 'shared', batchSize: 500, flushMs: 50 };
    const a = await startIngest({ ...opts, nc: nc1!, metrics: m1 });
    const b = await startIngest({ ...opts, nc: nc2!, metrics: m2 });
    try {
      // The shutdown test's 500 events sit in the same stream; this fresh consumer reads them too.
      await publishEvents(bb.nc, simulatedEvents({ count: 20_000, seed: 6 }));
      await waitFor('every event written', async () => m1.written.get() + m2.written.get() >= 20_500, 120_000);
      expect(m1.written.get()).toBeGreaterThan(0);
      expect(m2.written.get()).toBeGreaterThan(0);
      const t = await totalStored(db);
      expect(t).toEqual({ raw: 20_500, distinct: 20_500 });
      expect(sortedEntries(await storedCounts(db, true)).length).toBeGreaterThan(20);
    } finally {
      await a.stop();
      await b.stop();
      await Promise.all([nc1!.close(), nc2!.close()]);
    }
  });
});
