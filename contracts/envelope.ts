/**
 * The common envelope every operational event carries, whatever its family.
 * Events are flat: envelope fields and the family's own fields sit side by side,
 * so an outside producer writes one JSON object per event.
 */
import { z } from 'zod';

/** ISO-8601 instant that must carry an offset (`Z` or `±hh:mm`): naive local times are ambiguous across sites. */
export const Instant = z.iso.datetime({ offset: true, precision: undefined });

/** Identifiers of skus, orders, sites …: printable, bounded, no whitespace. */
export const Id = z.string().min(1).max(128).regex(/^[\w.:\-/#]+$/, 'must be letters, digits or . : - / # _');

export const Quantity = z.number().int().positive().max(1_000_000);
export const Money = z.number().nonnegative().max(1e9);

export const EnvelopeShape = {
  /** Globally unique event id; producers publish with msgID = id, which makes re-sends harmless. */
  id: Id,
  occurredAt: Instant,
  /** The system or channel that produced the event (e.g. `dtc-web`, `wms`, `carrier-api`). */
  source: Id,
  /** The site the event belongs to (warehouse, 3PL or store). */
  site: Id,
  schemaVersion: z.literal(1),
};

/** Build one event schema: the envelope plus a literal `type` and the family's fields. */
export function eventSchema<T extends string, S extends z.ZodRawShape>(type: T, shape: S) {
  return z.object({ ...EnvelopeShape, type: z.literal(type), ...shape });
}

export const SkuQty = z.object({ sku: Id, qty: Quantity });
