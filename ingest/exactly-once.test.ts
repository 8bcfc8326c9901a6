/**
 * 100k simulator events through the real nats-server and ClickHouse engine land exactly once: the counts
 * per type equal what JetStream accepted, with and without FINAL, and a re-publish of the same events
 * changes nothing.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLogger } from '../runtime/logger.ts';
import { publishEvents, sortedEntries, startBackbone, storedCounts, totalStored, waitFor, type Backbone } from '../test/backbone.ts';
import { simulatedEvents } from '../test/events.ts';
import { createIngestMetrics } from './metrics.ts';
import { startIngest, type IngestHandle } from './ops.consumer.ts';

const N = 100_000;
let bb: Backbone;
let ingest: IngestHandle;
const metrics = createIngestMetrics();

beforeAll(async () => {
  bb = await startBackbone();
  ingest = await startIngest({ nc: bb.nc, db: bb.db, log: createLogger('ingest', 'warn'), metrics, batchSize: 5_000, flushMs: 100 });
});
afterAll(async () => { await ingest?.stop(); await bb?.stop(); });

describe('exactly once', () => {
  test(`${N} simulator events land exactly once`, async () => {
    const events = simulatedEvents({ count: N, seed: 7 });
    const published = await publishEvents(bb.nc, events);
    expect([...published.values()].reduce((a, b) => a + b, 0)).toBe(N);
    expect(published.size).toBeGreaterThan(20);
    await waitFor('all events written', async () => metrics.written.get() >= N, 300_000);
    expect(sortedEntries(await storedCounts(bb.db, true))).toEqual(sortedEntries(published));
    expect(sortedEntries(await storedCounts(bb.db, false))).toEqual(sortedEntries(published));
    expect(metrics.rejected.get()).toBe(0);
  }, 600_000);

  test('publishing the same events again changes nothing', async () => {
    const again = simulatedEvents({ count: 2_000, seed: 7 });
    await publishEvents(bb.nc, again);
    // Within the duplicate window JetStream drops them; give the consumer time to prove nothing arrives.
    await new Promise((r) => setTimeout(r, 1_000));
    const t = await totalStored(bb.db);
    expect(t).toEqual({ raw: N, distinct: N });
  });
});
