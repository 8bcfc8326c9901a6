/**
 * The allocation state: positions per SKU-location and governed state, live and finished orders, inbound
 * stock and idempotency records. It changes only through `apply(change)` — the same path for a fresh decision
 * and for replaying the log — so what the leader decided and what a new leader rebuilds cannot differ.
 */
import type { Channel, InventoryState } from '../contracts/index.ts';
import type { Position } from '../contracts/api/allocation.ts';
import type { Change, IdempotencyRecord, InboundRecord, MovementRecord, OrderRecord } from './changes.ts';

export interface Pos {
  on_hand: number;
  reserved: number;
  quality_hold: number;
  damaged: number;
  in_transit: number;
  pending_inspection: number;
  channel_commitment: number;
  safety_stock: number;
  /** Remaining commitment per channel (sums to channel_commitment). */
  commitments: Partial<Record<Channel, number>>;
}

export const emptyPos = (): Pos => ({ on_hand: 0, reserved: 0, quality_hold: 0, damaged: 0, in_transit: 0, pending_inspection: 0,
  channel_commitment: 0, safety_stock: 0, commitments: {} });

/** Add movements to a position (the one place a position changes). */
export function applyMovements(p: Pos, movements: MovementRecord['movements']): void {
  for (const mv of movements) {
    p[mv.state] += mv.delta;
    if (mv.state === 'channel_commitment' && mv.channel) p.commitments[mv.channel] = (p.commitments[mv.channel] ?? 0) + mv.delta;
  }
}

/** Available to promise: on hand − reserved − holds − damaged − commitments − safety stock (+ the channel's own commitment). */
export function atpOf(p: Pos, channel?: Channel): number {
  const own = channel ? (p.commitments[channel] ?? 0) : 0;
  return p.on_hand - p.reserved - p.quality_hold - p.damaged - p.channel_commitment - p.safety_stock + own;
}

/** The API view of a position. */
export function positionView(sku: string, location: string, p: Pos, channel?: Channel): Position {
  return { sku, location, onHand: p.on_hand, reserved: p.reserved, qualityHold: p.quality_hold, damaged: p.damaged,
    inTransit: p.in_transit, pendingInspection: p.pending_inspection, channelCommitment: p.channel_commitment,
    safetyStock: p.safety_stock, atp: atpOf(p, channel) };
}

/** Idempotency answers kept for a day and at most this many (oldest first out): ~300 B each, ~150 MB worst case. */
export const MAX_IDEMPOTENCY_RECORDS = 500_000;

export class AllocationState {
  /** sku → location → position. */
  readonly positions = new Map<string, Map<string, Pos>>();
  readonly orders = new Map<string, OrderRecord>();
  /** Orders in `held` status (the expiry sweep walks only these). */
  readonly holds = new Set<string>();
  readonly inbound = new Map<string, InboundRecord>();
  readonly idempotency = new Map<string, IdempotencyRecord>();
  /** The last log sequence applied, and the last OPS sequence the feed applied. */
  logSeq = 0;
  opsSeq = 0;
  /** Per feed subject filter, the last OPS sequence applied. */
  feedSeqs: Record<string, number> = {};
  /** The last log sequence that carried a movement: the ledger is complete to here once it has landed it. */
  movedSeq = 0;

  position(sku: string, location: string): Pos | undefined {
    return this.positions.get(sku)?.get(location);
  }

  knowsSku(sku: string): boolean {
    return this.positions.has(sku);
  }

  /** Available to promise: on hand − reserved − holds − damaged − commitments − safety stock (+ the channel's own commitment). */
  atp(sku: string, location: string, channel?: Channel): number {
    const p = this.position(sku, location);
    return p ? atpOf(p, channel) : 0;
  }

  /** Apply one change; `logSeq` is the log message that carried it. */
  apply(change: Change, logSeq: number): void {
    for (const m of change.moves ?? []) {
      let byLoc = this.positions.get(m.sku);
      if (!byLoc) this.positions.set(m.sku, (byLoc = new Map()));
      let p = byLoc.get(m.location);
      if (!p) byLoc.set(m.location, (p = emptyPos()));
      applyMovements(p, m.movements);
    }
    for (const o of change.orders ?? []) {
      this.orders.set(o.orderId, o);
      if (o.status === 'held') this.holds.add(o.orderId);
      else this.holds.delete(o.orderId);
    }
    for (const r of change.inbound ?? []) {
      if (Object.keys(r.lines).length === 0 && Object.keys(r.inTransit).length === 0) this.inbound.delete(r.ref);
      else this.inbound.set(r.ref, r);
    }
    if (change.idem) {
      this.idempotency.delete(change.idem.key);
      this.idempotency.set(change.idem.key, change.idem);
      if (this.idempotency.size > MAX_IDEMPOTENCY_RECORDS) this.idempotency.delete(this.idempotency.keys().next().value!);
    }
    if (change.opsSeq !== undefined) {
      if (change.opsSeq > this.opsSeq) this.opsSeq = change.opsSeq;
      const f = change.feed ?? '';
      if (change.opsSeq > (this.feedSeqs[f] ?? 0)) this.feedSeqs[f] = change.opsSeq;
    }
    if (change.pruneBefore !== undefined) this.prune(change.pruneBefore);
    if (logSeq > this.logSeq) this.logSeq = logSeq;
    if (logSeq > this.movedSeq && change.moves?.length) this.movedSeq = logSeq;
  }

  private prune(before: number): void {
    for (const [id, o] of this.orders) {
      if (o.status !== 'held' && o.status !== 'reserved' && o.at < before) this.orders.delete(id);
    }
    // Insertion order is time order (a re-used key is re-inserted), so stop at the first young record.
    for (const [key, r] of this.idempotency) {
      if (r.at >= before) break;
      this.idempotency.delete(key);
    }
  }

  /** The API view of a position. */
  view(sku: string, location: string, channel?: Channel): Position {
    return positionView(sku, location, this.position(sku, location) ?? emptyPos(), channel);
  }

  /** Every position, for the drift detector and snapshots. */
  *allPositions(): Generator<Position> {
    for (const [sku, byLoc] of this.positions) for (const loc of byLoc.keys()) yield this.view(sku, loc);
  }

  /** Quantity of a governed state (for invariant checks). */
  quantity(sku: string, location: string, state: InventoryState): number {
    return this.position(sku, location)?.[state] ?? 0;
  }
}
