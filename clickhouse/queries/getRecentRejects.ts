/**
 * The newest rejects, newest first, without their raw text (getRejectReasons carries samples).
 * No FINAL: a duplicate row from a redelivery would show twice at worst, and the newest-first scan of a
 * small table stays cheap without the merge.
 */
import { selectRows, type Db } from '../client.ts';

export interface RecentReject {
  /** Epoch ms. */
  receivedAt: number;
  subject: string;
  eventId: string;
  type: string;
  source: string;
  site: string;
  reason: string;
}

interface Row { received_ms: number; subject: string; event_id: string; type: string; source: string; site: string; reason: string }

const SQL = `
SELECT toUnixTimestamp64Milli(received_at) AS received_ms, subject, event_id,
       type, source, site, reason
FROM rejects
ORDER BY received_at DESC
LIMIT {limit:UInt32}`;

/** Up to `limit` most recent rejects. */
export async function getRecentRejects(db: Db, o: { limit: number }): Promise<RecentReject[]> {
  const rows = await selectRows<Row>(db, 'getRecentRejects', SQL, { limit: o.limit });
  return rows.map((r) => ({ receivedAt: Number(r.received_ms), subject: r.subject, eventId: r.event_id, type: r.type,
    source: r.source, site: r.site, reason: r.reason }));
}
