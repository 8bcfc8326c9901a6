/**
 * The event source: a durable JetStream pull consumer `alerts-engine` on OPS (`ops.>`), created with DeliverPolicy
 * new — on first start the engine looks forward, not at the stream's 7 days of history — and explicit acks. Every
 * event of a type some event rule counts or resolves on is validated against its contract and applied to that
 * rule's windows; each change is at once a partial evaluation (complete: false) of that one instance, so an event
 * reaches the book within a millisecond of its delivery. The windows are evaluated completely every
 * `everySeconds`, so counts that age out recover. Other events are acked unread.
 * Acks: an event that changed a window is acked only after a saved engine state includes it (the engine calls
 * takeUnacked() when it snapshots and acks once the snapshot is stored; a failed save gives them back), so a crash
 * never loses an acknowledged event; one redelivered after a crash is recognised by id (event-window.ts). Events
 * that changed nothing are acked at once. max_ack_pending is 20k (JetStream's default 1000 would cap a back-fill at 1000 in flight per
 * round trip); the pull buffer holds 1000.
 */
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import type { Rule } from '../../contracts/alerts.ts';
import { OpsEventSchema } from '../../contracts/index.ts';
import { OPS_STREAM } from '../../contracts/streams.ts';
import type { Logger } from '../../runtime/logger.ts';
import type { NatsConnection } from '../../runtime/nats.ts';
import type { Evaluation, Instance } from '../lifecycle/types.ts';
import type { BusinessFigures } from './business-figures.ts';
import { EventWindows, type EventRule, type FlatEvent, type WindowDump } from './event-window.ts';

export const ALERTS_CONSUMER = 'alerts-engine';
/**
 * 10 s: an event waits for the next saved state (every ALERTS_SNAPSHOT_MS, 2 s by default) before its ack, and
 * after a crash the unacked ones come back to the restarted engine this long after their delivery.
 */
const ACK_WAIT_MS = 10_000;

export interface EventSourceOptions {
  nc: NatsConnection;
  figures: BusinessFigures;
  log: Logger;
  emit: (ev: Evaluation) => void;
  stream?: string;
  subjectPrefix?: string;
  durable?: string;
  maxAckPending?: number;
  /** Called per applied event with the ms from its JetStream publish to its evaluation. */
  onEvent?: (latencyMs: number) => void;
  onPending?: (pending: number) => void;
}

/**
 * Impact of an event rule's instance: carrier events count one order per event (an exception is one parcel),
 * at the site's average order value; other events (a delayed PO names no lines) have no estimate.
 */
function eventImpact(rule: EventRule, figures: BusinessFigures) {
  return (labels: Instance['labels'], count: number): Instance['impact'] => rule.source.eventType.startsWith('carrier.')
    ? { ordersAtRisk: count, revenueAtRisk: Math.round(count * figures.orderValue({ site: labels.site }) * 100) / 100 }
    : { ordersAtRisk: 0, revenueAtRisk: 0 };
}

export class EventSource {
  private windows: EventWindows[] = [];
  private readonly nextDue = new Map<string, number>();
  private messages?: ConsumerMessages;
  private loop?: Promise<void>;
  private infoTimer?: NodeJS.Timeout;
  private stopping = false;
  /** Delivered events whose effect is in memory but not yet in a saved state. */
  private unacked: JsMsg[] = [];

  constructor(private readonly o: EventSourceOptions) {}

  /** Rules are replaced; a rule whose definition did not change keeps its windows. */
  setRules(rules: Rule[]): void {
    const old = new Map(this.windows.map((w) => [w.rule.id, w]));
    this.windows = rules.filter((r): r is EventRule => r.enabled && r.source.kind === 'event').map((r) => {
      const prev = old.get(r.id);
      return prev && JSON.stringify(prev.rule) === JSON.stringify(r) ? prev : new EventWindows(r, eventImpact(r, this.o.figures));
    });
  }

  /** Every rule's window keys, by rule id (saved with the engine state). */
  dump(): Record<string, WindowDump> { return Object.fromEntries(this.windows.map((w) => [w.rule.id, w.dump()])); }

  /** Restore saved keys of the current rules (call after setRules, before start). */
  restore(d: Record<string, WindowDump>): void { for (const w of this.windows) if (d[w.rule.id]) w.restore(d[w.rule.id]!); }

  async start(): Promise<void> {
    const stream = this.o.stream ?? OPS_STREAM;
    const durable = this.o.durable ?? ALERTS_CONSUMER;
    const jsm = await jetstreamManager(this.o.nc);
    const maxAckPending = this.o.maxAckPending ?? 20_000;
    try {
      await jsm.consumers.info(stream, durable);
      await jsm.consumers.update(stream, durable, { max_ack_pending: maxAckPending, ack_wait: nanos(ACK_WAIT_MS) });
    } catch (err) {
      if (!/consumer not found/i.test((err as Error).message)) throw err;
      await jsm.consumers.add(stream, { durable_name: durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.New,
        filter_subject: `${this.o.subjectPrefix ?? 'ops'}.>`, ack_wait: nanos(ACK_WAIT_MS), max_ack_pending: maxAckPending, max_deliver: -1 });
    }
    const consumer = await jetstream(this.o.nc).consumers.get(stream, durable);
    this.messages = await consumer.consume({ max_messages: 1000 });
    this.infoTimer = setInterval(() => { consumer.info().then((i) => this.o.onPending?.(i.num_pending), () => undefined); }, 5_000);
    const messages = this.messages;
    this.loop = (async () => {
      for await (const m of messages) this.onMessage(m);
      if (!this.stopping) throw new Error('the alerts consumer stopped delivering');
    })().catch((err: Error) => this.o.log.error({ err: err.message }, 'event source loop ended'));
  }

  /** Hand over the events a snapshot taken now includes; ack them once it is stored, or giveBack() if not. */
  takeUnacked(): JsMsg[] { return this.unacked.splice(0); }
  giveBack(ms: JsMsg[]): void { this.unacked.unshift(...ms); }
  /** New keys refused by full windows, over every rule. */
  droppedKeys(): number { return this.windows.reduce((n, w) => n + w.droppedKeys, 0); }

  /** Complete evaluations of the event rules due at `at`. */
  tick(at: number): void {
    for (const w of this.windows) {
      if ((this.nextDue.get(w.rule.id) ?? 0) > at) continue;
      this.nextDue.set(w.rule.id, at + w.rule.everySeconds * 1000);
      this.o.emit({ rule: w.rule, at, complete: true, instances: w.instances(at) });
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.infoTimer);
    await this.messages?.close().catch(() => undefined);
    await this.loop;
  }

  private onMessage(m: JsMsg): void {
    const type = m.subject.slice(m.subject.indexOf('.') + 1);
    const interested = this.windows.filter((w) => w.rule.source.eventType === type || w.rule.source.resolveOn.includes(type));
    if (interested.length > 0) {
      let parsed: unknown;
      try { parsed = m.json(); } catch { parsed = undefined; }
      // Invalid events are ingest's to dead-letter; here they are skipped.
      const r = OpsEventSchema.safeParse(parsed);
      if (r.success) {
        const at = Date.now();
        let changed = false;
        for (const w of interested) {
          const change = w.apply(r.data as unknown as FlatEvent, at);
          if (change) { changed = true; this.o.emit({ rule: w.rule, at, complete: false, instances: [change.instance] }); }
        }
        this.o.onEvent?.(Math.max(0, Date.now() - Number(m.info.timestampNanos / 1_000_000)));
        if (changed) { this.unacked.push(m); return; }
      }
    }
    m.ack();
  }
}
