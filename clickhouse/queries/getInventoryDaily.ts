/**
 * A SKU-location's closing quantity per state for each of the last `days` UTC days (today included), for a
 * planner's drilldown chart. The inventory_daily view gives net change per day (duplicates collapsed);
 * everything before the window is folded into one opening row (dated the day before it), so the answer is
 * `days` + 1 rows per state at most however long the history, and the running total is taken here, where
 * days without movements are filled in with the previous close.
 */
import { selectRows, type Db } from '../client.ts';
import { stateQuantities, type StateQuantities } from '../inventory-position.ts';
import type { InventoryState } from '../../contracts/index.ts';

export interface InventoryDay extends StateQuantities {
  /** UTC day, YYYY-MM-DD. */
  day: string;
}

interface Row { state: InventoryState; d: string; net: number }

const SQL = `
SELECT state, toString(greatest(day, {from:Date} - 1)) AS d, sum(net_delta) AS net
FROM inventory_daily
WHERE location = {location:String} AND sku = {sku:String} AND day <= {to:Date}
GROUP BY state, d`;

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** One row per day (`days` ≥ 1), oldest first; `now` (epoch ms, default the clock) fixes which day is today. */
export async function getInventoryDaily(o: { db: Db; sku: string; location: string; days: number; now?: number }): Promise<InventoryDay[]> {
  if (!Number.isInteger(o.days) || o.days < 1) throw new RangeError(`days must be a whole number ≥ 1, got ${o.days}`);
  const today = Math.floor((o.now ?? Date.now()) / DAY_MS) * DAY_MS;
  const dayList = Array.from({ length: o.days }, (_, i) => isoDay(today - (o.days - 1 - i) * DAY_MS));
  const rows = await selectRows<Row>(o.db, 'getInventoryDaily', SQL,
    { location: o.location, sku: o.sku, from: dayList[0], to: isoDay(today) });
  const net = new Map<string, Partial<Record<InventoryState, number>>>();
  for (const r of rows) net.set(r.d, { ...net.get(r.d), [r.state]: Number(r.net) });
  const running: Partial<Record<InventoryState, number>> = { ...net.get(isoDay(today - o.days * DAY_MS)) };
  return dayList.map((day) => {
    for (const [state, n] of Object.entries(net.get(day) ?? {})) running[state as InventoryState] = (running[state as InventoryState] ?? 0) + n;
    return { day, ...stateQuantities(running) };
  });
}
