/**
 * Publishes an `inventory.moved` event for every movement of a durable batch, with ids derived from the log
 * (`inv-<logSeq>-<n>`), so publishing a batch twice is harmless (JetStream's msgID window, then the ledger's
 * ReplacingMergeTree). The watermark — the last log sequence whose events were all accepted — is kept in KV;
 * a new leader re-publishes everything after it, which is how no movement is lost across a crash.
 */
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { MAX_MOVEMENTS_PER_EVENT, type InventoryMoved, type Movement } from '../contracts/index.ts';
import type { NatsConnection } from '../runtime/nats.ts';
import type { Change } from './changes.ts';

export const WATERMARK_KEY = 'emitted';
/** Batches whose events may be awaiting JetStream acks at once; beyond it the leader waits (back-pressure). */
const MAX_BATCHES_IN_FLIGHT = 128;

/** The events of one durable batch: per location, in the order the batch made them, chunked. */
export function inventoryEvents(changes: Change[], seq: number, source: string): InventoryMoved[] {
  const byLocation = new Map<string, { at: number; movements: Movement[] }>();
  for (const c of changes) {
    for (const m of c.moves ?? []) {
      let group = byLocation.get(m.location);
      if (!group) byLocation.set(m.location, (group = { at: c.at, movements: [] }));
      for (const mv of m.movements) {
        group.movements.push({ sku: m.sku, state: mv.state, delta: mv.delta, ...(mv.channel ? { channel: mv.channel } : {}),
          reason: m.reason, reference: m.reference, ...(m.causeEventId ? { causeEventId: m.causeEventId } : {}) });
      }
    }
  }
  const out: InventoryMoved[] = [];
  for (const [site, g] of byLocation) {
    for (let i = 0; i < g.movements.length; i += MAX_MOVEMENTS_PER_EVENT) {
      out.push({ id: `inv-${seq}-${out.length}`, type: 'inventory.moved', occurredAt: new Date(g.at).toISOString(), source, site,
        schemaVersion: 1, logSeq: seq, movements: g.movements.slice(i, i + MAX_MOVEMENTS_PER_EVENT) });
    }
  }
  return out;
}

export async function readWatermark(kv: KV): Promise<number> {
  const e = await kv.get(WATERMARK_KEY);
  return e && e.operation === 'PUT' ? Number(e.string()) || 0 : 0;
}

export class Emitter {
  private readonly js: JetStreamClient;
  private readonly inFlight: { seq: number; done: Promise<void>; settled: boolean }[] = [];
  private watermark: number;
  private saved: number;
  private timer: NodeJS.Timeout;
  emitted = 0;

  constructor(private readonly o: { nc: NatsConnection; kv: KV; subject: string; source: string; watermark: number;
    onFailure: (err: Error) => void; onEmitted?: (events: number) => void }) {
    this.js = jetstream(o.nc, { timeout: 10_000 });
    this.watermark = this.saved = o.watermark;
    this.timer = setInterval(() => void this.save(), 1_000);
  }

  /** Publish a durable batch's events; resolves at once unless too many batches are awaiting acks. */
  async emit(changes: Change[], seq: number): Promise<void> {
    const events = inventoryEvents(changes, seq, this.o.source);
    const done = Promise.all(events.map((e) => this.js.publish(this.o.subject, JSON.stringify(e), { msgID: e.id })))
      .then(() => { this.emitted += events.length; this.o.onEmitted?.(events.length); });
    const entry = { seq, done, settled: false };
    this.inFlight.push(entry);
    void done.then(() => { entry.settled = true; this.advance(); }, (err: Error) => this.o.onFailure(err));
    if (this.inFlight.length > MAX_BATCHES_IN_FLIGHT) await this.inFlight[0]!.done.catch(() => undefined);
  }

  /** The watermark moves only over a prefix of completed batches: a hole would lose events on takeover. */
  private advance(): void {
    while (this.inFlight.length > 0 && this.inFlight[0]!.settled) this.watermark = this.inFlight.shift()!.seq;
  }

  get position(): number { return this.watermark; }

  private async save(): Promise<void> {
    if (this.watermark === this.saved) return;
    const w = this.watermark;
    try { await this.o.kv.put(WATERMARK_KEY, String(w)); this.saved = w; } catch { /* retried next tick */ }
  }

  /** Wait for everything published, save the watermark, stop the timer. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await Promise.allSettled(this.inFlight.map((e) => e.done));
    await this.save();
  }
}
