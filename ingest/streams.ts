/**
 * Stream and consumer setup for the event backbone. Idempotent: every process calls it at start.
 * Numbers: the duplicate window (2 min) bounds how late a re-sent event is still dropped by JetStream;
 * discard 'new' makes a full stream refuse publishes instead of silently dropping un-ingested events.
 */
import { AckPolicy, DeliverPolicy, DiscardPolicy, jetstreamManager, RetentionPolicy, StorageType,
  type JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import type { NatsConnection } from '../runtime/nats.ts';
import { ALL_EVENTS_SUBJECT, DEADLETTER_PREFIX, DEADLETTER_STREAM, OPS_STREAM } from '../contracts/index.ts';

export interface StreamLimits {
  /** Events older than this are removed even if not ingested: ingest must not be down longer. */
  maxAgeMs: number;
  maxBytes: number;
  duplicateWindowMs: number;
}

export const DEFAULT_LIMITS: StreamLimits = {
  maxAgeMs: 7 * 24 * 3600_000,
  maxBytes: 20 * 1024 ** 3,
  duplicateWindowMs: 120_000,
};

export interface ConsumerSettings {
  /** Explicit acks: with several ingest processes, AckAll would ack another process's un-inserted events. */
  ackWaitMs: number;
  /**
   * Must exceed what one process holds (batch filling + batch writing + pull buffer = 3 × 10k): JetStream's
   * default 1000 silently caps throughput. It is also the memory bound during a long ClickHouse outage: nats.js
   * re-issues pulls on missed heartbeats while the loop is blocked, and only this limit stops delivery
   * (40k events ≈ 60 MB, inside the ingest heap cap; 100k measured as too much for it).
   */
  maxAckPending: number;
}

export const DEFAULT_CONSUMER: ConsumerSettings = { ackWaitMs: 30_000, maxAckPending: 40_000 };

export interface StreamNames { ops: string; deadletter: string; subjectPrefix: string; deadletterPrefix: string }

/** Production names; tests pass their own to get an isolated stream per test. */
export const STREAM_NAMES: StreamNames = {
  ops: OPS_STREAM, deadletter: DEADLETTER_STREAM, subjectPrefix: 'ops', deadletterPrefix: DEADLETTER_PREFIX,
};

export async function ensureStreams(nc: NatsConnection, names = STREAM_NAMES, limits = DEFAULT_LIMITS): Promise<JetStreamManager> {
  const jsm = await jetstreamManager(nc);
  await upsertStream(jsm, {
    name: names.ops,
    subjects: [names.subjectPrefix === 'ops' ? ALL_EVENTS_SUBJECT : `${names.subjectPrefix}.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.New,
    max_age: nanos(limits.maxAgeMs),
    max_bytes: limits.maxBytes,
    max_msg_size: 1024 * 1024,
    duplicate_window: nanos(limits.duplicateWindowMs),
  });
  await upsertStream(jsm, {
    name: names.deadletter,
    subjects: [`${names.deadletterPrefix}.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: nanos(30 * 24 * 3600_000),
    max_bytes: 2 * 1024 ** 3,
    duplicate_window: nanos(limits.duplicateWindowMs),
  });
  return jsm;
}

async function upsertStream(jsm: JetStreamManager, cfg: Parameters<JetStreamManager['streams']['add']>[0]): Promise<void> {
  try {
    await jsm.streams.info(cfg.name!);
    await jsm.streams.update(cfg.name!, cfg);
  } catch (err) {
    if (!/stream not found/i.test((err as Error).message)) throw err;
    await jsm.streams.add(cfg);
  }
}

export async function ensureConsumer(jsm: JetStreamManager, stream: string, durable: string,
  s: ConsumerSettings = DEFAULT_CONSUMER): Promise<void> {
  const cfg = {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(s.ackWaitMs),
    max_ack_pending: s.maxAckPending,
    max_deliver: -1,
  };
  try {
    await jsm.consumers.info(stream, durable);
    await jsm.consumers.update(stream, durable, { ack_wait: cfg.ack_wait, max_ack_pending: cfg.max_ack_pending });
  } catch (err) {
    if (!/consumer not found/i.test((err as Error).message)) throw err;
    await jsm.consumers.add(stream, cfg);
  }
}
