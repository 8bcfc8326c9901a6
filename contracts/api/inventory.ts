/**
 * GET /api/inventory/* — what the planners' inventory page reads from the ClickHouse ledger: positions per
 * SKU-location with every governed state and available-to-promise, one SKU-location's daily closing
 * quantities and recent movements, and the latest allocation-vs-ledger drift check.
 * Lists in query strings are comma-separated (ids never contain a comma: see `Id`).
 */
import { z } from 'zod';
import { Id } from '../envelope.ts';
import { InventoryState, MovementReason } from '../inventory.ts';
import { Position } from './allocation.ts';

/** Epoch milliseconds. */
const EpochMs = z.number().int().nonnegative();
const Count = z.number().int().nonnegative();

/** `a,b,c` → ['a','b','c'] (blank items dropped), each a valid id; absent or blank → []. */
const IdList = (max: number) => z.string().max(max * 130).optional()
  .transform((s) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(Id).max(max));

export const InventoryPositionsQuery = z.object({
  /** Exact SKUs (bound filter on the ledger key). */
  sku: IdList(100),
  /** Exact locations. */
  location: IdList(100),
  /** Case-insensitive part of a SKU (the page's search box). */
  q: z.string().trim().max(128).default(''),
  /** Positions returned, lowest available-to-promise first. */
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export type InventoryPositionsQuery = z.infer<typeof InventoryPositionsQuery>;

export const InventoryPositionRow = Position.extend({
  /** Allocation log sequence of the newest movement in this position. */
  logSeq: Count,
});
export type InventoryPositionRow = z.infer<typeof InventoryPositionRow>;

export const InventoryPositionsSchema = z.object({
  generatedAt: EpochMs,
  /** Lowest available-to-promise first (ties by location, then SKU), at most `limit`. */
  positions: z.array(InventoryPositionRow),
  /** Positions that matched the filters (before `limit`). */
  matched: Count,
  /** Of those, how many have a negative available-to-promise. */
  negativeAtp: Count,
  /**
   * True when the ledger held more positions than one scan reads: the ordering and counts then cover only
   * the first scan's worth by location and SKU. Narrow the filters.
   */
  truncated: z.boolean(),
  /** Locations seen in the scan, sorted (for the location filter). */
  locations: z.array(Id),
});
export type InventoryPositions = z.infer<typeof InventoryPositionsSchema>;

export const InventorySkuQuery = z.object({
  sku: Id,
  location: Id,
  /** UTC days in the daily series, today included. */
  days: z.coerce.number().int().min(1).max(180).default(30),
  /** Newest ledger movements listed. */
  movements: z.coerce.number().int().min(1).max(500).default(50),
});
export type InventorySkuQuery = z.infer<typeof InventorySkuQuery>;

const Quantities = Position.omit({ sku: true, location: true });

export const InventoryDayRow = Quantities.extend({
  /** UTC day, YYYY-MM-DD. */
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
});
export type InventoryDayRow = z.infer<typeof InventoryDayRow>;

export const LedgerMovementRow = z.object({
  eventId: z.string(),
  occurredAt: EpochMs,
  logSeq: Count,
  state: InventoryState,
  delta: z.number().int(),
  /** '' when the movement has no channel. */
  channel: z.string(),
  reason: MovementReason,
  reference: z.string(),
  /** '' when no event caused it. */
  causeEventId: z.string(),
});
export type LedgerMovementRow = z.infer<typeof LedgerMovementRow>;

export const InventorySkuSchema = z.object({
  generatedAt: EpochMs,
  sku: Id,
  location: Id,
  /** Closing quantity of every state for each day, oldest first, `days` rows. */
  daily: z.array(InventoryDayRow),
  /** Newest first (by allocation log sequence). */
  movements: z.array(LedgerMovementRow),
});
export type InventorySku = z.infer<typeof InventorySkuSchema>;

export const InventoryDriftQuery = z.object({
  /** Drifted positions listed, largest |drift| first. */
  limit: z.coerce.number().int().min(1).max(100).default(10),
});
export type InventoryDriftQuery = z.infer<typeof InventoryDriftQuery>;

export const DriftCheck = z.object({
  checkedAt: EpochMs,
  /** The allocation log sequence both sides were read at. */
  logSeq: Count,
  positionsChecked: Count,
  drifted: Count,
  /** Sum of |allocation − ledger| over the check. */
  absDrift: Count,
  /** Drift = allocation − ledger: positive means the service holds more than the ledger has landed. */
  rows: z.array(z.object({
    location: z.string(), sku: z.string(), state: InventoryState, allocationQty: z.number().int(),
    ledgerQty: z.number().int(), drift: z.number().int(),
  })),
});
export type DriftCheck = z.infer<typeof DriftCheck>;

export const InventoryDriftSchema = z.object({
  generatedAt: EpochMs,
  /** Null when no check has run yet (or all are older than the tables' 30-day TTL). */
  check: DriftCheck.nullable(),
});
export type InventoryDrift = z.infer<typeof InventoryDriftSchema>;
