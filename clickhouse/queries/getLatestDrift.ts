/**
 * The latest drift check, for the dashboard ("checked 10:02 at log 48213, 12,400 positions, 0 drift"): its
 * summary and its largest drifts first, in one statement. Null when no check has run (or the 30-day TTL
 * has dropped them all). Drift is allocation − ledger: positive means the service holds more than the
 * ledger has landed.
 */
import { selectRows, type Db } from '../client.ts';
import type { DriftComparison } from './insertDriftReport.ts';
import type { InventoryState } from '../../contracts/index.ts';

export interface DriftRow extends DriftComparison { drift: number }
export interface LatestDrift {
  /** Epoch ms. */
  checkedAt: number;
  logSeq: number;
  positionsChecked: number;
  /** Positions that drifted (rows may hold fewer: it is cut to `limit`). */
  drifted: number;
  /** Sum of |drift| over the check. */
  absDrift: number;
  rows: DriftRow[];
}

interface Row {
  kind: 'check' | 'drift'; checked_ms: number; log_seq: number; positions_checked: number; drifted: number;
  abs_drift: number; location: string; sku: string; state: InventoryState; allocation_qty: number; ledger_qty: number;
  drift: number;
}

const LATEST = 'SELECT checked_at, log_seq FROM inventory_drift_checks ORDER BY checked_at DESC, log_seq DESC LIMIT 1';

const SQL = `
SELECT 'check' AS kind, toUnixTimestamp64Milli(checked_at) AS checked_ms, log_seq, positions_checked, drifted, abs_drift,
       '' AS location, '' AS sku, '' AS state, toInt64(0) AS allocation_qty, toInt64(0) AS ledger_qty, toInt64(0) AS drift
FROM inventory_drift_checks
WHERE (checked_at, log_seq) IN (${LATEST})
UNION ALL
SELECT * FROM (
  SELECT 'drift' AS kind, toUnixTimestamp64Milli(checked_at) AS checked_ms, log_seq, toUInt32(0) AS positions_checked,
         toUInt32(0) AS drifted, toUInt64(0) AS abs_drift, location, sku, state, allocation_qty, ledger_qty, drift
  FROM inventory_drift
  WHERE (checked_at, log_seq) IN (${LATEST})
  ORDER BY abs(drift) DESC, location, sku, state
  LIMIT {limit:UInt32})`;

/** The latest check with up to `limit` of its drifted positions, largest |drift| first. */
export async function getLatestDrift(o: { db: Db; limit: number }): Promise<LatestDrift | null> {
  const rows = await selectRows<Row>(o.db, 'getLatestDrift', SQL, { limit: o.limit });
  const check = rows.find((r) => r.kind === 'check');
  if (!check) return null;
  return {
    checkedAt: Number(check.checked_ms), logSeq: Number(check.log_seq), positionsChecked: Number(check.positions_checked),
    drifted: Number(check.drifted), absDrift: Number(check.abs_drift),
    rows: rows.filter((r) => r.kind === 'drift').map((r) => ({ location: r.location, sku: r.sku, state: r.state,
      allocationQty: Number(r.allocation_qty), ledgerQty: Number(r.ledger_qty), drift: Number(r.drift) })),
  };
}
