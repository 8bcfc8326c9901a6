/**
 * The inconsistency detector: the allocation service's positions against ClickHouse's ledger-derived ones, at
 * the same log sequence. It waits until ingest has landed the ledger up to the last sequence that moved
 * stock; a difference must survive a second read a few seconds later (a late batch from a second ingest
 * process can land out of order) before it is reported. Every check is stored for the dashboard.
 */
import { getLedgerPositionsAt } from '../clickhouse/queries/getLedgerPositionsAt.ts';
import { insertDriftReport, type DriftComparison } from '../clickhouse/queries/insertDriftReport.ts';
import type { Db } from '../clickhouse/client.ts';
import { POSITION_FIELD, type PositionsResult } from '../contracts/api/allocation.ts';
import type { InventoryState } from '../contracts/index.ts';
import type { AllocationClient } from './client.ts';

const STATE_FIELDS = Object.entries(POSITION_FIELD) as [InventoryState, (typeof POSITION_FIELD)[InventoryState]][];

export interface DriftCheck {
  checkedAt: number;
  logSeq: number;
  positionsChecked: number;
  /** False when ingest had not landed the ledger to `logSeq` within the wait: nothing was compared or stored. */
  ledgerCaughtUp: boolean;
  landedLogSeq: number;
  drifted: (DriftComparison & { drift: number })[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function compare(db: Db, at: PositionsResult): Promise<{ landed: number; rows: DriftComparison[]; checked: number }> {
  const ledger = await getLedgerPositionsAt({ db, maxLogSeq: at.logSeq });
  const key = (loc: string, sku: string, state: string) => `${loc}\u0000${sku}\u0000${state}`;
  const fromLedger = new Map(ledger.positions.map((p) => [key(p.location, p.sku, p.state), p.qty]));
  const rows: DriftComparison[] = [];
  const seen = new Set<string>();
  for (const p of at.positions) {
    for (const [state, field] of STATE_FIELDS) {
      const k = key(p.location, p.sku, state);
      seen.add(k);
      const allocationQty = p[field] as number;
      const ledgerQty = fromLedger.get(k) ?? 0;
      if (allocationQty !== ledgerQty) rows.push({ location: p.location, sku: p.sku, state, allocationQty, ledgerQty });
    }
  }
  for (const p of ledger.positions) {
    if (!seen.has(key(p.location, p.sku, p.state)) && p.qty !== 0) {
      rows.push({ location: p.location, sku: p.sku, state: p.state, allocationQty: 0, ledgerQty: p.qty });
    }
  }
  return { landed: ledger.landedLogSeq, rows, checked: at.positions.length };
}

export async function checkDrift(o: { client: AllocationClient; db: Db; waitMs?: number; confirmMs?: number; store?: boolean }): Promise<DriftCheck> {
  const reply = await o.client.positions();
  if (!reply.ok) throw new Error(`allocation service: ${reply.error.code}: ${reply.error.message}`);
  const at = reply.result;
  const checkedAt = Date.now();
  const deadline = checkedAt + (o.waitMs ?? 30_000);
  let r = await compare(o.db, at);
  while (r.landed < at.movedSeq && Date.now() < deadline) { await sleep(500); r = await compare(o.db, at); }
  if (r.landed < at.movedSeq) {
    return { checkedAt, logSeq: at.logSeq, positionsChecked: 0, ledgerCaughtUp: false, landedLogSeq: r.landed, drifted: [] };
  }
  if (r.rows.length > 0) { await sleep(o.confirmMs ?? 3_000); r = await compare(o.db, at); }
  if (o.store !== false) await insertDriftReport({ db: o.db, checkedAt, logSeq: at.logSeq, rows: r.rows, positionsChecked: r.checked * STATE_FIELDS.length });
  return { checkedAt, logSeq: at.logSeq, positionsChecked: r.checked * STATE_FIELDS.length, ledgerCaughtUp: true, landedLogSeq: r.landed,
    drifted: r.rows.map((x) => ({ ...x, drift: x.allocationQty - x.ledgerQty })) };
}
