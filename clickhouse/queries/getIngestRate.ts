/**
 * Events per second from the ingest_rate rollup (a few rows per second, never the raw tables), in one
 * statement so the page costs one round trip (the embedded engine runs statements one at a time):
 *  - kind 'family': events per `step`-second bucket and family over the last `since` minutes. The bucket
 *    still filling is left out, so the newest point is never a false dip;
 *  - kind 'source': valid events per source over the window and over its last 60 s (rejects excluded: a
 *    source's refusals are on the reject table).
 * SummingMergeTree rows of one key may not be merged yet, hence sum() rather than reading `events` as is.
 */
import { selectRows, type Db } from '../client.ts';

export interface IngestRateBucket {
  /** Bucket start, epoch seconds. */
  t: number;
  /** A family, or 'rejected'. */
  family: string;
  events: number;
}
export interface IngestRateSource { source: string; events: number; lastMinute: number }
export interface IngestRate { stepSeconds: number; buckets: IngestRateBucket[]; sources: IngestRateSource[] }

interface Row { kind: 'family' | 'source'; t: number; name: string; n: number; last_minute: number }

const SQL = `
SELECT 'family' AS kind, toUnixTimestamp(toStartOfInterval(second, INTERVAL {step:UInt32} SECOND)) AS t,
       family AS name, sum(events) AS n, toUInt64(0) AS last_minute
FROM ingest_rate
WHERE second >= toStartOfInterval(now() - INTERVAL {since:UInt32} MINUTE, INTERVAL {step:UInt32} SECOND)
  AND second < toStartOfInterval(now(), INTERVAL {step:UInt32} SECOND)
GROUP BY t, name
UNION ALL
SELECT 'source' AS kind, toUInt32(0) AS t, source AS name, sum(events) AS n,
       sumIf(events, second >= now() - INTERVAL 60 SECOND) AS last_minute
FROM ingest_rate
WHERE second >= now() - INTERVAL {since:UInt32} MINUTE AND family != 'rejected'
GROUP BY name`;

/** Rates over the last `since` minutes (1–1440) in `step`-second buckets (default 5 s). */
export async function getIngestRate(db: Db, o: { since: number; step?: number }): Promise<IngestRate> {
  const step = o.step ?? 5;
  const rows = await selectRows<Row>(db, 'getIngestRate', SQL, { since: o.since, step });
  const buckets: IngestRateBucket[] = [];
  const sources: IngestRateSource[] = [];
  for (const r of rows) {
    if (r.kind === 'family') buckets.push({ t: Number(r.t), family: r.name, events: Number(r.n) });
    else sources.push({ source: r.name, events: Number(r.n), lastMinute: Number(r.last_minute) });
  }
  return { stepSeconds: step, buckets, sources };
}
