/**
 * Ledger sums keyed by inventory state, shaped like the allocation API's `Position` (contracts/api/allocation.ts)
 * so a ledger position and the service's position compare field by field. Available-to-promise is the
 * service's formula without a channel: on hand − reserved − quality hold − damaged − channel commitments −
 * safety stock (in transit and pending inspection are not promisable yet).
 */
import type { Position } from '../contracts/api/allocation.ts';
import type { InventoryState } from '../contracts/index.ts';

export type StateQuantities = Omit<Position, 'sku' | 'location'>;

/** Quantities per state (absent states are 0) with their available-to-promise. */
export function stateQuantities(byState: Partial<Record<InventoryState, number>>): StateQuantities {
  const q = (s: InventoryState) => Number(byState[s] ?? 0);
  const onHand = q('on_hand'), reserved = q('reserved'), qualityHold = q('quality_hold'), damaged = q('damaged');
  const channelCommitment = q('channel_commitment'), safetyStock = q('safety_stock');
  return {
    onHand, reserved, qualityHold, damaged, inTransit: q('in_transit'), pendingInspection: q('pending_inspection'),
    channelCommitment, safetyStock, atp: onHand - reserved - qualityHold - damaged - channelCommitment - safetyStock,
  };
}
