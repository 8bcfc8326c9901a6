/**
 * The live KPI figures per site (contracts/realtime.ts KpiFigures, without the alert counts the engine adds):
 * orders, units and shipments in the hour before `at` (by occurredAt), open orders (created in the last
 * `openDays` days and neither shipped nor cancelled since — a created order older than that is not counted), and
 * events per second landed over the last minute (by ingest time, every family table, through the ingested_at
 * minmax index). One statement, two kinds of rows, so a tick costs one round trip (it runs every 5 s).
 * Per order id, max() over its rows, so a duplicate row (no FINAL needed) changes nothing and a split order that ships
 * twice counts as one shipped order. Open orders group the recent orders rows by order id (~60k orders at 20k a day × 3 days): tens of ms.
 */
import { selectRows, type Db } from '../client.ts';
import { EVENT_TABLES } from '../event-rows.ts';

export interface SiteKpi {
  site: string;
  ordersLastHour: number;
  unitsLastHour: number;
  shippedLastHour: number;
  openOrders: number;
  eventsPerSecond: number;
}

interface Row { kind: 'orders' | 'events'; site: string; orders: number; units: number; shipped: number; open: number; events: number }

const AT = 'fromUnixTimestamp64Milli({atMs:Int64})';
const HOUR = `occurred_at > ${AT} - toIntervalHour(1) AND occurred_at <= ${AT}`;
const SQL = `
SELECT 'orders' AS kind, site, sum(created AND last_hour) AS orders, sumIf(units, created AND last_hour) AS units,
       sum(shipped_last_hour) AS shipped, sum(created AND NOT closed) AS open, toUInt64(0) AS events
FROM (
  SELECT site, order_id, max(type = 'orders.created') AS created, max(type = 'orders.created' AND ${HOUR}) AS last_hour,
         maxIf(units, type = 'orders.created') AS units, max(type IN ('orders.shipped', 'orders.cancelled')) AS closed,
         max(type = 'orders.shipped' AND ${HOUR}) AS shipped_last_hour
  FROM orders_events
  WHERE type IN ('orders.created', 'orders.shipped', 'orders.cancelled')
    AND occurred_at > ${AT} - toIntervalDay({openDays:UInt32}) AND occurred_at <= ${AT}
  GROUP BY site, order_id
)
GROUP BY site
UNION ALL
SELECT 'events' AS kind, site, toUInt64(0), toUInt64(0), toUInt64(0), toUInt64(0), count() AS events
FROM (
  ${Object.values(EVENT_TABLES).map((t) => `SELECT site FROM ${t} WHERE ingested_at > ${AT} - toIntervalSecond(60) AND ingested_at <= ${AT}`)
    .join('\n  UNION ALL\n  ')}
)
GROUP BY site`;

/** Figures per site as of `at` (epoch ms); sites with neither orders nor events in the windows are absent. */
export async function getKpiSnapshot(o: { db: Db; at: number; openDays?: number }): Promise<SiteKpi[]> {
  const rows = await selectRows<Row>(o.db, 'getKpiSnapshot', SQL, { atMs: o.at, openDays: o.openDays ?? 3 });
  const bySite = new Map<string, SiteKpi>();
  const site = (s: string) => bySite.get(s) ?? bySite.set(s, { site: s, ordersLastHour: 0, unitsLastHour: 0, shippedLastHour: 0,
    openOrders: 0, eventsPerSecond: 0 }).get(s)!;
  for (const r of rows) {
    const k = site(r.site);
    if (r.kind === 'orders') {
      Object.assign(k, { ordersLastHour: Number(r.orders), unitsLastHour: Number(r.units), shippedLastHour: Number(r.shipped), openOrders: Number(r.open) });
    } else k.eventsPerSecond = Number(r.events) / 60;
  }
  return [...bySite.values()].sort((a, b) => a.site.localeCompare(b.site));
}
