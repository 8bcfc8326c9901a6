/** Order lifecycle events: capture on a channel through carrier handoff. */
import { z } from 'zod';
import { eventSchema, Id, Instant, Money, Quantity, SkuQty } from './envelope.ts';

export const Channel = z.enum(['dtc-web', 'marketplace-a', 'marketplace-b', 'wholesale-portal']);
export type Channel = z.infer<typeof Channel>;
export const Priority = z.enum(['standard', 'expedited', 'express']);

export const OrderLine = z.object({ sku: Id, qty: Quantity, unitPrice: Money });

export const OrderCreatedSchema = eventSchema('orders.created', {
  orderId: Id,
  channel: Channel,
  lines: z.array(OrderLine).min(1).max(200),
  currency: z.string().length(3),
  shipToRegion: Id,
  promisedShipBy: Instant,
  priority: Priority,
});
export const OrderAllocatedSchema = eventSchema('orders.allocated', {
  orderId: Id,
  allocations: z.array(SkuQty.extend({ location: Id })).min(1).max(200),
});
export const OrderReleasedToWaveSchema = eventSchema('orders.released_to_wave', { orderId: Id, waveId: Id });
export const OrderPickedSchema = eventSchema('orders.picked', { orderId: Id, waveId: Id.optional(), units: Quantity });
export const OrderPackedSchema = eventSchema('orders.packed', { orderId: Id, packages: Quantity, units: Quantity });
export const OrderShippedSchema = eventSchema('orders.shipped', {
  orderId: Id,
  carrier: Id,
  service: Id,
  trackingNumber: Id,
  handoffAt: Instant,
});
export const OrderDeliveredSchema = eventSchema('orders.delivered', { orderId: Id, carrier: Id, deliveredAt: Instant });
export const OrderCancelledSchema = eventSchema('orders.cancelled', { orderId: Id, reason: z.string().min(1).max(200) });
export const OrderBackorderedSchema = eventSchema('orders.backordered', {
  orderId: Id,
  lines: z.array(SkuQty).min(1).max(200),
  expectedAt: Instant.optional(),
});
export const OrderSplitSchema = eventSchema('orders.split', {
  orderId: Id,
  shipments: z.array(z.object({ shipmentId: Id, site: Id, lines: z.array(SkuQty).min(1) })).min(2).max(20),
});

export const OrderEventSchema = z.discriminatedUnion('type', [
  OrderCreatedSchema, OrderAllocatedSchema, OrderReleasedToWaveSchema, OrderPickedSchema, OrderPackedSchema,
  OrderShippedSchema, OrderDeliveredSchema, OrderCancelledSchema, OrderBackorderedSchema, OrderSplitSchema,
]);

export type OrderCreated = z.infer<typeof OrderCreatedSchema>;
export type OrderShipped = z.infer<typeof OrderShippedSchema>;
export type OrderEvent = z.infer<typeof OrderEventSchema>;
