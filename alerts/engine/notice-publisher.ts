/**
 * Publishing notices to the ALERTS stream on `alerts.<site>.<type>` with msgID = notice id, waiting for each
 * JetStream ack; up to 32 publishes on the wire at once (pipelined: one round trip per 32 notices, not per notice).
 * A failed publish goes back to the front of the queue and is retried with back-off (100 ms → 5 s) for as long
 * as it takes: a notice is never dropped, and a retry of one that had landed is dropped by the stream's duplicate
 * window. `pending()` is the outbox the engine saves with its state.
 */
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { alertSubject, type AlertNotice } from '../../contracts/alerts.ts';
import type { Logger } from '../../runtime/logger.ts';
import type { NatsConnection } from '../../runtime/nats.ts';

export class NoticePublisher {
  private readonly js: JetStreamClient;
  private queue: AlertNotice[] = [];
  private readonly inFlight = new Map<string, AlertNotice>();
  private backoffMs = 0;
  private retryTimer?: NodeJS.Timeout;
  private idle: (() => void)[] = [];

  constructor(private readonly o: { nc: NatsConnection; log: Logger; subjectPrefix?: string; maxInFlight?: number;
    onPublished?: (n: AlertNotice) => void; onError?: () => void }) {
    this.js = jetstream(o.nc);
  }

  enqueue(notices: AlertNotice[]): void {
    if (notices.length === 0) return;
    this.queue.push(...notices);
    this.pump();
  }

  /** Notices not yet acknowledged by the stream, oldest first. */
  pending(): AlertNotice[] { return [...this.inFlight.values(), ...this.queue]; }

  /** Resolves when everything enqueued so far is acknowledged (or `timeoutMs` passed). */
  async flush(timeoutMs = 10_000): Promise<void> {
    if (this.inFlight.size === 0 && this.queue.length === 0) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, timeoutMs);
      this.idle.push(() => { clearTimeout(t); resolve(); });
    });
  }

  stop(): void { clearTimeout(this.retryTimer); }

  private subject(n: AlertNotice): string {
    const s = alertSubject(n.alert.site, n.alert.type);
    return this.o.subjectPrefix ? `${this.o.subjectPrefix}${s.slice(s.indexOf('.'))}` : s;
  }

  private pump(): void {
    if (this.retryTimer) return;
    while (this.queue.length > 0 && this.inFlight.size < (this.o.maxInFlight ?? 32)) {
      const n = this.queue.shift()!;
      this.inFlight.set(n.id, n);
      this.js.publish(this.subject(n), JSON.stringify(n), { msgID: n.id }).then(() => {
        this.inFlight.delete(n.id);
        this.backoffMs = 0;
        this.o.onPublished?.(n);
        this.pump();
      }, (err: Error) => {
        this.inFlight.delete(n.id);
        this.queue.unshift(n);
        this.o.onError?.();
        this.backoffMs = Math.min(5_000, Math.max(100, this.backoffMs * 2));
        this.o.log.warn({ err: err.message, notice: n.id, retryMs: this.backoffMs }, 'notice publish failed; retrying');
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => { this.retryTimer = undefined; this.pump(); }, this.backoffMs);
      });
    }
    if (this.inFlight.size === 0 && this.queue.length === 0) for (const f of this.idle.splice(0)) f();
  }
}
