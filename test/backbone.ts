/**
 * A throwaway event backbone for integration tests: a real nats-server with JetStream and ClickHouse
 * (embedded in a child process, or CLICKHOUSE_URL), a fresh database, and helpers to publish and count.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Db } from '../clickhouse/client.ts';
import { countStoredByType, countStoredEvents } from '../clickhouse/queries/countStoredEvents.ts';
import { subjectFor, type OpsEvent } from '../contracts/index.ts';
import { createPublisher } from '../ingest/publish.ts';
import { ensureStreams } from '../ingest/streams.ts';
import { freePort, startLocalNats } from '../runtime/local-services.ts';
import { connectNats, type NatsConnection } from '../runtime/nats.ts';
import { Supervisor } from '../runtime/supervisor.ts';
import { startTestClickHouse, type TestClickHouse } from './clickhouse.ts';


export interface Backbone {
  natsUrl: string;
  nc: NatsConnection;
  ch: TestClickHouse;
  db: Db;
  stop(): Promise<void>;
}

export async function startBackbone(): Promise<Backbone> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ct-nats-'));
  const sup = new Supervisor();
  const nats = await startLocalNats(sup, { dataDir: dir, port: await freePort(), quiet: true });
  const nc = await connectNats({ url: nats.url, name: 'test' });
  await ensureStreams(nc);
  const ch = await startTestClickHouse();
  const db = await ch.freshDatabase();
  return {
    natsUrl: nats.url, nc, ch, db,
    async stop() {
      await nc.close();
      await ch.stop();
      await sup.stopAll();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Publish events (msgID = id) and return how many of each type JetStream accepted as new. */
export async function publishEvents(nc: NatsConnection, events: Iterable<OpsEvent>, subjectPrefix = 'ops'): Promise<Map<string, number>> {
  const publisher = createPublisher({ nc });
  const counts = new Map<string, number>();
  let chunk: { subject: string; id: string; data: string }[] = [];
  for (const e of events) {
    counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
    chunk.push({ subject: `${subjectPrefix}${subjectFor(e.type).slice(3)}`, id: e.id, data: JSON.stringify(e) });
    if (chunk.length === 1000) { await publisher.publishMany(chunk); chunk = []; }
  }
  await publisher.publishMany(chunk);
  await publisher.flush();
  return counts;
}

/** Rows per event type across the family tables: `final` collapses duplicates, raw shows what was written. */
export const storedCounts = (db: Db, final: boolean) => countStoredByType(db, { final });
export const totalStored = countStoredEvents;

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 120_000, everyMs = 250): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export const sortedEntries = (m: Map<string, number>) => [...m].sort(([a], [b]) => a.localeCompare(b));
