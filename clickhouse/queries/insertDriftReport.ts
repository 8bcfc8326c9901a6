/**
 * Store one drift check: the positions whose allocation and ledger quantities differ, then a summary row
 * (when, at which log sequence, over how many positions, how many drifted). The summary is written last,
 * so a reader that finds it finds its rows too; a check that fails between the two inserts leaves rows no
 * summary points at, which getLatestDrift never shows. A retried identical insert is dropped by the
 * tables' deduplication window (insertJsonLines sends a token derived from the bytes).
 */
import { insertJsonLines, type Db } from '../client.ts';
import type { InventoryState } from '../../contracts/index.ts';

export interface DriftComparison {
  location: string;
  sku: string;
  state: InventoryState;
  allocationQty: number;
  ledgerQty: number;
}

export interface DriftReport {
  db: Db;
  /** Epoch ms. */
  checkedAt: number;
  /** The log sequence both sides were read at. */
  logSeq: number;
  /** Compared positions; only those that differ are stored. */
  rows: DriftComparison[];
  /** Positions compared, when `rows` holds only the drifted ones (default rows.length). */
  positionsChecked?: number;
}

/** Write the check's drifted rows and its summary; returns how many positions drifted. */
export async function insertDriftReport(o: DriftReport): Promise<{ drifted: number }> {
  const checked_at = new Date(o.checkedAt).toISOString();
  const drifted = o.rows.filter((r) => r.allocationQty !== r.ledgerQty);
  await insertJsonLines(o.db, 'inventory_drift', drifted.map((r) => JSON.stringify({
    checked_at, log_seq: o.logSeq, location: r.location, sku: r.sku, state: r.state, allocation_qty: r.allocationQty,
    ledger_qty: r.ledgerQty, drift: r.allocationQty - r.ledgerQty,
  })));
  await insertJsonLines(o.db, 'inventory_drift_checks', [JSON.stringify({
    checked_at, log_seq: o.logSeq, positions_checked: o.positionsChecked ?? o.rows.length, drifted: drifted.length,
    abs_drift: drifted.reduce((n, r) => n + Math.abs(r.allocationQty - r.ledgerQty), 0),
  })]);
  return { drifted: drifted.length };
}
