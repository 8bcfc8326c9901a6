/**
 * Promotion hours per UTC day and channel, derived from prices: no event says "promotion", but a promotion
 * prices every line of its channel's orders below the usual price (the simulator: 20% off, simulator/
 * orders.flow.ts; a real storefront's sale does the same). So:
 *  - the reference price of a sku on a channel is the 90th percentile of its unit prices over the window
 *    (prices only drop in a promotion, and a sale covering more than 90% of a sku's lines is not a sale);
 *  - a line is discounted when priced at least `minDiscount` (default 10%) below its reference;
 *  - an hour of a channel is a promotion hour when more than half of its lines are discounted (one stray
 *    discount, a coupon, is not a promotion).
 * The window should span a few weeks so that regular prices dominate it. Which skus a promotion features is
 * not derivable from prices (every line of the channel is discounted); the lift shows up in demand itself.
 * FINAL: a redelivered order must not count twice. Hours without orders on a channel are not promotion hours.
 */
import { selectRows, type Db } from '../client.ts';

export interface PromotionDay {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  channel: string;
  /** Order lines on the channel that day. */
  lines: number;
  discountedLines: number;
  /** Hours of the day (0–24) in which more than half of the channel's lines were discounted. */
  promoHours: number;
}

interface Row { day: string; channel: string; lines: number; discounted: number; promo_hours: number }

const SQL = `
WITH lines AS (
  SELECT toStartOfHour(occurred_at) AS hour, channel, JSONExtractString(line, 'sku') AS sku,
         JSONExtractFloat(line, 'unitPrice') AS price
  FROM orders_events FINAL
  ARRAY JOIN JSONExtractArrayRaw(payload, 'lines') AS line
  WHERE type = 'orders.created'
    AND occurred_at >= fromUnixTimestamp64Milli({fromMs:Int64}) AND occurred_at < fromUnixTimestamp64Milli({toMs:Int64})
),
reference AS (
  SELECT channel, sku, quantileExactHigh(0.9)(price) AS ref FROM lines GROUP BY channel, sku
),
hourly AS (
  SELECT hour, channel, count() AS n, countIf(price <= ref * (1 - {minDiscount:Float64})) AS d
  FROM lines INNER JOIN reference ON lines.channel = reference.channel AND lines.sku = reference.sku
  GROUP BY hour, channel
)
SELECT toString(toDate(hour)) AS day, channel, sum(n) AS lines, sum(d) AS discounted, countIf(d * 2 > n) AS promo_hours
FROM hourly
GROUP BY day, channel
ORDER BY day, channel`;

/** Every (day, channel) with orders in [from, to) (epoch ms), by day then channel. */
export async function getPromotionDays(o: { db: Db; from: number; to: number; minDiscount?: number }): Promise<PromotionDay[]> {
  const rows = await selectRows<Row>(o.db, 'getPromotionDays', SQL, { fromMs: o.from, toMs: o.to, minDiscount: o.minDiscount ?? 0.1 });
  return rows.map((r) => ({ day: r.day, channel: r.channel, lines: Number(r.lines), discountedLines: Number(r.discounted),
    promoHours: Number(r.promo_hours) }));
}
