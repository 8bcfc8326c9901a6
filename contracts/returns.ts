/** Returns: authorization, receipt, inspection grade, disposition and refund. */
import { z } from 'zod';
import { eventSchema, Id, Money, Quantity, SkuQty } from './envelope.ts';

export const Disposition = z.enum(['restock', 'refurbish', 'liquidate', 'scrap']);
export const InspectionGrade = z.enum(['A', 'B', 'C', 'D']);

export const ReturnAuthorizedSchema = eventSchema('returns.authorized', {
  rmaId: Id, orderId: Id, lines: z.array(SkuQty.extend({ reason: z.string().min(1).max(200) })).min(1).max(200),
});
export const ReturnReceivedSchema = eventSchema('returns.received', { rmaId: Id, lines: z.array(SkuQty).min(1).max(200) });
export const ReturnInspectedSchema = eventSchema('returns.inspected', { rmaId: Id, sku: Id, qty: Quantity, grade: InspectionGrade });
export const ReturnDispositionedSchema = eventSchema('returns.dispositioned', {
  rmaId: Id, sku: Id, qty: Quantity, disposition: Disposition,
});
export const ReturnRefundedSchema = eventSchema('returns.refunded', {
  rmaId: Id, orderId: Id, amount: Money, currency: z.string().length(3),
});

export const ReturnEventSchema = z.discriminatedUnion('type', [
  ReturnAuthorizedSchema, ReturnReceivedSchema, ReturnInspectedSchema, ReturnDispositionedSchema, ReturnRefundedSchema,
]);
export type ReturnEvent = z.infer<typeof ReturnEventSchema>;
