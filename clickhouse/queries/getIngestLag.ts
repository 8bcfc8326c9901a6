/**
 * How stale the landed data is: the newest `occurredAt` and the newest ingest time among the events that landed in
 * the last `lookbackMinutes`, across every family table, and so the seconds from them to `at`. Read through each
 * table's minmax index on ingested_at, so only the recent granules are touched.
 * `lagSeconds` is `at` − newest occurredAt: with a live business that never stops ordering it stays within
 * seconds; it grows when ingest stalls (nothing lands), when producers stall, or when a backlog lands late.
 * When nothing landed within the lookback it is the lookback itself (a lower bound). Null when no event ever
 * landed (a fresh install): nothing to be late about. occurredAt in the future (a producer clock ahead) is
 * clamped to `at`.
 */
import { selectRows, type Db } from '../client.ts';
import { EVENT_TABLES } from '../event-rows.ts';

export interface IngestLag {
  lagSeconds: number;
  /** Seconds from the newest ingest time to `at` (the lookback when nothing landed). */
  sinceIngestSeconds: number;
  /** Events that landed within the lookback. */
  landed: number;
}

interface Row { landed: number; newest_occurred_ms: number; newest_ingested_ms: number; ever: number }

const AT = 'fromUnixTimestamp64Milli({atMs:Int64})';
const SQL = `
SELECT count() AS landed, toUnixTimestamp64Milli(max(occurred_at)) AS newest_occurred_ms,
       toUnixTimestamp64Milli(max(ingested_at)) AS newest_ingested_ms,
       (SELECT count() FROM ingest_rate WHERE family != 'rejected') AS ever
FROM (
  ${Object.values(EVENT_TABLES).map((t) => `SELECT least(occurred_at, ${AT}) AS occurred_at, ingested_at FROM ${t}
  WHERE ingested_at >= ${AT} - toIntervalMinute({lookbackMinutes:UInt32}) AND ingested_at <= ${AT}`).join('\n  UNION ALL\n  ')}
)`;

/** The lag as of `at` (epoch ms), looking back `lookbackMinutes` (default 60). */
export async function getIngestLag(o: { db: Db; at: number; lookbackMinutes?: number }): Promise<IngestLag | null> {
  const lookback = o.lookbackMinutes ?? 60;
  const [r] = await selectRows<Row>(o.db, 'getIngestLag', SQL, { atMs: o.at, lookbackMinutes: lookback });
  if (!r || (Number(r.landed) === 0 && Number(r.ever) === 0)) return null;
  if (Number(r.landed) === 0) return { lagSeconds: lookback * 60, sinceIngestSeconds: lookback * 60, landed: 0 };
  return {
    lagSeconds: Math.max(0, (o.at - Number(r.newest_occurred_ms)) / 1000),
    sinceIngestSeconds: Math.max(0, (o.at - Number(r.newest_ingested_ms)) / 1000),
    landed: Number(r.landed),
  };
}
