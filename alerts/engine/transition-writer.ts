/**
 * Storing transitions in ClickHouse (alert_transitions): batches of up to 500, written 250 ms after the first
 * transition of a batch arrives, one batch at a time. A failed batch is retried as is (same rows, same bytes, so
 * the insert deduplication token drops a retry that had landed) with back-off 100 ms → 5 s, while new transitions
 * queue behind it. The queue is bounded at 50k (hours of a ClickHouse outage at a busy day's rate): beyond it the
 * oldest are dropped and counted — the ALERTS stream and the engine's state still hold every alert.
 */
import type { Db } from '../../clickhouse/client.ts';
import { insertAlertTransitions } from '../../clickhouse/queries/insertAlertTransitions.ts';
import type { AlertTransition } from '../../contracts/alerts.ts';
import type { Logger } from '../../runtime/logger.ts';

const BATCH = 500;
const MAX_QUEUE = 50_000;

export class TransitionWriter {
  private queue: AlertTransition[] = [];
  private batch: AlertTransition[] = [];
  private timer?: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();
  private backoffMs = 0;
  private stopped = false;

  constructor(private readonly o: { db: Db; log: Logger; flushMs?: number; onWritten?: (n: number) => void; onError?: () => void;
    onDropped?: (n: number) => void }) {}

  enqueue(rows: AlertTransition[]): void {
    if (rows.length === 0) return;
    this.queue.push(...rows);
    if (this.queue.length > MAX_QUEUE) {
      const dropped = this.queue.splice(0, this.queue.length - MAX_QUEUE);
      this.o.onDropped?.(dropped.length);
      this.o.log.error({ dropped: dropped.length }, 'transition queue full; oldest transitions dropped');
    }
    this.schedule(this.o.flushMs ?? 250);
  }

  /** Transitions not yet accepted by ClickHouse (the batch being written first). */
  pending(): AlertTransition[] { return [...this.batch, ...this.queue]; }

  /** Write everything queued, trying for at most `timeoutMs`. */
  async flush(timeoutMs = 10_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    clearTimeout(this.timer);
    this.timer = undefined;
    while ((this.queue.length > 0 || this.batch.length > 0) && Date.now() < until) {
      await this.writing;
      if (this.queue.length > 0 || this.batch.length > 0) await this.writeOnce();
      clearTimeout(this.timer); // this loop retries, not the timer a failure scheduled
      this.timer = undefined;
      if (this.backoffMs > 0) await new Promise((r) => setTimeout(r, Math.min(this.backoffMs, Math.max(0, until - Date.now()))));
    }
  }

  stop(): void { this.stopped = true; clearTimeout(this.timer); }

  private schedule(ms: number): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writing = this.writing.then(() => this.writeOnce());
    }, ms);
  }

  private async writeOnce(): Promise<void> {
    if (this.batch.length === 0) this.batch = this.queue.splice(0, BATCH);
    if (this.batch.length === 0) return;
    try {
      await insertAlertTransitions({ db: this.o.db, rows: this.batch });
      this.o.onWritten?.(this.batch.length);
      this.batch = [];
      this.backoffMs = 0;
      if (this.queue.length > 0) this.schedule(0);
    } catch (err) {
      this.o.onError?.();
      this.backoffMs = Math.min(5_000, Math.max(100, this.backoffMs * 2));
      this.o.log.warn({ err: (err as Error).message, rows: this.batch.length, retryMs: this.backoffMs }, 'transition write failed; retrying');
      this.schedule(this.backoffMs);
    }
  }
}
