/** runSimulation against a real nats-server: what it reports is what the stream holds. */
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { OPS_STREAM } from '../contracts/index.ts';
import { connectNats, type NatsConnection } from '../runtime/nats.ts';
import { startNatsServer, type TestNatsServer } from '../test/nats-server.ts';
import { runSimulation } from './run.ts';

describe('runSimulation (nats-server)', () => {
  let server: TestNatsServer;
  let nc: NatsConnection;
  const streamSize = async () => (await (await jetstreamManager(nc)).streams.info(OPS_STREAM)).state.messages;
  const total = (counts: Record<string, number | undefined>) => Object.values(counts).reduce<number>((a, b) => a + (b ?? 0), 0);

  beforeAll(async () => {
    server = await startNatsServer();
    nc = await connectNats({ url: server.url, name: 'simulator-test' });
  });
  afterAll(async () => {
    await nc?.close();
    await server?.stop();
  });

  test('a 2,000-event back-fill lands 2,000 messages; running it again adds none (msgID dedupe)', async () => {
    const options = { nc, mode: 'backfill' as const, seed: 4, start: '2026-03-02T00:00:00Z', days: 1, count: 2_000 };
    const first = await runSimulation(options);
    expect(total(first.counts)).toBe(2_000);
    expect(first.published).toBe(2_000);
    expect(first.duplicates).toBe(0);
    expect(await streamSize()).toBe(2_000);

    const again = await runSimulation(options);
    expect(again.counts).toEqual(first.counts);
    expect(again.duplicates).toBe(2_000);
    expect(await streamSize()).toBe(2_000);
  });

  test('malformed payloads are published alongside and counted apart', async () => {
    const before = await streamSize();
    const r = await runSimulation({ nc, mode: 'backfill', seed: 8, start: '2026-03-09T00:00:00Z', days: 1, count: 1_000, malformed: 0.1 });
    const bad = total(r.malformed);
    expect(bad).toBeGreaterThan(30);
    expect(total(r.counts) + bad).toBe(1_000);
    expect(await streamSize()).toBe(before + 1_000);
  });

  test('live mode stops on abort and flushes what it handed over', async () => {
    const before = await streamSize();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1_500);
    const r = await runSimulation({ nc, mode: 'live', seed: 6, rate: 2_000, speed: 600, signal: controller.signal });
    expect(r.aborted).toBe(true);
    expect(r.published).toBeGreaterThan(100);
    expect(r.published).toBe(total(r.counts));
    expect(await streamSize()).toBe(before + r.published - r.duplicates);
  });
});
