/**
 * The inventory page's data, from the ClickHouse ledger through the query functions.
 *
 * Positions: getInventoryPositions orders by (location, sku) and cuts at its limit, but a planner wants the
 * lowest available-to-promise first across everything that matches. So one scan reads up to SCAN_LIMIT
 * positions (the view sums the whole ledger for its GROUP BY whatever the limit, so a larger limit costs
 * only the rows sent: ~150 bytes each), and the SKU search, the ordering and the cut to `limit` happen
 * here. 10,000 is ten times the default catalogue (500 SKUs at 2 locations); a ledger with more positions
 * than one scan is reported as `truncated`, never silently.
 */
import type { Db } from '$clickhouse/client.ts';
import type { Principal } from '$contracts/access.ts';
import { getInventoryDaily } from '$clickhouse/queries/getInventoryDaily.ts';
import { getInventoryPositions } from '$clickhouse/queries/getInventoryPositions.ts';
import { getLatestDrift } from '$clickhouse/queries/getLatestDrift.ts';
import { getLedgerMovements } from '$clickhouse/queries/getLedgerMovements.ts';
import type {
  InventoryDrift, InventoryDriftQuery, InventoryPositionRow, InventoryPositions, InventoryPositionsQuery, InventorySku,
  InventorySkuQuery,
} from '$contracts/api/inventory.ts';

export const SCAN_LIMIT = 10_000;

/**
 * The locations a principal may read: null = every one (no filter), [] = none of those asked for. A location is a
 * site: a planner scoped to wh-east sees wh-east's positions, drift rows and drilldowns only.
 */
export function scopedLocations(p: Pick<Principal, 'sites'>, asked: readonly string[] | undefined): string[] | null {
  if (p.sites.includes('*')) return asked?.length ? [...asked] : null;
  return asked?.length ? asked.filter((l) => p.sites.includes(l)) : [...p.sites];
}

export interface InventoryDeps {
  db: Db;
  now?: () => number;
}

/** Positions matching the query, lowest available-to-promise first (see the module comment). */
export async function loadInventoryPositions(deps: InventoryDeps, q: InventoryPositionsQuery, who: Pick<Principal, 'sites'>): Promise<InventoryPositions> {
  const now = deps.now?.() ?? Date.now();
  const locations = scopedLocations(who, q.location);
  if (locations?.length === 0) return { generatedAt: now, ...rankPositions([], q), truncated: false };
  const scanned = await getInventoryPositions({ db: deps.db, skus: q.sku, locations: locations ?? undefined, limit: SCAN_LIMIT + 1 });
  const truncated = scanned.length > SCAN_LIMIT;
  return { generatedAt: now, ...rankPositions(truncated ? scanned.slice(0, SCAN_LIMIT) : scanned, q), truncated };
}

/**
 * Filter by a case-insensitive part of the SKU, order by available-to-promise ascending (ties: location, then
 * SKU, so the order is stable between polls), cut to `limit`; count what matched and what is below zero.
 */
export function rankPositions(rows: readonly InventoryPositionRow[], q: Pick<InventoryPositionsQuery, 'q' | 'limit'>):
  Omit<InventoryPositions, 'generatedAt' | 'truncated'> {
  const needle = q.q.toLowerCase();
  const matched = needle ? rows.filter((r) => r.sku.toLowerCase().includes(needle)) : [...rows];
  matched.sort((a, b) => a.atp - b.atp || cmp(a.location, b.location) || cmp(a.sku, b.sku));
  return {
    positions: matched.slice(0, q.limit).map(toRow),
    matched: matched.length,
    negativeAtp: matched.reduce((n, r) => n + (r.atp < 0 ? 1 : 0), 0),
    locations: [...new Set(rows.map((r) => r.location))].sort(cmp),
  };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Only the contract's fields, whatever else the query row carries. */
const toRow = (r: InventoryPositionRow): InventoryPositionRow => ({
  sku: r.sku, location: r.location, onHand: r.onHand, reserved: r.reserved, qualityHold: r.qualityHold, damaged: r.damaged,
  inTransit: r.inTransit, pendingInspection: r.pendingInspection, channelCommitment: r.channelCommitment,
  safetyStock: r.safetyStock, atp: r.atp, logSeq: r.logSeq,
});

/**
 * One SKU-location's daily closing quantities and newest movements, or null when the ledger has no row for
 * it (then it has no movements either: they are the newest N, whatever their age).
 */
export async function loadInventorySku(deps: InventoryDeps, q: InventorySkuQuery): Promise<InventorySku | null> {
  const now = deps.now?.() ?? Date.now();
  // One after the other: the embedded engine runs one statement at a time anyway.
  const movements = await getLedgerMovements({ db: deps.db, sku: q.sku, location: q.location, limit: q.movements });
  if (movements.length === 0) return null;
  const daily = await getInventoryDaily({ db: deps.db, sku: q.sku, location: q.location, days: q.days, now });
  return { generatedAt: now, sku: q.sku, location: q.location, daily, movements };
}

/** The latest drift check with its largest drifts in the principal's locations, or `check: null` when none has run. */
export async function loadInventoryDrift(deps: InventoryDeps, q: InventoryDriftQuery, who: Pick<Principal, 'sites'>): Promise<InventoryDrift> {
  const now = deps.now?.() ?? Date.now();
  const check = await getLatestDrift({ db: deps.db, limit: q.limit });
  const allowed = scopedLocations(who, undefined);
  return { generatedAt: now, check: check && allowed ? { ...check, rows: check.rows.filter((r) => allowed.includes(r.location)) } : check };
}
