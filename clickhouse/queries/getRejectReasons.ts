/**
 * Rejects of the last `hours` hours grouped by reason, most frequent first, each with its newest sample
 * (raw text cut to `sampleChars`; the writer already caps raw at 64 KiB, argMax keeps one per group).
 * FINAL so a redelivered reject (same subject + stream_seq) is counted once.
 */
import { selectRows, type Db } from '../client.ts';

export interface RejectReason {
  reason: string;
  rejects: number;
  /** Epoch ms of the newest reject with this reason. */
  lastSeen: number;
  subject: string;
  sample: string;
}

interface Row { reason: string; n: number; last_seen: number; last_subject: string; sample: string }

const SQL = `
SELECT reason, count() AS n, toUnixTimestamp64Milli(max(received_at)) AS last_seen,
       argMax(subject, received_at) AS last_subject,
       substringUTF8(argMax(raw, received_at), 1, {sampleChars:UInt32}) AS sample
FROM rejects FINAL
WHERE received_at >= now() - INTERVAL {hours:UInt32} HOUR
GROUP BY reason
ORDER BY n DESC, last_seen DESC
LIMIT {limit:UInt32}`;

/** Up to `limit` reasons seen in the last `hours` (default 24) hours. */
export async function getRejectReasons(db: Db, o: { limit: number; hours?: number; sampleChars?: number }): Promise<RejectReason[]> {
  const rows = await selectRows<Row>(db, 'getRejectReasons', SQL,
    { limit: o.limit, hours: o.hours ?? 24, sampleChars: o.sampleChars ?? 300 });
  return rows.map((r) => ({ reason: r.reason, rejects: Number(r.n), lastSeen: Number(r.last_seen), subject: r.last_subject,
    sample: r.sample }));
}
