/**
 * Inventory movements: the ledger of governed states per SKU-location, emitted by the allocation service
 * (the only writer of these states). Positions are the sum of movements, never edited in place.
 */
import { z } from 'zod';
import { eventSchema, Id } from './envelope.ts';
import { Channel } from './orders.ts';

/**
 * The governed states of a SKU-location. `on_hand` counts every unit in the building (held and damaged ones
 * included); the others say what part of it (or of what is coming) may not be promised.
 */
export const InventoryState = z.enum([
  'on_hand', 'reserved', 'quality_hold', 'damaged', 'in_transit', 'pending_inspection', 'channel_commitment',
  'safety_stock',
]);
export type InventoryState = z.infer<typeof InventoryState>;

/** Why a movement happened; the reference names the order, hold, PO, ASN, transfer, RMA or adjustment. */
export const MovementReason = z.enum([
  'receipt', 'adjustment', 'cycle_count', 'transfer_out', 'transfer_in', 'asn_shipped', 'asn_received',
  'quality_hold', 'quality_release', 'quality_scrap', 'damage', 'damage_disposed', 'return_received',
  'return_restock', 'return_disposed', 'reserve', 'hold', 'hold_expired', 'release', 'commit', 'commitment_set',
  'safety_stock_set',
]);
export type MovementReason = z.infer<typeof MovementReason>;

/** One change of one governed state of one SKU, with why and what it refers to. */
export const Movement = z.object({
  sku: Id,
  state: InventoryState,
  delta: z.number().int().min(-10_000_000).max(10_000_000).refine((n) => n !== 0, 'delta must not be 0'),
  /** Set for channel commitments and reservations made by a channel. */
  channel: Channel.optional(),
  reason: MovementReason,
  reference: Id,
  /** The event that caused it (a stock event, a return …), when one did. */
  causeEventId: Id.optional(),
});
export type Movement = z.infer<typeof Movement>;

/** Movements per event: a log batch at one location is split into events of at most this many. */
export const MAX_MOVEMENTS_PER_EVENT = 1_000;

/**
 * The movements of one allocation log batch at one location (`site`). `logSeq` is the log sequence that made
 * them, so a reader can compare positions at an exact point of the log. One event per batch and location,
 * not per movement: publishing each movement cost the allocation leader ~15% of its CPU (measured).
 */
export const InventoryMovedSchema = eventSchema('inventory.moved', {
  logSeq: z.number().int().nonnegative(),
  movements: z.array(Movement).min(1).max(MAX_MOVEMENTS_PER_EVENT),
});
export type InventoryMoved = z.infer<typeof InventoryMovedSchema>;

export const InventoryEventSchema = z.discriminatedUnion('type', [InventoryMovedSchema]);
export type InventoryEvent = z.infer<typeof InventoryEventSchema>;
