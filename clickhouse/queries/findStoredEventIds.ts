/**
 * Which of these event ids are already stored in a family table. The writer asks this only for
 * redelivered messages (a crash between insert and ack), so a redelivered event is not written twice.
 * The bloom_filter index on event_id keeps it to a few granules per id.
 */
import { selectRows, type Db } from '../client.ts';
import { EVENT_TABLES } from '../event-rows.ts';
import type { Family } from '../../contracts/index.ts';

export async function findStoredEventIds(db: Db, family: Family, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await selectRows<{ event_id: string }>(db, 'findStoredEventIds',
    `SELECT DISTINCT event_id FROM ${EVENT_TABLES[family]} WHERE event_id IN {ids:Array(String)}`, { ids });
  return new Set(rows.map((r) => r.event_id));
}
