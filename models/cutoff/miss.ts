/**
 * What a cutoff miss is. An order promises to leave the site by `orders.created.promisedShipBy` — in our
 * scenario exactly the carrier cutoff it was promised against (the first cutoff after its pick/pack lead time),
 * and the one deadline that exists when only order-level events do. So:
 *
 *   missed  = some shipment of the order was handed to the carrier after promisedShipBy
 *             (handoffAt of `orders.shipped`, or the time of `carrier.handoff_scan`), or the order was still not
 *             handed off (and not cancelled) MISS_GRACE_MS after promisedShipBy;
 *   made    = every shipment (2+ after `orders.split`) handed off at or before promisedShipBy;
 *   cancelled before promisedShipBy = no outcome (excluded from training and evaluation).
 *
 * The grace is one hour because `orders.shipped` trails the physical handoff by minutes (0.5–3 in the simulator),
 * so "not shipped yet" at the deadline itself would count parcels that are on the truck.
 */
export const MISS_GRACE_MS = 60 * 60_000;

export type Outcome = 'made' | 'missed' | 'cancelled' | 'open';

/** The facts about one order that decide its outcome. */
export interface OutcomeFacts {
  deadlineMs: number;
  /** Shipments the order was split into (1 unless `orders.split`). */
  shipments: number;
  /** Distinct shipments handed off so far, and the latest handoff instant (NaN when none). */
  handoffs: number;
  lastHandoffMs: number;
  /** When `orders.cancelled` arrived, NaN when it did not. */
  cancelledMs: number;
}

/** The outcome of an order as known at `asOfMs` (facts must only hold events up to then). */
export function outcomeAt(f: OutcomeFacts, asOfMs: number): Outcome {
  if (f.handoffs > 0 && f.lastHandoffMs > f.deadlineMs) return 'missed';
  if (f.handoffs >= f.shipments) return 'made';
  if (f.cancelledMs <= f.deadlineMs) return 'cancelled';
  if (f.cancelledMs > f.deadlineMs) return 'missed';
  return asOfMs > f.deadlineMs + MISS_GRACE_MS ? 'missed' : 'open';
}
