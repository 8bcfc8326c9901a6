/** Purchase orders: creation with the supplier's expected date, confirmation, ASN, (partial) receipt, delay. */
import { z } from 'zod';
import { eventSchema, Id, Instant, Money, Quantity, SkuQty } from './envelope.ts';

export const SupplierRegion = z.enum(['domestic', 'overseas']);

export const PurchaseOrderCreatedSchema = eventSchema('purchase_orders.created', {
  poId: Id,
  supplier: Id,
  supplierRegion: SupplierRegion,
  lines: z.array(z.object({ sku: Id, qty: Quantity, unitCost: Money })).min(1).max(500),
  expectedAt: Instant,
});
export const PurchaseOrderConfirmedSchema = eventSchema('purchase_orders.confirmed', {
  poId: Id, supplier: Id, confirmedExpectedAt: Instant,
});
export const PurchaseOrderShippedSchema = eventSchema('purchase_orders.shipped', {
  poId: Id, supplier: Id, asnId: Id, lines: z.array(SkuQty).min(1).max(500), expectedAt: Instant,
});
export const PurchaseOrderReceivedSchema = eventSchema('purchase_orders.received', {
  poId: Id, supplier: Id, asnId: Id.optional(), lines: z.array(SkuQty).min(1).max(500), partial: z.boolean(),
});
export const PurchaseOrderDelayedSchema = eventSchema('purchase_orders.delayed', {
  poId: Id, supplier: Id, previousExpectedAt: Instant, newExpectedAt: Instant, reason: z.string().min(1).max(200),
});

export const PurchaseOrderEventSchema = z.discriminatedUnion('type', [
  PurchaseOrderCreatedSchema, PurchaseOrderConfirmedSchema, PurchaseOrderShippedSchema, PurchaseOrderReceivedSchema,
  PurchaseOrderDelayedSchema,
]);
export type PurchaseOrderEvent = z.infer<typeof PurchaseOrderEventSchema>;
