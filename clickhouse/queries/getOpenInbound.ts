/**
 * Purchase-order lines still to arrive, per site × sku × PO, as of an instant: ordered (`created`) minus
 * received, with the PO's latest expected date, the stockout model's "confirmed inbound". The expected date is
 * the latest one any PO event stated (created → confirmed → shipped/ASN → delayed), by occurred_at.
 * - After a partial receipt no event restates when the rest comes (the simulator sends it 1–3 days later): the
 *   line keeps the old date, now past. `expectedAt` before `asOf` means overdue; the caller decides how late.
 * - `confirmed` / `shipped`: the supplier confirmed it / sent the ASN. Unconfirmed lines are returned too, so the
 *   caller can choose what counts as confirmed inbound.
 * - Transfers between sites are not here (they are on the inventory ledger as in_transit, without a date).
 * FINAL: quantities are summed, a duplicated created or received must count once.
 */
import { selectRows, type Db } from '../client.ts';

export interface OpenInboundLine {
  site: string;
  sku: string;
  poId: string;
  supplier: string;
  /** Ordered − received so far (> 0). */
  openQty: number;
  /** Latest expected arrival, epoch ms. */
  expectedAt: number;
  confirmed: boolean;
  shipped: boolean;
}

interface Row { site: string; sku: string; po_id: string; supplier: string; open_qty: number; expected_ms: number; confirmed: number; shipped: number }

const AS_OF = 'occurred_at <= fromUnixTimestamp64Milli({asOfMs:Int64})';
const lines = (type: string) => `
  SELECT po_id, any(site) AS dest, any(supplier) AS sup, JSONExtractString(line, 'sku') AS sku, sum(JSONExtractUInt(line, 'qty')) AS qty
  FROM purchase_order_events FINAL
  ARRAY JOIN JSONExtractArrayRaw(payload, 'lines') AS line
  WHERE type = '${type}' AND ${AS_OF}`;

const sql = (siteFilter: string) => `
WITH ordered AS (${lines('purchase_orders.created')} ${siteFilter} GROUP BY po_id, sku),
received AS (${lines('purchase_orders.received')} AND po_id IN (SELECT po_id FROM ordered) GROUP BY po_id, sku),
dates AS (
  SELECT po_id, argMax(assumeNotNull(expected_at), occurred_at) AS expected,
         max(type = 'purchase_orders.confirmed') AS confirmed, max(type = 'purchase_orders.shipped') AS shipped
  FROM purchase_order_events
  WHERE type IN ('purchase_orders.created', 'purchase_orders.confirmed', 'purchase_orders.shipped', 'purchase_orders.delayed')
    AND expected_at IS NOT NULL AND ${AS_OF} AND po_id IN (SELECT po_id FROM ordered)
  GROUP BY po_id
)
SELECT o.dest AS site, o.sku AS sku, o.po_id AS po_id, o.sup AS supplier, toInt64(o.qty) - toInt64(r.qty) AS open_qty,
       toUnixTimestamp64Milli(d.expected) AS expected_ms, d.confirmed AS confirmed, d.shipped AS shipped
FROM ordered AS o
LEFT JOIN received AS r ON o.po_id = r.po_id AND o.sku = r.sku
LEFT JOIN dates AS d ON o.po_id = d.po_id
WHERE open_qty > 0
ORDER BY site, sku, expected_ms, po_id`;

/** Open lines as of `asOf` (epoch ms, default now), optionally at one site, by site, sku, then expected date. */
export async function getOpenInbound(o: { db: Db; asOf?: number; site?: string }): Promise<OpenInboundLine[]> {
  const rows = await selectRows<Row>(o.db, 'getOpenInbound', sql(o.site ? 'AND site = {site:String}' : ''),
    { asOfMs: o.asOf ?? Date.now(), site: o.site ?? '' });
  return rows.map((r) => ({ site: r.site, sku: r.sku, poId: r.po_id, supplier: r.supplier, openQty: Number(r.open_qty),
    expectedAt: Number(r.expected_ms), confirmed: Boolean(Number(r.confirmed)), shipped: Boolean(Number(r.shipped)) }));
}
