/**
 * Warehouse throughput per site and UTC hour, from two sources that a cutoff model can cross-check:
 *  - `orders.picked` / `orders.packed`: orders and units completed in the hour (one event per shipment);
 *  - `warehouse.station_throughput`: units per station kind (pick, pack, ship) as the WMS reports them. A
 *    report covers the `intervalMinutes` before it (the simulator: every 15 min), so it is attributed to the
 *    hour holding the middle of its interval: a 10:00 report of 09:45–10:00 counts in 09:00.
 * Hours with no activity are absent. FINAL: a duplicated event must not double a rate.
 */
import { selectRows, type Db } from '../client.ts';

export interface SiteThroughputHour {
  site: string;
  /** Hour start, epoch ms (UTC). */
  hour: number;
  pickedOrders: number;
  pickedUnits: number;
  packedOrders: number;
  packedUnits: number;
  /** Station-reported units. */
  stationPickUnits: number;
  stationPackUnits: number;
  stationShipUnits: number;
}

interface Row {
  site: string; hour_ms: number; picked_orders: number; picked_units: number; packed_orders: number; packed_units: number;
  st_pick: number; st_pack: number; st_ship: number;
}

const RANGE = 'fromUnixTimestamp64Milli({fromMs:Int64}) AND occurred_at < fromUnixTimestamp64Milli({toMs:Int64})';

const sql = (siteFilter: string) => `
SELECT site, toUnixTimestamp64Milli(toDateTime64(hour, 3)) AS hour_ms,
       sum(picked_orders) AS picked_orders, sum(picked_units) AS picked_units, sum(packed_orders) AS packed_orders,
       sum(packed_units) AS packed_units, sum(st_pick) AS st_pick, sum(st_pack) AS st_pack, sum(st_ship) AS st_ship
FROM (
  SELECT site, toStartOfHour(occurred_at) AS hour,
         countIf(type = 'orders.picked') AS picked_orders, sumIf(units, type = 'orders.picked') AS picked_units,
         countIf(type = 'orders.packed') AS packed_orders, sumIf(units, type = 'orders.packed') AS packed_units,
         toUInt64(0) AS st_pick, toUInt64(0) AS st_pack, toUInt64(0) AS st_ship
  FROM orders_events FINAL
  WHERE type IN ('orders.picked', 'orders.packed') AND occurred_at >= ${RANGE} ${siteFilter}
  GROUP BY site, hour
  UNION ALL
  SELECT site, toStartOfHour(occurred_at - toIntervalSecond(intDiv(JSONExtractUInt(payload, 'intervalMinutes') * 60, 2))) AS hour,
         0, 0, 0, 0, sumIf(units, station = 'pick'), sumIf(units, station = 'pack'), sumIf(units, station = 'ship')
  FROM warehouse_events FINAL
  WHERE type = 'warehouse.station_throughput' AND occurred_at >= ${RANGE} ${siteFilter}
  GROUP BY site, hour
)
GROUP BY site, hour
ORDER BY site, hour`;

/**
 * Throughput of events that occurred in [from, to) (epoch ms), optionally at one site, by site then hour. A
 * station report at the window's start may describe the hour before it; the caller trims edge hours it needs exact.
 */
export async function getSiteThroughput(o: { db: Db; from: number; to: number; site?: string }): Promise<SiteThroughputHour[]> {
  const rows = await selectRows<Row>(o.db, 'getSiteThroughput', sql(o.site ? 'AND site = {site:String}' : ''),
    { fromMs: o.from, toMs: o.to, site: o.site ?? '' });
  return rows.map((r) => ({
    site: r.site, hour: Number(r.hour_ms), pickedOrders: Number(r.picked_orders), pickedUnits: Number(r.picked_units),
    packedOrders: Number(r.packed_orders), packedUnits: Number(r.packed_units), stationPickUnits: Number(r.st_pick),
    stationPackUnits: Number(r.st_pack), stationShipUnits: Number(r.st_ship),
  }));
}
