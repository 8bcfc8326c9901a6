/** Stock movements at a site: receipt, putaway, adjustments, counts, transfers, quality holds. */
import { z } from 'zod';
import { eventSchema, Id, Instant, Quantity } from './envelope.ts';

export const AdjustmentReason = z.enum(['shrink', 'damage', 'found', 'correction', 'expired', 'theft']);

export const StockReceivedSchema = eventSchema('stock.received', {
  sku: Id, qty: Quantity, poId: Id.optional(), asnId: Id.optional(),
});
export const StockPutAwaySchema = eventSchema('stock.put_away', { sku: Id, qty: Quantity, bin: Id });
export const StockAdjustedSchema = eventSchema('stock.adjusted', {
  sku: Id,
  qtyDelta: z.number().int().min(-1_000_000).max(1_000_000).refine((n) => n !== 0, 'qtyDelta must not be 0'),
  reasonCode: AdjustmentReason,
  reference: Id.optional(),
});
export const StockCycleCountedSchema = eventSchema('stock.cycle_counted', {
  sku: Id, bin: Id.optional(), expectedQty: z.number().int().nonnegative(), countedQty: z.number().int().nonnegative(),
});
export const StockTransferShippedSchema = eventSchema('stock.transfer_shipped', {
  transferId: Id, sku: Id, qty: Quantity, toSite: Id, expectedAt: Instant,
});
export const StockTransferReceivedSchema = eventSchema('stock.transfer_received', {
  transferId: Id, sku: Id, qty: Quantity, fromSite: Id,
});
export const QualityHoldPlacedSchema = eventSchema('stock.quality_hold_placed', {
  holdId: Id, sku: Id, qty: Quantity, reason: z.string().min(1).max(200),
});
export const QualityHoldReleasedSchema = eventSchema('stock.quality_hold_released', {
  holdId: Id, sku: Id, qty: Quantity, outcome: z.enum(['released', 'scrapped']),
});

export const StockEventSchema = z.discriminatedUnion('type', [
  StockReceivedSchema, StockPutAwaySchema, StockAdjustedSchema, StockCycleCountedSchema, StockTransferShippedSchema,
  StockTransferReceivedSchema, QualityHoldPlacedSchema, QualityHoldReleasedSchema,
]);
export type StockAdjusted = z.infer<typeof StockAdjustedSchema>;
export type StockEvent = z.infer<typeof StockEventSchema>;
