/**
 * The engine's durable state in the JetStream KV bucket ALERT_STATE (key `book`): the book snapshot (open and
 * recently resolved alerts, silences) plus the outbox — notices not yet acknowledged by the ALERTS stream and
 * transitions not yet accepted by ClickHouse — so a restart republishes them (the stream's duplicate window drops
 * a notice that had in fact landed; alert_transitions collapses a re-written transition) — and the event rules'
 * window keys (acked events are not redelivered). Written at most every
 * 2 s while it changes, and on shutdown; gzip-compressed JSON (1,000 alerts ≈ 1.5 MB of JSON ≈ 150 KB gzipped,
 * well under NATS's 1 MB message limit).
 *
 * Fenced: every save names the revision this engine last read or wrote (KV compare-and-set), so when two engines
 * overlap during a failover only one line of state survives — a stale leader's save fails with FencedError and it
 * stands down; a new leader claims the state (claim()) before it acts, which fences the old one at once.
 */
import { Kvm, type KV } from '@nats-io/kv';
import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import { AlertNoticeSchema, AlertSchema, AlertTransitionSchema, SilenceSchema, type AlertNotice, type AlertTransition } from '../../contracts/alerts.ts';
import type { NatsConnection } from '../../runtime/nats.ts';
import type { BookSnapshot } from '../lifecycle/types.ts';
import type { WindowDump } from '../sources/event-window.ts';

export const STATE_BUCKET = 'ALERT_STATE';
const KEY = 'book';

export interface EngineState {
  savedAt: number;
  book: BookSnapshot;
  outbox: { notices: AlertNotice[]; transitions: AlertTransition[] };
  /** Event rules' window keys by rule id (alerts/sources/event-window.ts). */
  windows?: Record<string, WindowDump>;
}

const EngineStateSchema = z.object({
  savedAt: z.number(),
  book: z.object({ alerts: z.array(AlertSchema), silences: z.array(SilenceSchema) }),
  outbox: z.object({ notices: z.array(AlertNoticeSchema), transitions: z.array(AlertTransitionSchema) }),
  windows: z.record(z.string(), z.array(z.tuple([z.string(), z.any()]))).optional(),
});

/** Another engine saved the state since this one read it: this one is no longer the leader. */
export class FencedError extends Error {}

export class StateStore {
  /** The revision this engine last read or wrote; 0 = the key did not exist. */
  private revision = 0;
  private constructor(private readonly kv: KV) {}

  static async open(o: { nc: NatsConnection; bucket?: string }): Promise<StateStore> {
    return new StateStore(await new Kvm(o.nc).create(o.bucket ?? STATE_BUCKET, { history: 1 }));
  }

  /** The last saved state; null on first start. Throws when the stored value is unreadable (the caller decides). */
  async load(): Promise<EngineState | null> {
    const e = await this.kv.get(KEY);
    this.revision = e?.revision ?? 0;
    if (!e || e.operation !== 'PUT' || e.value.length === 0) return null;
    return EngineStateSchema.parse(JSON.parse(gunzipSync(e.value).toString('utf8')));
  }

  /** Save if nobody else saved since this engine's last read or write; FencedError otherwise. */
  async save(s: EngineState): Promise<void> {
    const data = gzipSync(Buffer.from(JSON.stringify(s)));
    try {
      this.revision = this.revision === 0 ? await this.kv.create(KEY, data) : await this.kv.update(KEY, data, this.revision);
    } catch (err) {
      if (/wrong last sequence|key exists/i.test((err as Error).message)) throw new FencedError('another alert engine saved the state: this one is no longer the leader');
      throw err;
    }
  }
}
