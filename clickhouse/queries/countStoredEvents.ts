/**
 * Rows stored across the family tables, for exactly-once checks (tests, benchmarks): per event type (with
 * FINAL: duplicates collapsed; without: what was written), and in total with the distinct event ids.
 * Table names come from the code's own constants; there are no values to bind.
 */
import { selectRows, type Db } from '../client.ts';
import { EVENT_TABLES } from '../event-rows.ts';

export async function countStoredByType(db: Db, o: { final: boolean }): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const table of Object.values(EVENT_TABLES)) {
    const rows = await selectRows<{ type: string; n: number }>(db, 'countStoredByType',
      `SELECT type, count() AS n FROM ${table} ${o.final ? 'FINAL' : ''} GROUP BY type`);
    for (const r of rows) counts.set(r.type, Number(r.n));
  }
  return counts;
}

export async function countStoredEvents(db: Db): Promise<{ raw: number; distinct: number }> {
  let raw = 0, distinct = 0;
  for (const table of Object.values(EVENT_TABLES)) {
    const [r] = await selectRows<{ raw: number; distinct: number }>(db, 'countStoredEvents',
      `SELECT count() AS raw, uniqExact(event_id) AS distinct FROM ${table}`);
    raw += Number(r!.raw); distinct += Number(r!.distinct);
  }
  return { raw, distinct };
}
