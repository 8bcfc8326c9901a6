/**
 * The ALERTS stream: every notice the engine publishes on `alerts.<site>.<type>` (msgID = notice id), which the
 * realtime gateway replays to a reconnecting client from its last sequence. Idempotent; the engine and every
 * gateway call it at start.
 * Numbers: 7 days of notices (a client offline longer reloads the alert list over the API: SubscribeResult.gap);
 * a 2-minute duplicate window, so a notice republished after an engine crash within it is dropped (notice ids are
 * content hashes); 1 GiB at most — a busy day is ~10k notices of ~2 KB = 20 MB, so the cap only guards against a
 * runaway rule; discard old, because a notice stream must keep taking the newest.
 */
import { DiscardPolicy, jetstreamManager, RetentionPolicy, StorageType, type JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { ALERTS_STREAM, ALERTS_SUBJECT_PREFIX } from '../contracts/alerts.ts';
import type { NatsConnection } from '../runtime/nats.ts';

export interface AlertsStreamLimits { maxAgeMs: number; maxBytes: number; duplicateWindowMs: number }

export const ALERTS_STREAM_LIMITS: AlertsStreamLimits = { maxAgeMs: 7 * 86_400_000, maxBytes: 1024 ** 3, duplicateWindowMs: 120_000 };

/** Create or update the stream (`name` and `prefix` only differ in tests). */
export async function ensureAlertsStream(nc: NatsConnection, o: { name?: string; prefix?: string; limits?: AlertsStreamLimits } = {}): Promise<JetStreamManager> {
  const jsm = await jetstreamManager(nc);
  const l = o.limits ?? ALERTS_STREAM_LIMITS;
  const cfg = {
    name: o.name ?? ALERTS_STREAM,
    subjects: [`${o.prefix ?? ALERTS_SUBJECT_PREFIX}.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: nanos(l.maxAgeMs),
    max_bytes: l.maxBytes,
    max_msg_size: 1024 * 1024,
    duplicate_window: nanos(l.duplicateWindowMs),
  };
  try {
    await jsm.streams.info(cfg.name);
    await jsm.streams.update(cfg.name, cfg);
  } catch (err) {
    if (!/stream not found/i.test((err as Error).message)) throw err;
    await jsm.streams.add(cfg);
  }
  return jsm;
}
