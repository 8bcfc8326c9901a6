/**
 * Sites that went quiet: per site, the events that landed in the last `windowMinutes` (by ingest time) and the
 * events the site usually sends in that many minutes at this time of day — the mean over the previous
 * `baselineDays` days of the hour ending at the same time of day (by occurredAt), scaled to the window. A site
 * that usually sends hundreds of events in 10 minutes and sent none is down (a WMS feed, a network link);
 * one that usually sends 2 at 3 a.m. is just asleep, which the rule's threshold on `expected` tells apart.
 * Every family table, through the sorting key's occurred_at (per site) and the ingested_at minmax index.
 * Sites that sent nothing during the baseline are absent: nothing is usual for them.
 */
import { selectRows, type Db } from '../client.ts';
import { EVENT_TABLES } from '../event-rows.ts';

export interface SiteSilence {
  site: string;
  /** Events landed within the window. */
  recent: number;
  /** Events usually sent in a window this long at this time of day. */
  expected: number;
}

interface Row { site: string; recent: number; baseline: number }

const AT = 'fromUnixTimestamp64Milli({atMs:Int64})';
const RECENT = `ingested_at >= ${AT} - toIntervalMinute({windowMinutes:UInt32}) AND ingested_at <= ${AT}`;
/** Ages (seconds before `at`) whose remainder modulo a day is under an hour: the same hour on each earlier day. */
const BASELINE = `occurred_at < ${AT} - toIntervalHour(23) AND occurred_at >= ${AT} - toIntervalDay({baselineDays:UInt32})
  - toIntervalHour(1) AND (dateDiff('second', occurred_at, ${AT}) % 86400) < 3600`;
const SQL = `
SELECT site, countIf(recent) AS recent, countIf(baseline) AS baseline
FROM (
  ${Object.values(EVENT_TABLES).map((t) => `SELECT site, ${RECENT} AS recent, ${BASELINE} AS baseline FROM ${t}
  WHERE (${RECENT}) OR (${BASELINE})`).join('\n  UNION ALL\n  ')}
)
GROUP BY site
HAVING baseline > 0
ORDER BY site`;

/** Per site as of `at` (epoch ms): landed in the last `windowMinutes` vs usual for this time of day. */
export async function getSiteSilence(o: { db: Db; at: number; windowMinutes: number; baselineDays?: number }): Promise<SiteSilence[]> {
  const baselineDays = o.baselineDays ?? 7;
  const rows = await selectRows<Row>(o.db, 'getSiteSilence', SQL, { atMs: o.at, windowMinutes: o.windowMinutes, baselineDays });
  return rows.map((r) => ({ site: r.site, recent: Number(r.recent),
    expected: (Number(r.baseline) / baselineDays) * (o.windowMinutes / 60) }));
}
