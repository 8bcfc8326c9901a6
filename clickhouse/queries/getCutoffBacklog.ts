/**
 * Open orders per site × carrier cutoff at an instant `asOf`: created (at or before it), neither shipped nor
 * cancelled by then, grouped by the cutoff they were promised for. Approximate, in these ways:
 *  - An order's cutoff is its `promisedShipBy` (the simulator promises exactly a carrier's cutoff instant); the
 *    carrier is the one whose `carrier.cutoff_scheduled` at that site has that instant. `orders.created` names no
 *    carrier, so when several carriers share the instant they are listed joined by ',' and when none was
 *    scheduled (or the promise is not a cutoff) carrier and timezone are ''.
 *  - The order is counted at its capture site with all its units; a split order (two shipments, possibly at two
 *    sites) is closed by its first `orders.shipped`, and picked/packed by its first pick/pack event.
 *  - `awaitingStockOrders`: orders whose latest allocation outcome is `orders.backordered`, not warehouse work.
 * Only `orders.created` needs FINAL (units are summed); progress flags are max() over events, which a duplicate
 * cannot change.
 */
import { selectRows, type Db } from '../client.ts';

export interface CutoffBacklog {
  site: string;
  /** Carrier(s) with this cutoff at this site, ',' joined; '' when unknown. */
  carrier: string;
  /** The cutoff instant, epoch ms. */
  cutoffAt: number;
  /** IANA timezone of the site from the cutoff schedule; '' when unknown. */
  timezone: string;
  openOrders: number;
  openUnits: number;
  /** Open orders already released to a wave. */
  releasedOrders: number;
  /** Units of open orders not yet picked / not yet packed. */
  unpickedUnits: number;
  unpackedUnits: number;
  awaitingStockOrders: number;
}

interface Row {
  site: string; carrier: string; cutoff_ms: number; timezone: string; open_orders: number; open_units: number;
  released: number; unpicked: number; unpacked: number; awaiting: number;
}

const AS_OF = 'fromUnixTimestamp64Milli({asOfMs:Int64})';
const CUTOFF_RANGE = (col: string) =>
  `${col} >= fromUnixTimestamp64Milli({fromMs:Int64}) AND ${col} < fromUnixTimestamp64Milli({toMs:Int64})`;

const sql = (siteFilter: string) => `
WITH created AS (
  SELECT order_id, site, assumeNotNull(promised_ship_by) AS cutoff, units
  FROM orders_events FINAL
  WHERE type = 'orders.created' AND occurred_at <= ${AS_OF} AND ${CUTOFF_RANGE('promised_ship_by')} ${siteFilter}
),
progress AS (
  SELECT order_id, max(type IN ('orders.shipped', 'orders.cancelled')) AS closed,
         max(type = 'orders.released_to_wave') AS released, max(type = 'orders.picked') AS picked,
         max(type = 'orders.packed') AS packed,
         argMaxIf(type, occurred_at, type IN ('orders.allocated', 'orders.backordered')) = 'orders.backordered' AS awaiting
  FROM orders_events
  WHERE type IN ('orders.shipped', 'orders.cancelled', 'orders.released_to_wave', 'orders.picked', 'orders.packed',
                 'orders.allocated', 'orders.backordered')
    AND occurred_at <= ${AS_OF} AND order_id IN (SELECT order_id FROM created)
  GROUP BY order_id
),
cutoffs AS (
  SELECT site, assumeNotNull(cutoff_at) AS cutoff, arrayStringConcat(arraySort(groupUniqArray(carrier)), ',') AS carrier,
         any(timezone) AS timezone
  FROM carrier_events FINAL
  WHERE type = 'carrier.cutoff_scheduled' AND ${CUTOFF_RANGE('cutoff_at')} ${siteFilter}
  GROUP BY site, cutoff
)
SELECT c.site AS site, k.carrier AS carrier, toUnixTimestamp64Milli(c.cutoff) AS cutoff_ms, k.timezone AS timezone,
       count() AS open_orders, sum(c.units) AS open_units, countIf(p.released) AS released,
       sumIf(c.units, NOT p.picked) AS unpicked, sumIf(c.units, NOT p.packed) AS unpacked, countIf(p.awaiting) AS awaiting
FROM created AS c
LEFT JOIN progress AS p ON c.order_id = p.order_id
LEFT JOIN cutoffs AS k ON c.site = k.site AND c.cutoff = k.cutoff
WHERE NOT p.closed
GROUP BY site, carrier, cutoff_ms, timezone
ORDER BY cutoff_ms, site, carrier`;

/**
 * Backlog at `asOf` (epoch ms) of the cutoffs in [cutoffFrom, cutoffTo) (epoch ms), optionally at one site,
 * earliest cutoff first. Cutoffs already past at `asOf` with open orders are the ones being missed.
 */
export async function getCutoffBacklog(o: { db: Db; asOf: number; cutoffFrom: number; cutoffTo: number; site?: string }):
Promise<CutoffBacklog[]> {
  const rows = await selectRows<Row>(o.db, 'getCutoffBacklog', sql(o.site ? 'AND site = {site:String}' : ''),
    { asOfMs: o.asOf, fromMs: o.cutoffFrom, toMs: o.cutoffTo, site: o.site ?? '' });
  return rows.map((r) => ({
    site: r.site, carrier: r.carrier, cutoffAt: Number(r.cutoff_ms), timezone: r.timezone, openOrders: Number(r.open_orders),
    openUnits: Number(r.open_units), releasedOrders: Number(r.released), unpickedUnits: Number(r.unpicked),
    unpackedUnits: Number(r.unpacked), awaitingStockOrders: Number(r.awaiting),
  }));
}
