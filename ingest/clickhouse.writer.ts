/**
 * Writes one batch to ClickHouse and only then settles its messages: valid → ack, invalid → dead-letter
 * copy + term. While ClickHouse is down it retries the same bytes with back-off (so a retry that did land
 * is dropped by the table's deduplication window), keeps the messages alive with working(), and never acks.
 */
import type { JetStreamClient } from '@nats-io/jetstream';
import { headers } from '@nats-io/nats-core';
import { insertJsonLines, type Db } from '../clickhouse/client.ts';
import { EVENT_TABLES, REJECTS_TABLE, rejectRowLine } from '../clickhouse/event-rows.ts';
import { findStoredEventIds } from '../clickhouse/queries/findStoredEventIds.ts';
import { REASON_HEADER, type Family } from '../contracts/index.ts';
import type { Logger } from '../runtime/logger.ts';
import type { NatsConnection } from '../runtime/nats.ts';
import type { IngestMetrics } from './metrics.ts';
import type { StepResult } from './pipeline.ts';

/**
 * What a batch keeps of a message: its JetStream reply subject (acks are protocol messages published to
 * it), coordinates, and for an invalid one the raw bytes for the dead-letter copy. Not the JsMsg itself:
 * it pins the client's read buffer, and two 10k batches of them held ~150 MB (measured), which capped the
 * batch size — and bigger batches are what makes ClickHouse inserts cheap.
 */
export interface BatchItem {
  reply: string;
  subject: string;
  seq: number;
  deliveryCount: number;
  /** Raw payload, kept only for invalid events. */
  data?: Uint8Array;
  result: StepResult;
}

/** JetStream acknowledgement protocol bodies (ADR-15): sent to a message's reply subject. */
const ACK = new Uint8Array(0);
const WORKING = new TextEncoder().encode('+WPI');
/**
 * Plain +TERM: nats-server 2.9 silently ignores "+TERM <reason>" (reasons arrived in 2.10), which left every
 * reject pending and redelivered forever (measured on 2.9.10). The reason lives in the rejects row and the
 * dead-letter header instead.
 */
const TERM = new TextEncoder().encode('+TERM');

export interface WriterDeps {
  db: Db;
  nc: NatsConnection;
  js: JetStreamClient;
  deadletterPrefix: string;
  log: Logger;
  metrics: IngestMetrics;
  ackWaitMs: number;
  /** True once shutdown began: a failing batch is then left un-acked for redelivery instead of retried. */
  stopping: () => boolean;
  /** Told after every attempt, so readiness turns false during an outage rather than after it. */
  health?: (ok: boolean) => void;
}

/** Back-off while ClickHouse is unavailable: 100 ms doubling to 5 s, so recovery is noticed within 5 s. */
const BACKOFF_MIN_MS = 100;
const BACKOFF_MAX_MS = 5_000;

export async function writeBatch(d: WriterDeps, items: BatchItem[]): Promise<'written' | 'abandoned'> {
  const started = performance.now();
  let filtered = false;
  let delay = BACKOFF_MIN_MS;
  const duplicates = new Set<BatchItem>();
  // Keep the messages ours: without working() they would be redelivered after ack_wait and written twice.
  // On a timer, not after a failed attempt: one hung attempt lasts request_timeout (30 s = ack_wait) by itself.
  const keepAlive = setInterval(() => {
    try { for (const it of items) d.nc.publish(it.reply, WORKING); } catch { /* connection closed: redelivery follows */ }
  }, Math.max(100, d.ackWaitMs / 3));
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        if (!filtered) { await dropStoredRedeliveries(d, items, duplicates); filtered = true; }
        await insertAll(d, items, duplicates);
        await publishDeadLetters(d, items);
        break;
      } catch (err) {
        d.metrics.writeErrors.inc();
        d.health?.(false);
        d.log.warn({ attempt, err: describe(err), events: items.length }, 'batch write failed; retrying');
        if (d.stopping()) return 'abandoned';
        await sleep(delay);
        delay = Math.min(delay * 2, BACKOFF_MAX_MS);
        // Re-check after the back-off: stop() during the sleep must not start another (up to 30 s) attempt.
        if (d.stopping()) return 'abandoned';
      }
    }
  } finally {
    clearInterval(keepAlive);
  }
  d.health?.(true);
  let written = 0;
  for (const it of items) {
    if (it.result.kind === 'row') { d.nc.publish(it.reply, ACK); if (!duplicates.has(it)) written++; } else d.nc.publish(it.reply, TERM);
  }
  d.metrics.written.inc(written);
  d.metrics.duplicatesDropped.inc(duplicates.size);
  d.metrics.rejected.inc(items.filter((i) => i.result.kind === 'deadLetter').length);
  d.metrics.batchSeconds.observe((performance.now() - started) / 1000);
  return 'written';
}

async function dropStoredRedeliveries(d: WriterDeps, items: BatchItem[], duplicates: Set<BatchItem>): Promise<void> {
  // A message redelivered while its first copy still waited in our buffer can sit in the same batch twice.
  const seen = new Set<string>();
  for (const it of items) {
    if (it.result.kind !== 'row') continue;
    if (seen.has(it.result.id)) duplicates.add(it);
    else seen.add(it.result.id);
  }
  const byFamily = new Map<Family, BatchItem[]>();
  for (const it of items) {
    if (duplicates.has(it)) continue;
    if (it.result.kind !== 'row' || it.deliveryCount <= 1) continue;
    const list = byFamily.get(it.result.family) ?? [];
    list.push(it);
    byFamily.set(it.result.family, list);
  }
  for (const [family, list] of byFamily) {
    const ids = (it: BatchItem) => (it.result as { id: string }).id;
    const stored = await findStoredEventIds(d.db, family, list.map(ids));
    for (const it of list) if (stored.has(ids(it))) duplicates.add(it);
  }
}

async function insertAll(d: WriterDeps, items: BatchItem[], duplicates: Set<BatchItem>): Promise<void> {
  const lines = new Map<string, string[]>();
  const push = (table: string, line: string) => { const l = lines.get(table); if (l) l.push(line); else lines.set(table, [line]); };
  for (const it of items) {
    const r = it.result;
    if (r.kind === 'row') { if (!duplicates.has(it)) push(EVENT_TABLES[r.family], r.line); continue; }
    push(REJECTS_TABLE, rejectRowLine({
      subject: it.subject, streamSeq: it.seq, eventId: r.hint.id, type: r.hint.type, source: r.hint.source,
      site: r.hint.site, reason: r.reason, raw: r.raw,
    }));
  }
  for (const [table, l] of lines) await insertJsonLines(d.db, table, l);
}

async function publishDeadLetters(d: WriterDeps, items: BatchItem[]): Promise<void> {
  const pending: Promise<unknown>[] = [];
  for (const it of items) {
    if (it.result.kind !== 'deadLetter') continue;
    const h = headers();
    h.set(REASON_HEADER, it.result.reason.slice(0, 1000).replace(/[\r\n]/g, ' '));
    // msgID by stream sequence: a dead letter re-published after a crash is dropped as a duplicate.
    pending.push(d.js.publish(`${d.deadletterPrefix}.${it.subject}`, it.data ?? new Uint8Array(0), { headers: h, msgID: `dlq-${it.seq}` }));
  }
  await Promise.all(pending);
}

/** Some client errors (an HTTP status without a body) have an empty message; say what we know. */
function describe(err: unknown): string {
  const e = err as Error & { code?: string | number; type?: string };
  return [e.name, e.code, e.type, e.message].filter((x) => x !== undefined && x !== '').join(': ') || String(err);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
