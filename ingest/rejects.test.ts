/**
 * Malformed and fuzzed events never stop the stream: each lands in the rejects table with a reason and in
 * the dead-letter stream with the reason header, and valid events around them still land.
 */
import fc from 'fast-check';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { selectRows } from '../clickhouse/client.ts';
import { DEADLETTER_STREAM, OPS_STREAM, subjectFor, EVENT_TYPES } from '../contracts/index.ts';
import { createLogger } from '../runtime/logger.ts';
import { startBackbone, totalStored, waitFor, type Backbone } from '../test/backbone.ts';
import { simulatedEvents } from '../test/events.ts';
import { createIngestMetrics } from './metrics.ts';
import { startIngest, type IngestHandle } from './ops.consumer.ts';
import { createPublisher } from './publish.ts';

let bb: Backbone;
let ingest: IngestHandle;
const metrics = createIngestMetrics();
beforeAll(async () => {
  bb = await startBackbone();
  ingest = await startIngest({ nc: bb.nc, db: bb.db, log: createLogger('ingest', 'silent'), metrics, batchSize: 500, flushMs: 50 });
});
afterAll(async () => { await ingest?.stop(); await bb?.stop(); });

/** Garbage of every kind: bytes, JSON that is not an event, and valid events broken one field at a time. */
function garbage(valid: Record<string, unknown>[]): { subject: string; data: Uint8Array | string }[] {
  const subjects = fc.constantFrom(...EVENT_TYPES.map(subjectFor));
  let n = 0;
  const mutated = fc.record({
    base: fc.constantFrom(...valid),
    // Not 'id': a mutated id can be valid and collide with another event's, which is a duplicate, not a reject.
    field: fc.constantFrom('type', 'occurredAt', 'site', 'schemaVersion', 'source', 'qty', 'lines', 'sku'),
    value: fc.oneof(fc.constant(null), fc.integer({ min: -5, max: 0 }), fc.string({ maxLength: 3 }), fc.constant('2026-11-27T10:00:00'),
      fc.array(fc.anything(), { maxLength: 2 })),
  }).map(({ base, field, value }) => ({ subject: subjectFor(String(base.type)), data: JSON.stringify({ ...base, id: `mutated-${n++}`, [field]: value }) }));
  const arb = fc.oneof(
    fc.record({ subject: subjects, data: fc.uint8Array({ minLength: 0, maxLength: 300 }) }),
    fc.record({ subject: subjects, data: fc.jsonValue().map((v) => JSON.stringify(v)) }),
    mutated,
    fc.record({ subject: subjects, data: fc.constantFrom('', '{', 'null', '[]', '{"type":"orders.created"}', '\u0000\u0001') }),
  );
  return fc.sample(arb, { numRuns: 1500, seed: 4242 });
}

describe('rejects', () => {
  test('malformed and fuzzed events land in rejects with a reason and never stop the stream', async () => {
    const valid = simulatedEvents({ count: 3_000, seed: 3 });
    const bad = garbage(valid as unknown as Record<string, unknown>[]);
    const publisher = createPublisher({ nc: bb.nc });
    // Interleave: valid, bad, valid … and finish with valid events, which must still land after all the garbage.
    const validIds = new Set<string>();
    const sendValid = async (e: (typeof valid)[number]) => {
      validIds.add(e.id);
      await publisher.publish({ subject: subjectFor(e.type), id: e.id, data: JSON.stringify(e) });
    };
    for (const [i, g] of bad.entries()) {
      await publisher.publish({ subject: g.subject, id: `garbage-${i}`, data: g.data });
      if (i % 2 === 0) await sendValid(valid[i]!);
    }
    for (const e of valid.slice(2_000)) await sendValid(e);
    await publisher.flush();

    await waitFor('every message settled', async () => metrics.written.get() + metrics.rejected.get() >= publisher.published, 120_000);
    // A mutated event can still be valid (e.g. a string source); everything else must be rejected.
    const [r] = await selectRows<{ n: number; noReason: number }>(bb.db, 'rejectCount',
      "SELECT count() AS n, countIf(reason = '') AS noReason FROM rejects FINAL");
    expect(Number(r!.n)).toBe(metrics.rejected.get());
    // ~10% of single-field mutations stay valid (e.g. a short string source), so not every one is a reject.
    expect(Number(r!.n)).toBeGreaterThan(bad.length * 0.8);
    expect(Number(r!.noReason)).toBe(0);
    const stored = await totalStored(bb.db);
    expect(stored.distinct).toBeGreaterThanOrEqual(validIds.size);
    expect(stored.distinct).toBe(metrics.written.get());
    const jsm = await jetstreamManager(bb.nc);
    const dl = await jsm.streams.info(DEADLETTER_STREAM);
    expect(dl.state.messages).toBe(metrics.rejected.get());
    // Terminated, not left pending: nats-server 2.9 ignores "+TERM <reason>", which would redeliver every
    // reject forever and fill max_ack_pending.
    await waitFor('nothing left pending', async () => (await jsm.consumers.info(OPS_STREAM, 'ingest-clickhouse')).num_ack_pending === 0, 10_000);
  });

  test('a reject keeps the reason and the raw payload for diagnosis', async () => {
    const publisher = createPublisher({ nc: bb.nc });
    await publisher.publish({ subject: 'ops.stock.adjusted', id: 'diag-1', data: '{"id":"diag-1","type":"stock.adjusted","qtyDelta":0}' });
    await publisher.flush();
    await waitFor('the reject lands', async () =>
      (await selectRows(bb.db, 'rejectById', "SELECT 1 FROM rejects WHERE event_id = 'diag-1'")).length === 1);
    const [row] = await selectRows<{ reason: string; raw: string; subject: string }>(bb.db, 'rejectById',
      "SELECT reason, raw, subject FROM rejects WHERE event_id = 'diag-1'");
    expect(row!.subject).toBe('ops.stock.adjusted');
    expect(row!.reason).toMatch(/occurredAt|site|qtyDelta/);
    expect(row!.raw).toContain('"qtyDelta":0');
  });
});
