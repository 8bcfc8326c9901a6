/**
 * Units ordered per SKU-location per UTC day and channel: the demand models' history. Lines live only in the
 * `orders.created` payload, so each order is ARRAY JOINed over `JSONExtractArrayRaw(payload, 'lines')`.
 * - Location is the site the order was routed to at capture (`orders.created.site`): what the customer asked
 *   of that location. A split that ships part from another site, a backorder or a cancellation does not move
 *   or remove the demand (a stockout censors sales, not demand).
 * - FINAL: a redelivered `orders.created` must not count twice.
 * - Days without demand are absent (the caller fills them with 0: models/features/demand-series.ts).
 * The filter on type + occurred_at is a range of the table's key (site, type, occurred_at, …) per site.
 */
import { selectRows, type Db } from '../client.ts';

export interface DailyDemandRow {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  site: string;
  sku: string;
  channel: string;
  units: number;
  /** Orders with a line of this sku (on this day, site and channel). */
  orders: number;
}

interface Row { day: string; site: string; sku: string; channel: string; units: number; orders: number }

const sql = (where: string[]) => `
SELECT toString(toDate(occurred_at)) AS day, site, JSONExtractString(line, 'sku') AS sku, channel,
       sum(JSONExtractUInt(line, 'qty')) AS units, uniqExact(order_id) AS orders
FROM orders_events FINAL
ARRAY JOIN JSONExtractArrayRaw(payload, 'lines') AS line
WHERE type = 'orders.created'
  AND occurred_at >= fromUnixTimestamp64Milli({fromMs:Int64}) AND occurred_at < fromUnixTimestamp64Milli({toMs:Int64})
  ${where.map((w) => `AND ${w}`).join(' ')}
GROUP BY day, site, sku, channel
ORDER BY site, sku, day, channel`;

/**
 * Demand in [from, to) (epoch ms; whole days in practice), optionally only some sites and skus, ordered by
 * site, sku, day, channel. Every row of the window: 50k SKU-locations × 90 days can be millions of rows, so
 * large callers page by `skus`.
 */
export async function getDailyDemand(o: { db: Db; from: number; to: number; sites?: string[]; skus?: string[] }): Promise<DailyDemandRow[]> {
  const where = [o.sites?.length ? 'site IN {sites:Array(String)}' : '',
    o.skus?.length ? "JSONExtractString(line, 'sku') IN {skus:Array(String)}" : ''].filter(Boolean);
  const rows = await selectRows<Row>(o.db, 'getDailyDemand', sql(where),
    { fromMs: o.from, toMs: o.to, sites: o.sites ?? [], skus: o.skus ?? [] });
  return rows.map((r) => ({ day: r.day, site: r.site, sku: r.sku, channel: r.channel, units: Number(r.units), orders: Number(r.orders) }));
}
