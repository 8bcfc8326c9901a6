/**
 * The ingest loop: a durable pull consumer shared by every ingest process, batching by size and time,
 * writing through clickhouse.writer (ack only after ClickHouse accepted the batch).
 * Memory is bounded: at most one batch being written, one filling, and the client's pull buffer.
 */
import { jetstream, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import type { Db } from '../clickhouse/client.ts';
import type { Logger } from '../runtime/logger.ts';
import type { NatsConnection } from '../runtime/nats.ts';
import { writeBatch, type BatchItem } from './clickhouse.writer.ts';
import type { IngestMetrics } from './metrics.ts';
import { processMessage } from './pipeline.ts';
import { DEFAULT_CONSUMER, ensureConsumer, ensureStreams, STREAM_NAMES, type ConsumerSettings, type StreamNames } from './streams.ts';

export interface IngestOptions {
  nc: NatsConnection;
  db: Db;
  log: Logger;
  metrics: IngestMetrics;
  names?: StreamNames;
  durable?: string;
  /** 10k rows per insert: ClickHouse prefers few large inserts (each makes a part); at 50k/s that is 5 parts/s. */
  batchSize?: number;
  /** A partial batch is written after this long, so a quiet stream still lands within ~flushMs. */
  flushMs?: number;
  consumer?: ConsumerSettings;
  /** Called when consuming stops on its own (not by stop()); the process should exit so it is restarted. */
  onFatal?: (err: Error) => void;
}

export interface IngestHandle {
  /** Stop consuming, write what is buffered, settle it; resolves when nothing is in flight. */
  stop(): Promise<void>;
  /** True while the last write succeeded (readiness). */
  healthy(): boolean;
}

export async function startIngest(o: IngestOptions): Promise<IngestHandle> {
  const names = o.names ?? STREAM_NAMES;
  const durable = o.durable ?? 'ingest-clickhouse';
  const batchSize = o.batchSize ?? 10_000;
  const flushMs = o.flushMs ?? 250;
  const settings = o.consumer ?? DEFAULT_CONSUMER;
  const jsm = await ensureStreams(o.nc, names);
  await ensureConsumer(jsm, names.ops, durable, settings);
  const js = jetstream(o.nc);
  const consumer = await js.consumers.get(names.ops, durable);
  // The pull buffer holds one batch: with one batch filling and one being written that bounds memory at ~3.
  const messages: ConsumerMessages = await consumer.consume({ max_messages: batchSize });

  let stopping = false;
  let healthy = true;
  let current: BatchItem[] = [];
  let currentStarted = 0;
  let inFlight: Promise<unknown> = Promise.resolve();
  let lock: Promise<void> = Promise.resolve();
  const deps = {
    db: o.db, nc: o.nc, js, deadletterPrefix: names.deadletterPrefix, log: o.log, metrics: o.metrics,
    ackWaitMs: settings.ackWaitMs, stopping: () => stopping, health: (ok: boolean) => { healthy = ok; },
  };
  /** The batch a rotate took and that waits for the previous write: it needs keep-alives too. */
  let waiting: BatchItem[] = [];
  let rotatePending = false;

  /** Hand the filling batch to the writer once the previous write finished (serialised by `lock`). */
  const rotate = () => {
    rotatePending = true;
    lock = lock.then(async () => {
      rotatePending = false;
      if (current.length === 0) return;
      waiting = current;
      current = [];
      await inFlight;
      const batch = waiting;
      waiting = [];
      inFlight = writeBatch(deps, batch).then((r) => { healthy = r === 'written'; o.metrics.buffered.set(current.length); },
        (err: Error) => { healthy = false; o.log.error({ err: err.message }, 'batch write crashed'); });
    });
    return lock;
  };

  const timer = setInterval(() => {
    // While a write is stuck, one queued rotate is enough; more would only make tiny batches after recovery.
    if (!rotatePending && current.length > 0 && performance.now() - currentStarted >= flushMs) void rotate();
  }, Math.max(10, flushMs / 2));

  // Events held here while a write is slow (the filling batch, the one queued behind the write) would be
  // redelivered after ack_wait and could be written twice; the writer keeps its own in-flight batch alive.
  const keepAlive = setInterval(() => {
    try { for (const it of [...current, ...waiting]) o.nc.publish(it.reply, WORKING_BODY); } catch { /* closed: redelivery follows */ }
  }, Math.max(100, settings.ackWaitMs / 3));

  const lagTimer = setInterval(() => {
    // info(true) returns the cached ConsumerInfo from startup, so lag/ack-pending never moved; ask the server.
    consumer.info().then((i) => { o.metrics.lag.set(i.num_pending); o.metrics.ackPending.set(i.num_ack_pending); },
      () => undefined);
  }, 2_000);

  const loop = (async () => {
    for await (const m of messages) {
      o.metrics.received.inc();
      if (current.length === 0) currentStarted = performance.now();
      const info = m.info;
      const result = processMessage(m.subject, m.data, info.streamSequence, names.subjectPrefix);
      current.push({ reply: replyOf(m), subject: m.subject, seq: info.streamSequence, deliveryCount: info.deliveryCount,
        data: result.kind === 'deadLetter' ? m.data.slice() : undefined, result });
      if (current.length >= batchSize) await rotate();
    }
    if (!stopping) throw new Error('the consumer stopped delivering');
  })().catch((err: Error) => {
    healthy = false;
    o.log.error({ err: err.message }, 'consume loop ended');
    if (!stopping) o.onFatal?.(err);
  });

  o.log.info({ stream: names.ops, durable, batchSize, flushMs }, 'ingest started');
  return {
    healthy: () => healthy,
    async stop() {
      if (stopping) return;
      stopping = true;
      clearInterval(lagTimer);
      await messages.close().catch(() => undefined);
      await loop;
      clearInterval(timer);
      await rotate();
      await inFlight;
      clearInterval(keepAlive);
      o.log.info({ written: o.metrics.written.get(), rejected: o.metrics.rejected.get() }, 'ingest stopped');
    },
  };
}

const WORKING_BODY = new TextEncoder().encode('+WPI');

/**
 * The message's JetStream reply subject ($JS.ACK.…), where acks go. nats.js exposes it on its JsMsg
 * implementation but not on the interface; fail loudly if that ever changes rather than never acking.
 */
function replyOf(m: JsMsg): string {
  const reply = (m as Partial<{ reply: string }>).reply;
  if (typeof reply !== 'string' || !reply.startsWith('$JS.ACK.')) throw new Error('JetStream message without an ack subject');
  return reply;
}
