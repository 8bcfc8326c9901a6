/**
 * Nothing acknowledged is lost: an ingest process killed with SIGKILL mid-stream and restarted, and the
 * ClickHouse engine killed mid-stream and restarted, still end with every event stored exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { childEnv } from '../runtime/env.ts';
import { createLogger } from '../runtime/logger.ts';
import { REPO_ROOT } from '../runtime/local-services.ts';
import { publishEvents, sortedEntries, startBackbone, storedCounts, totalStored, waitFor, type Backbone } from '../test/backbone.ts';
import { simulatedEvents } from '../test/events.ts';
import { createIngestMetrics } from './metrics.ts';
import { startIngest } from './ops.consumer.ts';
import { ingestProcessArgs } from './process.ts';

let bb: Backbone;
beforeAll(async () => { bb = await startBackbone(); });
afterAll(async () => { await bb?.stop(); });

function spawnIngest(durable: string): ChildProcess {
  return spawn(process.execPath, ingestProcessArgs(), {
    cwd: REPO_ROOT, stdio: 'ignore',
    env: childEnv({ NATS_URL: bb.natsUrl, CLICKHOUSE_URL: bb.ch.url, CLICKHOUSE_DATABASE: bb.db.database, INGEST_DURABLE: durable,
      // Small batches and a short ack wait so the test sees several batches and a quick redelivery.
      INGEST_BATCH_SIZE: '2000', INGEST_FLUSH_MS: '50', INGEST_ACK_WAIT_MS: '3000', INGEST_METRICS_PORT: '0', LOG_LEVEL: 'warn' }),
  });
}

const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

describe('crash recovery', () => {
  test('kill -9 of an ingest process mid-stream, then a restart: no loss, no duplicate', async () => {
    const published = await publishEvents(bb.nc, simulatedEvents({ count: 60_000, seed: 11 }));
    const first = spawnIngest('crash-test');
    await waitFor('some events written', async () => (await totalStored(bb.db)).raw > 6_000, 120_000, 50);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const landedAtKill = (await totalStored(bb.db)).raw;
    expect(landedAtKill).toBeLessThan(sum(published));
    const second = spawnIngest('crash-test');
    try {
      await waitFor('every event written', async () => (await totalStored(bb.db)).distinct >= sum(published), 180_000);
      await new Promise((r) => setTimeout(r, 4_000)); // past ack_wait: a late redelivery would show up now
      expect(sortedEntries(await storedCounts(bb.db, true))).toEqual(sortedEntries(published));
      const t = await totalStored(bb.db);
      expect(t.raw).toBe(t.distinct);
    } finally {
      second.kill('SIGTERM');
      await new Promise((r) => second.once('exit', r));
    }
  });

  test('the ClickHouse engine stopped mid-stream and restarted: no loss', async () => {
    if (!bb.ch.url.includes('127.0.0.1')) return; // a real server cannot be killed from here
    const db = await bb.ch.freshDatabase('chdown');
    const metrics = createIngestMetrics();
    // Its own stream, so the events of the previous test are not consumed again here.
    const names = { ops: 'OPS_CHDOWN', deadletter: 'DL_CHDOWN', subjectPrefix: 'chdown', deadletterPrefix: 'dlchdown' };
    const ingest = await startIngest({ nc: bb.nc, db, log: createLogger('ingest', 'silent'), metrics, durable: 'chdown', names,
      batchSize: 2_000, flushMs: 50, consumer: { ackWaitMs: 5_000, maxAckPending: 50_000 } });
    try {
      const events = simulatedEvents({ count: 40_000, seed: 23 });
      const firstHalf = events.slice(0, 20_000);
      const pubA = publishEvents(bb.nc, firstHalf, 'chdown');
      await waitFor('some events written', async () => metrics.written.get() > 2_000, 60_000, 20);
      await bb.ch.kill();
      const pubB = publishEvents(bb.nc, events.slice(20_000), 'chdown');
      await waitFor('the writer notices the outage', async () => metrics.writeErrors.get() > 0, 30_000, 50);
      await new Promise((r) => setTimeout(r, 2_000));
      await bb.ch.restart();
      const published = new Map<string, number>();
      for (const m of [await pubA, await pubB]) for (const [k, v] of m) published.set(k, (published.get(k) ?? 0) + v);
      await waitFor('every event written', async () => (await totalStored(db)).distinct >= 40_000, 180_000);
      expect(sortedEntries(await storedCounts(db, true))).toEqual(sortedEntries(published));
      expect(metrics.writeErrors.get()).toBeGreaterThan(0);
      const t = await totalStored(db);
      expect(t.raw).toBe(t.distinct);
    } finally {
      await ingest.stop();
    }
  });
});
