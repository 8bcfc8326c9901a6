/**
 * What a SKU sells for and how fast, from the `orders.created` lines of a window (the alert engine uses 30 days):
 * per site × SKU the units, the revenue (qty × unit price) and the orders with a line of it. The caller derives
 * the average unit price of a SKU (Σ revenue / Σ units over its sites, so a quantity-weighted mean), the daily
 * demand at a site (units / days) and the mean units per order line (units / orders) — the stockout alert's
 * "revenue at risk" and "orders at risk". Lines live only in the payload, hence the ARRAY JOIN; FINAL so a
 * redelivered order counts once. The filter on type + occurred_at is a range of the key per site.
 */
import { selectRows, type Db } from '../client.ts';

export interface SkuSales { site: string; sku: string; units: number; revenue: number; orders: number }

interface Row { site: string; sku: string; units: number; revenue: number; orders: number }

const SQL = `
SELECT site, JSONExtractString(line, 'sku') AS sku, sum(JSONExtractUInt(line, 'qty')) AS units,
       sum(JSONExtractUInt(line, 'qty') * JSONExtractFloat(line, 'unitPrice')) AS revenue, uniqExact(order_id) AS orders
FROM orders_events FINAL
ARRAY JOIN JSONExtractArrayRaw(payload, 'lines') AS line
WHERE type = 'orders.created'
  AND occurred_at >= fromUnixTimestamp64Milli({fromMs:Int64}) AND occurred_at < fromUnixTimestamp64Milli({toMs:Int64})
GROUP BY site, sku
ORDER BY site, sku`;

/** Sales per site × SKU in [from, to) (epoch ms). */
export async function getSkuPrices(o: { db: Db; from: number; to: number }): Promise<SkuSales[]> {
  const rows = await selectRows<Row>(o.db, 'getSkuPrices', SQL, { fromMs: o.from, toMs: o.to });
  return rows.map((r) => ({ site: r.site, sku: r.sku, units: Number(r.units), revenue: Number(r.revenue), orders: Number(r.orders) }));
}
