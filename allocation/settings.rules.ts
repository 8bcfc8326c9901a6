/**
 * Movements a planner books by hand: count corrections, damage found, damaged units disposed, safety stock
 * and channel commitments. Settings are booked as the difference to the current value, so the ledger stays a
 * plain sum of movements.
 */
import type { AdjustRequest, ChangeResult, CommitmentRequest, SafetyStockRequest } from '../contracts/api/allocation.ts';
import type { MovementRecord } from './changes.ts';
import { refuse, type Decision } from './decision.ts';
import { applyMovements, emptyPos, positionView, type AllocationState, type Pos } from './state.ts';

function changed(state: AllocationState, move: MovementRecord, now: number): Decision<ChangeResult> {
  // The result shows the position after the change: the movements applied to a copy, not to the state.
  const current = state.position(move.sku, move.location);
  const after: Pos = current ? { ...current, commitments: { ...current.commitments } } : emptyPos();
  applyMovements(after, move.movements);
  return { ok: true, result: { position: positionView(move.sku, move.location, after), logSeq: 0 }, change: { at: now, moves: [move] } };
}

export function decideAdjust(state: AllocationState, knownLocation: (id: string) => boolean, req: AdjustRequest, now: number): Decision<ChangeResult> {
  if (!knownLocation(req.location)) return refuse('unknown_location', `unknown location ${req.location}`);
  const p = state.position(req.sku, req.location);
  const base = { sku: req.sku, location: req.location, reference: req.reference };
  if (req.kind === 'adjustment') {
    if ((p?.on_hand ?? 0) + req.qty < 0) return refuse('invalid_state', `on hand would go below zero (${p?.on_hand ?? 0} ${req.qty})`);
    return changed(state, { ...base, reason: 'adjustment', movements: [{ state: 'on_hand', delta: req.qty }] }, now);
  }
  if (req.qty < 0) return refuse('bad_request', `${req.kind} takes a positive qty`);
  if (req.kind === 'damage') {
    if ((p?.on_hand ?? 0) - (p?.damaged ?? 0) < req.qty) {
      return refuse('invalid_state', `only ${(p?.on_hand ?? 0) - (p?.damaged ?? 0)} undamaged units on hand`);
    }
    return changed(state, { ...base, reason: 'damage', movements: [{ state: 'damaged', delta: req.qty }] }, now);
  }
  if ((p?.damaged ?? 0) < req.qty) return refuse('invalid_state', `only ${p?.damaged ?? 0} damaged units to dispose of`);
  return changed(state, { ...base, reason: 'damage_disposed',
    movements: [{ state: 'damaged', delta: -req.qty }, { state: 'on_hand', delta: -req.qty }] }, now);
}

export function decideSafetyStock(state: AllocationState, knownLocation: (id: string) => boolean, req: SafetyStockRequest, now: number): Decision<ChangeResult> {
  if (!knownLocation(req.location)) return refuse('unknown_location', `unknown location ${req.location}`);
  const delta = req.qty - (state.position(req.sku, req.location)?.safety_stock ?? 0);
  if (delta === 0) return { ok: true, result: { position: state.view(req.sku, req.location), logSeq: state.logSeq }, change: null };
  return changed(state, { sku: req.sku, location: req.location, reason: 'safety_stock_set', reference: req.idempotencyKey,
    movements: [{ state: 'safety_stock', delta }] }, now);
}

export function decideCommitment(state: AllocationState, knownLocation: (id: string) => boolean, req: CommitmentRequest, now: number): Decision<ChangeResult> {
  if (!knownLocation(req.location)) return refuse('unknown_location', `unknown location ${req.location}`);
  const delta = req.qty - (state.position(req.sku, req.location)?.commitments[req.channel] ?? 0);
  if (delta === 0) return { ok: true, result: { position: state.view(req.sku, req.location), logSeq: state.logSeq }, change: null };
  return changed(state, { sku: req.sku, location: req.location, reason: 'commitment_set', reference: req.idempotencyKey,
    movements: [{ state: 'channel_commitment', delta, channel: req.channel }] }, now);
}
