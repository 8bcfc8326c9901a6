/**
 * Observed supplier lead times: PO created → first receipt of the line, in days, per supplier × site × sku and
 * per supplier × site (sku ''), with their spread. What the stockout model's lead-time variability comes from.
 * - The first receipt, not the last: it is when stock starts landing; a short-shipped remainder (the simulator
 *   receives 12% of POs partially, the rest 1–3 days later) is a fill problem, not a longer lead time.
 * - Supplier rows count each PO once (the first receipt of any of its lines): a PO's lines travel together, so
 *   counting lines would inflate n with copies of one observation. SKU rows count the PO lines of that sku.
 * - `meanLateDays`: first receipt − the expected date on the PO when it was created (positive = late).
 * - Only POs created in [from, to) are counted, and only received lines have a lead time: lines still open are
 *   reported as `pending`. Recent windows are right-censored (long lead times are the ones still missing), so end
 *   the window a max lead time before now for unbiased figures.
 * FINAL: duplicates of created/received must not add observations.
 */
import { selectRows, type Db } from '../client.ts';

export interface SupplierLeadTime {
  supplier: string;
  site: string;
  /** '' on the supplier-level row. */
  sku: string;
  /** Received observations (POs on supplier rows, PO lines on sku rows). */
  n: number;
  /** Created lines (sku rows) or POs (supplier rows) not received yet. */
  pending: number;
  /** Null (like min, max and lateness) without a received observation. */
  meanDays: number | null;
  /** Sample standard deviation; null below two observations. */
  sdDays: number | null;
  minDays: number | null;
  maxDays: number | null;
  meanLateDays: number | null;
}

interface Row {
  supplier: string; site: string; sku: string; n: number; pending: number; mean_days: number | null; sd_days: number | null;
  min_days: number | null; max_days: number | null; mean_late: number | null;
}

const ms = (col: string) => `toUnixTimestamp64Milli(${col})`;

const SQL = `
WITH created AS (
  SELECT po_id, supplier, site, occurred_at AS created_at, assumeNotNull(expected_at) AS expected, JSONExtractString(line, 'sku') AS sku
  FROM purchase_order_events FINAL
  ARRAY JOIN JSONExtractArrayRaw(payload, 'lines') AS line
  WHERE type = 'purchase_orders.created'
    AND occurred_at >= fromUnixTimestamp64Milli({fromMs:Int64}) AND occurred_at < fromUnixTimestamp64Milli({toMs:Int64})
),
received AS (
  SELECT po_id, JSONExtractString(line, 'sku') AS sku, min(occurred_at) AS first_at
  FROM purchase_order_events FINAL
  ARRAY JOIN JSONExtractArrayRaw(payload, 'lines') AS line
  WHERE type = 'purchase_orders.received' AND po_id IN (SELECT po_id FROM created)
  GROUP BY po_id, sku
),
lines AS (
  SELECT c.po_id AS po_id, c.supplier AS supplier, c.site AS site, c.sku AS sku, r.po_id != '' AS got,
         (${ms('r.first_at')} - ${ms('c.created_at')}) / 86400000 AS days,
         (${ms('r.first_at')} - ${ms('c.expected')}) / 86400000 AS late
  FROM created AS c LEFT JOIN received AS r ON c.po_id = r.po_id AND c.sku = r.sku
)
SELECT supplier, site, sku, countIf(got) AS n, countIf(NOT got) AS pending,
       avgIf(days, got) AS mean_days, if(n > 1, stddevSampIf(days, got), NULL) AS sd_days,
       if(n > 0, minIf(days, got), NULL) AS min_days, if(n > 0, maxIf(days, got), NULL) AS max_days, avgIf(late, got) AS mean_late
FROM lines GROUP BY supplier, site, sku
UNION ALL
SELECT supplier, site, '' AS sku, countIf(po_got) AS n, countIf(NOT po_got) AS pending,
       avgIf(po_days, po_got) AS mean_days, if(n > 1, stddevSampIf(po_days, po_got), NULL) AS sd_days,
       if(n > 0, minIf(po_days, po_got), NULL) AS min_days, if(n > 0, maxIf(po_days, po_got), NULL) AS max_days,
       avgIf(po_late, po_got) AS mean_late
FROM (SELECT supplier, site, po_id, max(got) AS po_got, minIf(days, got) AS po_days, minIf(late, got) AS po_late
      FROM lines GROUP BY supplier, site, po_id)
GROUP BY supplier, site`;

const num = (x: number | null) => (x === null || !Number.isFinite(Number(x)) ? null : Number(x));

/**
 * Lead times of POs created in [from, to) (epoch ms), ordered by supplier, site, then sku (the supplier row,
 * sku '', first).
 */
export async function getSupplierLeadTimes(o: { db: Db; from: number; to: number }): Promise<SupplierLeadTime[]> {
  const rows = await selectRows<Row>(o.db, 'getSupplierLeadTimes', SQL, { fromMs: o.from, toMs: o.to });
  return rows.map((r) => ({
    supplier: r.supplier, site: r.site, sku: r.sku, n: Number(r.n), pending: Number(r.pending), meanDays: num(r.mean_days),
    sdDays: num(r.sd_days), minDays: num(r.min_days), maxDays: num(r.max_days), meanLateDays: num(r.mean_late),
  })).sort((a, b) => a.supplier.localeCompare(b.supplier) || a.site.localeCompare(b.site) || a.sku.localeCompare(b.sku));
}
