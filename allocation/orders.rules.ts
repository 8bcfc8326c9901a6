/**
 * What happens to an order's reservation after reserve: a hold is confirmed into a reservation, a reservation
 * is released (cancel) or committed (shipped: on hand goes down), a hold lapses at its expiry. Each is one
 * change; repeating a finished transition answers with the order's state and changes nothing.
 */
import type { OrderResult } from '../contracts/api/allocation.ts';
import type { MovementReason } from '../contracts/index.ts';
import type { Change, MovementRecord, OrderRecord, OrderStatus } from './changes.ts';
import { refuse, type Decision } from './decision.ts';
import type { AllocationState } from './state.ts';

const result = (o: OrderRecord, status: OrderResult['status']): OrderResult => ({
  orderId: o.orderId, status, logSeq: 0, allocations: o.lines.map((l) => ({ sku: l.sku, location: l.location, qty: l.qty })),
});

function live(state: AllocationState, orderId: string, now: number): OrderRecord | { error: Decision<never> } {
  const o = state.orders.get(orderId);
  if (!o) return { error: refuse('not_found', `no reservation for order ${orderId}`) };
  if (o.status === 'held' && o.expiresAt !== undefined && o.expiresAt <= now) {
    return { error: refuse('invalid_state', `the hold on order ${orderId} expired at ${new Date(o.expiresAt).toISOString()}`) };
  }
  return o;
}

/** Undo a reservation's movements: the release of a cancel or an expired hold. */
function unreserve(o: OrderRecord, reason: MovementReason, status: OrderStatus, now: number, cause?: string): Change {
  const moves: MovementRecord[] = o.lines.map((l) => ({ sku: l.sku, location: l.location, reason, reference: o.orderId,
    ...(cause ? { causeEventId: cause } : {}), movements: [
      { state: 'reserved', delta: -l.qty, channel: o.channel },
      ...(l.fromCommitment > 0 ? [{ state: 'channel_commitment' as const, delta: l.fromCommitment, channel: o.channel }] : []),
    ] }));
  return { at: now, moves, orders: [{ ...o, status, at: now, expiresAt: undefined }] };
}

export function decideConfirm(state: AllocationState, orderId: string, now: number): Decision<OrderResult> {
  const o = live(state, orderId, now);
  if ('error' in o) return o.error;
  if (o.status === 'reserved') return { ok: true, result: result(o, 'reserved'), change: null };
  if (o.status !== 'held') return refuse('invalid_state', `order ${orderId} is ${o.status}; only a hold can be confirmed`);
  const next: OrderRecord = { ...o, status: 'reserved', at: now, expiresAt: undefined };
  return { ok: true, result: result(next, 'reserved'), change: { at: now, orders: [next] } };
}

export function decideRelease(state: AllocationState, orderId: string, now: number, cause?: string): Decision<OrderResult> {
  const o = state.orders.get(orderId);
  if (!o) return refuse('not_found', `no reservation for order ${orderId}`);
  if (o.status === 'released' || o.status === 'expired') return { ok: true, result: result(o, o.status), change: null };
  if (o.status === 'committed') return refuse('invalid_state', `order ${orderId} was committed (shipped); book a return instead`);
  return { ok: true, result: result(o, 'released'), change: unreserve(o, 'release', 'released', now, cause) };
}

export function decideCommit(state: AllocationState, orderId: string, now: number, cause?: string): Decision<OrderResult> {
  const o = live(state, orderId, now);
  if ('error' in o) return o.error;
  if (o.status === 'committed') return { ok: true, result: result(o, 'committed'), change: null };
  if (o.status !== 'held' && o.status !== 'reserved') return refuse('invalid_state', `order ${orderId} is ${o.status}; nothing to commit`);
  const moves: MovementRecord[] = o.lines.map((l) => ({ sku: l.sku, location: l.location, reason: 'commit', reference: o.orderId,
    ...(cause ? { causeEventId: cause } : {}), movements: [
      { state: 'reserved', delta: -l.qty, channel: o.channel }, { state: 'on_hand', delta: -l.qty },
    ] }));
  const next: OrderRecord = { ...o, status: 'committed', at: now, expiresAt: undefined };
  return { ok: true, result: result(next, 'committed'), change: { at: now, moves, orders: [next] } };
}

/**
 * Holds lapsed per change, at most: a change must fit one log message (1 MB); 500 holds of a few lines each is
 * ~200 KB. More lapse on the next sweep, 200 ms later.
 */
export const MAX_EXPIRIES_PER_CHANGE = 500;

/** Holds whose expiry has passed, released in one change (null when none). */
export function expireHolds(state: AllocationState, now: number): Change | null {
  const changes: Change[] = [];
  for (const id of state.holds) {
    const o = state.orders.get(id)!;
    if (o.expiresAt !== undefined && o.expiresAt <= now) changes.push(unreserve(o, 'hold_expired', 'expired', now));
    if (changes.length >= MAX_EXPIRIES_PER_CHANGE) break;
  }
  if (changes.length === 0) return null;
  return { at: now, moves: changes.flatMap((c) => c.moves ?? []), orders: changes.flatMap((c) => c.orders ?? []) };
}
