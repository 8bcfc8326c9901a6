/**
 * Group commit with pipelining: changes decided while appends are in flight go together in the next append,
 * and up to `maxInFlight` appends are on the wire at once. Each append names the sequence it must follow —
 * predicted, since this is the only writer: if one fails, every later one fails too (wrong last sequence),
 * so fencing holds. Batches complete strictly in order; a batch with no changes (a read that must see every
 * earlier change durable) completes when the batches before it have.
 */
import type { AllocationReply } from '../contracts/api/allocation.ts';
import type { Change } from './changes.ts';
import { MAX_BATCH_BYTES, type LogWriter } from './log.ts';

export interface Pending { changes: Change[]; encoded: string[]; bytes: number; replies: AllocationReply<unknown>[]; respond: () => void }

export interface GroupCommitOptions {
  writer: LogWriter;
  /** Appends on the wire at once. 1 = classic group commit; more overlaps the append round trips. */
  maxInFlight: number;
  /** A batch is durable at `seq` (in order); its responses go out right after this returns. */
  onDurable: (changes: Change[], seq: number, pending: Pending[], appendMs: number) => Promise<void> | void;
  /** An append failed: nothing after it is durable; the owner ends the term. */
  onFailure: (err: Error, expectedLastSeq: number) => void;
  isOpen: () => boolean;
}

export class GroupCommit {
  private readonly queue: Pending[] = [];
  private inFlight = 0;
  private predicted: number;
  private tail: Promise<boolean> = Promise.resolve(true);
  private failed = false;

  constructor(private readonly o: GroupCommitOptions) {
    this.predicted = o.writer.seq;
  }

  /** Nothing queued and nothing on the wire: the in-memory state equals the log. */
  get idle(): boolean { return this.queue.length === 0 && this.inFlight === 0; }
  get queued(): number { return this.queue.length; }

  submit(changes: Change[], replies: AllocationReply<unknown>[], respond: () => void): void {
    if (changes.length === 0 && this.idle) { respond(); return; }
    const encoded = changes.map((c) => JSON.stringify(c));
    this.queue.push({ changes, encoded, bytes: encoded.reduce((n, e) => n + e.length + 1, 0), replies, respond });
    this.pump();
  }

  /** Answer everything queued (they see the term closed and send `unavailable`). */
  abandon(): void {
    for (const p of this.queue.splice(0)) p.respond();
  }

  private pump(): void {
    while (this.queue.length > 0 && this.inFlight < this.o.maxInFlight && !this.failed && this.o.isOpen()) {
      const batch: Pending[] = [this.queue.shift()!];
      let bytes = batch[0]!.bytes;
      while (this.queue.length > 0 && bytes + this.queue[0]!.bytes < MAX_BATCH_BYTES) { bytes += this.queue[0]!.bytes; batch.push(this.queue.shift()!); }
      const changes = batch.flatMap((p) => p.changes);
      let appended: Promise<{ seq: number; ms: number } | null>;
      if (changes.length === 0) {
        appended = Promise.resolve({ seq: this.predicted, ms: 0 });
      } else {
        const expected = this.predicted++;
        const t = performance.now();
        this.inFlight++;
        appended = this.o.writer.append(`{"v":1,"changes":[${batch.flatMap((p) => p.encoded).join(',')}]}`, expected)
          .then((seq) => ({ seq, ms: performance.now() - t }), (err: Error) => {
            if (!this.failed) { this.failed = true; this.o.onFailure(err, expected); }
            return null;
          })
          .finally(() => { this.inFlight--; this.pump(); });
      }
      const prev = this.tail;
      this.tail = (async () => {
        const ok = await prev;
        const r = await appended;
        if (!ok || r === null) { for (const p of batch) p.respond(); this.abandon(); return false; }
        await this.o.onDurable(changes, r.seq, batch, r.ms);
        return true;
      })();
    }
  }
}
