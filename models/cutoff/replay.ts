/**
 * Replaying a history for training and backtests: events in time order through the feature builder, with each
 * order snapshotted at fixed checkpoints — when it is created, and 120, 60, 30 and 15 minutes before its cutoff
 * while it still waits for its handoff. One model serves every checkpoint (minutes to cutoff is a feature);
 * the backtest reports each checkpoint on its own, because what can be known an hour before a truck is due
 * differs from what can be known at checkout.
 */
import type { OpsEvent } from '../../contracts/index.ts';
import { CUTOFF_EVENT_TYPES, CutoffFeatureBuilder, type OrderRecord } from './feature-builder.ts';
import { FEATURE_COUNT, type OrderSnapshot } from './features.ts';
import { MinHeap } from './rolling.ts';

/** Minutes before the cutoff at which open orders are scored, after the snapshot at creation. */
export const CHECKPOINT_MINUTES = [120, 60, 30, 15] as const;
/** Checkpoint names, index = the value stored per row: 'created', '120m', '60m', '30m', '15m'. */
export const CHECKPOINTS = ['created', ...CHECKPOINT_MINUTES.map((m) => `${m}m`)] as const;
export type Checkpoint = (typeof CHECKPOINTS)[number];

export interface TimedEvent { ev: OpsEvent; ms: number }

/** The events the cutoff model reads, stably sorted by occurredAt (files may come concatenated per family). */
export function timeOrder(events: Iterable<OpsEvent>): TimedEvent[] {
  const out: TimedEvent[] = [];
  for (const ev of events) if (CUTOFF_EVENT_TYPES.has(ev.type)) out.push({ ev, ms: Date.parse(ev.occurredAt) });
  return out.sort((a, b) => a.ms - b.ms);
}

/** Snapshots as columns: one row per order × checkpoint, features packed in a Float32Array. */
export class RowStore {
  x = new Float32Array(FEATURE_COUNT * 1024);
  orders: OrderRecord[] = [];
  checkpoint: number[] = [];
  at: number[] = [];
  shortfall: number[] = [];
  pTruck: number[] = [];
  /** Set for training rows: the order's truck came after its cutoff (kept out of the network's fit). */
  truckLate: boolean[] = [];
  readyAt: number[] = [];
  carrier: (string | undefined)[] = [];
  cutoffMs: number[] = [];

  get length(): number { return this.orders.length; }

  push(s: OrderSnapshot, checkpoint: number): void {
    const i = this.orders.length;
    if ((i + 1) * FEATURE_COUNT > this.x.length) {
      const grown = new Float32Array(this.x.length * 2);
      grown.set(this.x);
      this.x = grown;
    }
    this.x.set(s.x, i * FEATURE_COUNT);
    this.orders.push(s.order);
    this.checkpoint.push(checkpoint);
    this.at.push(s.at);
    this.shortfall.push(s.ruleShortfallHours);
    this.pTruck.push(s.pTruck);
    this.truckLate.push(false);
    this.readyAt.push(s.readyAtMs);
    this.carrier.push(s.carrier);
    this.cutoffMs.push(s.cutoffMs);
  }

  /** The rows whose index passes `keep`, as a new store. */
  select(keep: (i: number) => boolean): RowStore {
    const out = new RowStore();
    const idx: number[] = [];
    for (let i = 0; i < this.length; i++) if (keep(i)) idx.push(i);
    out.x = new Float32Array(Math.max(1, idx.length) * FEATURE_COUNT);
    idx.forEach((i, k) => {
      out.x.set(this.x.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT), k * FEATURE_COUNT);
      out.orders.push(this.orders[i]); out.checkpoint.push(this.checkpoint[i]); out.at.push(this.at[i]);
      out.shortfall.push(this.shortfall[i]); out.readyAt.push(this.readyAt[i]); out.carrier.push(this.carrier[i]);
      out.pTruck.push(this.pTruck[i]); out.truckLate.push(this.truckLate[i]); out.cutoffMs.push(this.cutoffMs[i]);
    });
    return out;
  }
}

export interface ReplayOptions {
  builder?: CutoffFeatureBuilder;
  /** Which orders to snapshot (default all). */
  snapshotOrder?: (o: OrderRecord) => boolean;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Replays time-ordered events, snapshotting orders at their checkpoints into `rows`. `runUntil` can be called
 * again to go on from where it stopped: a backtest stops at the split, trains on what was known then, and
 * resumes on the same state.
 */
export class Replayer {
  readonly builder: CutoffFeatureBuilder;
  readonly rows = new RowStore();
  private readonly due = new MinHeap<{ order: OrderRecord; checkpoint: number }>();
  private next = 0;

  constructor(private readonly events: TimedEvent[], private readonly o: ReplayOptions = {}) {
    this.builder = o.builder ?? new CutoffFeatureBuilder({ retainMs: Infinity });
  }

  /** Ingest every event at or before `until` and take the snapshots due by then. */
  runUntil(until = Infinity): void {
    const { builder, events } = this;
    for (; this.next < events.length; this.next++) {
      const { ev, ms } = events[this.next];
      if (ms > until) break;
      this.fire(ms);
      builder.ingest(ev, ms);
      if (ev.type === 'orders.created') this.created(ev.orderId, ms);
      if ((this.next & 0x3fff) === 0) this.o.onProgress?.(this.next, events.length);
    }
    const last = this.next > 0 ? events[this.next - 1].ms : -Infinity;
    this.fire(Math.min(until, last) + 1);
    this.o.onProgress?.(this.next, events.length);
  }

  private created(orderId: string, ms: number): void {
    const order = this.builder.orders.get(orderId);
    if (!order || order.createdMs !== ms || !(this.o.snapshotOrder?.(order) ?? true)) return;
    this.rows.push(this.builder.snapshot(order, ms), 0);
    CHECKPOINT_MINUTES.forEach((m, k) => {
      const at = order.deadlineMs - m * 60_000;
      if (at > ms) this.due.push(at, { order, checkpoint: k + 1 });
    });
  }

  /** Take the snapshots due strictly before `upTo` (so a snapshot sees every event at its own instant). */
  private fire(upTo: number): void {
    while (this.due.size && this.due.peekKey() < upTo) {
      const at = this.due.peekKey();
      const { order, checkpoint } = this.due.pop()!;
      this.builder.advance(at);
      if (this.builder.isOpen(order)) this.rows.push(this.builder.snapshot(order, at), checkpoint);
    }
  }
}
