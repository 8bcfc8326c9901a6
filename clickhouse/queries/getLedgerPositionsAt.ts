/**
 * The ledger's position per (location, sku, state) at a log sequence: the sum of every movement the
 * allocation service made up to and including `maxLogSeq`, duplicates collapsed (FINAL). The drift detector
 * compares it with the service's own positions at that sequence; `landedLogSeq` (the newest sequence in the
 * ledger at all) tells it whether ingest has caught up that far yet. One statement, one round trip.
 */
import { selectRows, type Db } from '../client.ts';
import type { InventoryState } from '../../contracts/index.ts';

export interface LedgerStatePosition { location: string; sku: string; state: InventoryState; qty: number }
export interface LedgerPositionsAt { landedLogSeq: number; positions: LedgerStatePosition[] }

interface Row { kind: 'position' | 'landed'; location: string; sku: string; state: InventoryState; qty: number }

const SQL = `
SELECT 'position' AS kind, location, sku, state, sum(delta) AS qty
FROM inventory_ledger FINAL
WHERE log_seq <= {maxLogSeq:UInt64}
GROUP BY location, sku, state
UNION ALL
SELECT 'landed' AS kind, '' AS location, '' AS sku, '' AS state, toInt64(max(log_seq)) AS qty
FROM inventory_ledger`;

/** Positions at `maxLogSeq`, every (location, sku, state) the ledger has seen by then (zero sums included). */
export async function getLedgerPositionsAt(o: { db: Db; maxLogSeq: number }): Promise<LedgerPositionsAt> {
  const rows = await selectRows<Row>(o.db, 'getLedgerPositionsAt', SQL, { maxLogSeq: o.maxLogSeq });
  let landedLogSeq = 0;
  const positions: LedgerStatePosition[] = [];
  for (const r of rows) {
    if (r.kind === 'landed') landedLogSeq = Number(r.qty);
    else positions.push({ location: r.location, sku: r.sku, state: r.state, qty: Number(r.qty) });
  }
  return { landedLogSeq, positions };
}
