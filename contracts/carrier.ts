/** Carrier events: the day's cutoffs per site, pickups, scans, exceptions, delivery. */
import { z } from 'zod';
import { eventSchema, Id, Instant, Quantity } from './envelope.ts';

/** Zones already proven valid: building an Intl formatter costs ~20 µs, too much per event. */
const knownZones = new Set<string>();
function isTimeZone(tz: string): boolean {
  if (knownZones.has(tz)) return true;
  try { new Intl.DateTimeFormat('en', { timeZone: tz }); } catch { return false; }
  if (knownZones.size < 1000) knownZones.add(tz);
  return true;
}

/** IANA timezone name, e.g. America/New_York. */
export const TimeZone = z.string().min(3).max(64).refine(isTimeZone, 'must be an IANA timezone');

export const CutoffScheduledSchema = eventSchema('carrier.cutoff_scheduled', {
  carrier: Id,
  service: Id,
  /** The cutoff instant written in the site's local offset (e.g. 2026-11-27T17:00:00-05:00). */
  cutoffAt: Instant,
  timezone: TimeZone,
});
export const PickupArrivedSchema = eventSchema('carrier.pickup_arrived', { carrier: Id, pickupId: Id, scheduledAt: Instant });
export const PickupDepartedSchema = eventSchema('carrier.pickup_departed', {
  carrier: Id, pickupId: Id, parcels: z.number().int().nonnegative(),
});
export const HandoffScanSchema = eventSchema('carrier.handoff_scan', {
  carrier: Id, orderId: Id, trackingNumber: Id,
});
export const CarrierExceptionSchema = eventSchema('carrier.exception', {
  carrier: Id,
  trackingNumber: Id,
  orderId: Id.optional(),
  code: z.enum(['late_pickup', 'missed_pickup', 'damaged', 'address_issue', 'weather', 'lost']),
  description: z.string().max(500).optional(),
});
export const CarrierDeliveredSchema = eventSchema('carrier.delivered', {
  carrier: Id, trackingNumber: Id, orderId: Id, parcels: Quantity.optional(),
});

export const CarrierEventSchema = z.discriminatedUnion('type', [
  CutoffScheduledSchema, PickupArrivedSchema, PickupDepartedSchema, HandoffScanSchema, CarrierExceptionSchema,
  CarrierDeliveredSchema,
]);
export type CutoffScheduled = z.infer<typeof CutoffScheduledSchema>;
export type CarrierEvent = z.infer<typeof CarrierEventSchema>;
