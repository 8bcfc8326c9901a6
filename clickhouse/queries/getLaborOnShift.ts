/**
 * Labor shifts (`warehouse.labor_shift`: pickers and packers from start to end) that overlap a window, one row
 * per site × shift. A WMS may publish a shift again when its staffing changes (call-offs, overtime): the latest
 * publication of a shift id wins (argMax by occurred_at, which also makes a duplicated event harmless). Start
 * and end are in the payload with the site's offset and are read as instants. Staff on the floor at an instant
 * or per hour is derived from these rows (models/features/labor.ts), not in SQL.
 */
import { selectRows, type Db } from '../client.ts';

export interface LaborShift {
  site: string;
  shiftId: string;
  /** Epoch ms. */
  startsAt: number;
  endsAt: number;
  pickers: number;
  packers: number;
  /** When the shift's latest publication occurred, epoch ms. */
  publishedAt: number;
}

interface Row { site: string; shift_id: string; starts_ms: number; ends_ms: number; pickers: number; packers: number; published_ms: number }

const instant = (field: string) => `parseDateTime64BestEffort(JSONExtractString(payload, '${field}'), 3, 'UTC')`;

const sql = (siteFilter: string) => `
SELECT site, shift_id, toUnixTimestamp64Milli(starts) AS starts_ms, toUnixTimestamp64Milli(ends) AS ends_ms,
       pickers, packers, toUnixTimestamp64Milli(published) AS published_ms
FROM (
  SELECT site, wave_id AS shift_id, argMax(${instant('startsAt')}, occurred_at) AS starts, argMax(${instant('endsAt')}, occurred_at) AS ends,
         argMax(pickers, occurred_at) AS pickers, argMax(packers, occurred_at) AS packers, max(occurred_at) AS published
  FROM warehouse_events
  WHERE type = 'warehouse.labor_shift' ${siteFilter}
    AND occurred_at <= fromUnixTimestamp64Milli({knownAtMs:Int64})
    AND occurred_at >= fromUnixTimestamp64Milli({fromMs:Int64}) - INTERVAL {publishedBeforeDays:UInt32} DAY
  GROUP BY site, shift_id
)
WHERE starts < fromUnixTimestamp64Milli({toMs:Int64}) AND ends > fromUnixTimestamp64Milli({fromMs:Int64})
ORDER BY site, starts, shift_id`;

/**
 * Shifts overlapping [from, to) (epoch ms), optionally at one site, by site then start, as known at `knownAt`
 * (epoch ms, default `to`): a backtest scoring at an instant must not see staffing published after it, while a
 * live scorer asks about the hours ahead (`to` in the future) as known now. Shifts are published ahead of their
 * start (the simulator: an hour before), so publications from `publishedBeforeDays` (default 2) before `from` on
 * are read.
 */
export async function getLaborOnShift(o: { db: Db; from: number; to: number; knownAt?: number; site?: string; publishedBeforeDays?: number }):
Promise<LaborShift[]> {
  const rows = await selectRows<Row>(o.db, 'getLaborOnShift', sql(o.site ? 'AND site = {site:String}' : ''),
    { fromMs: o.from, toMs: o.to, knownAtMs: o.knownAt ?? o.to, site: o.site ?? '', publishedBeforeDays: o.publishedBeforeDays ?? 2 });
  return rows.map((r) => ({ site: r.site, shiftId: r.shift_id, startsAt: Number(r.starts_ms), endsAt: Number(r.ends_ms),
    pickers: Number(r.pickers), packers: Number(r.packers), publishedAt: Number(r.published_ms) }));
}
