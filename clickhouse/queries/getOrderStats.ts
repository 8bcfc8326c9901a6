/**
 * Orders, units and order value per site × channel over a window (`orders.created`, FINAL so a redelivered order
 * counts once): the alert engine's average order value and units per order, which turn "orders at risk" into
 * "revenue at risk" for cutoff, intake and carrier alerts. Typed columns only (units and order_value are filled
 * at ingest), so no payload is read.
 */
import { selectRows, type Db } from '../client.ts';

export interface OrderStats { site: string; channel: string; orders: number; units: number; value: number }

interface Row { site: string; channel: string; orders: number; units: number; value: number }

const SQL = `
SELECT site, channel, count() AS orders, sum(units) AS units, sum(order_value) AS value
FROM orders_events FINAL
WHERE type = 'orders.created'
  AND occurred_at >= fromUnixTimestamp64Milli({fromMs:Int64}) AND occurred_at < fromUnixTimestamp64Milli({toMs:Int64})
GROUP BY site, channel
ORDER BY site, channel`;

/** Per site × channel in [from, to) (epoch ms). */
export async function getOrderStats(o: { db: Db; from: number; to: number }): Promise<OrderStats[]> {
  const rows = await selectRows<Row>(o.db, 'getOrderStats', SQL, { fromMs: o.from, toMs: o.to });
  return rows.map((r) => ({ site: r.site, channel: r.channel, orders: Number(r.orders), units: Number(r.units), value: Number(r.value) }));
}
