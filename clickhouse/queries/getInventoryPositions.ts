/**
 * Current positions per SKU-location, every state's quantity and available-to-promise, from the
 * inventory_positions view (a sum over `inventory_ledger FINAL`, so a duplicated event counts once).
 * Filters on sku and location reach the ledger's primary key (location, sku, …) through the view; the
 * WHERE clause is composed of fixed fragments only, the values are bound.
 */
import { selectRows, type Db } from '../client.ts';
import { stateQuantities } from '../inventory-position.ts';
import type { Position } from '../../contracts/api/allocation.ts';
import type { InventoryState } from '../../contracts/index.ts';

export interface InventoryPosition extends Position {
  /** Log sequence of the newest movement in this position. */
  logSeq: number;
}

interface Row { location: string; sku: string; qty: Partial<Record<InventoryState, number>>; log_seq: number }

const sql = (where: string[]) => `
SELECT location, sku, CAST(mapFromArrays(groupArray(state), groupArray(qty)) AS Map(String, Int64)) AS qty,
       max(last_log_seq) AS log_seq
FROM inventory_positions
${where.length ? `WHERE ${where.join(' AND ')}` : ''}
GROUP BY location, sku
ORDER BY location, sku
LIMIT {limit:UInt32}`;

/** Positions of the given skus and locations (absent or empty: all), by location then sku, up to `limit` (default 1000). */
export async function getInventoryPositions(o: { db: Db; skus?: string[]; locations?: string[]; limit?: number }): Promise<InventoryPosition[]> {
  const where = [o.skus?.length ? 'sku IN {skus:Array(String)}' : '', o.locations?.length ? 'location IN {locations:Array(String)}' : '']
    .filter(Boolean);
  const rows = await selectRows<Row>(o.db, 'getInventoryPositions', sql(where),
    { skus: o.skus ?? [], locations: o.locations ?? [], limit: o.limit ?? 1000 });
  return rows.map((r) => ({ sku: r.sku, location: r.location, ...stateQuantities(r.qty), logSeq: Number(r.log_seq) }));
}
