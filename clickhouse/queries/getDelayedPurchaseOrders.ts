/**
 * Purchase orders still late: a `purchase_orders.delayed` within the last `days` and no receipt after the latest
 * delay, per site × PO, with the supplier and how far the latest delay moved the expected date. The
 * `delayed_purchase_orders` alert query (the event rule `po_delayed` raises the same alert live; this one is the
 * ClickHouse view of it, for a rule set that prefers evaluating from landed data). Dates of the delay live in the
 * payload; the window is a range of the table's occurred_at per site and supplier.
 */
import { selectRows, type Db } from '../client.ts';

export interface DelayedPurchaseOrder {
  site: string;
  poId: string;
  supplier: string;
  /** Epoch ms of the latest delay event. */
  delayedAt: number;
  /** Days the latest delay moved the expected date (newExpectedAt − previousExpectedAt). */
  delayDays: number;
  /** The expected date after the latest delay, ISO-8601. */
  newExpectedAt: string;
}

interface Row { site: string; po_id: string; supplier: string; delayed_ms: number; previous: string; next: string }

const AT = 'fromUnixTimestamp64Milli({atMs:Int64})';
const SQL = `
SELECT site, po_id, any(supplier) AS supplier, toUnixTimestamp64Milli(maxIf(occurred_at, type = 'purchase_orders.delayed')) AS delayed_ms,
       argMaxIf(JSONExtractString(payload, 'previousExpectedAt'), occurred_at, type = 'purchase_orders.delayed') AS previous,
       argMaxIf(JSONExtractString(payload, 'newExpectedAt'), occurred_at, type = 'purchase_orders.delayed') AS next
FROM purchase_order_events
WHERE type IN ('purchase_orders.delayed', 'purchase_orders.received')
  AND occurred_at >= ${AT} - toIntervalDay({days:UInt32}) AND occurred_at <= ${AT}
GROUP BY site, po_id
HAVING countIf(type = 'purchase_orders.delayed') > 0
   AND maxIf(occurred_at, type = 'purchase_orders.received') < maxIf(occurred_at, type = 'purchase_orders.delayed')
ORDER BY site, po_id
LIMIT {limit:UInt32}`;

/** Late POs as of `at` (epoch ms), delayed within the last `days` (default 30). */
export async function getDelayedPurchaseOrders(o: { db: Db; at: number; days?: number; limit?: number }): Promise<DelayedPurchaseOrder[]> {
  const rows = await selectRows<Row>(o.db, 'getDelayedPurchaseOrders', SQL, { atMs: o.at, days: o.days ?? 30, limit: o.limit ?? 5000 });
  return rows.map((r) => ({
    site: r.site, poId: r.po_id, supplier: r.supplier, delayedAt: Number(r.delayed_ms), newExpectedAt: r.next,
    delayDays: Math.max(0, (Date.parse(r.next) - Date.parse(r.previous)) / 86_400_000) || 0,
  }));
}
