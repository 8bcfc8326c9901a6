/**
 * Events landed per family, counted exactly once, plus the number of rejects.
 *
 * Why FINAL and not uniqExact(event_id): both must read every row, but uniqExact holds a hash set of every
 * id in memory (tens of bytes per event: gigabytes at 100M events), while FINAL is a streaming merge on the
 * sorting key, which ends in event_id, so it collapses exactly the duplicates the ReplacingMergeTree will
 * (a redelivered batch) in bounded memory. Since ClickHouse 24 FINAL reads parts that do not overlap
 * without merging them, so once background merges have run it costs close to a plain count().
 * Table names are spliced from the code's own constants (never from input); there are no values to bind.
 */
import { selectRows, type Db } from '../client.ts';
import { EVENT_TABLES, REJECTS_TABLE } from '../event-rows.ts';
import { FAMILIES, type Family } from '../../contracts/index.ts';

export interface LandedTotals {
  byFamily: { family: Family; events: number }[];
  /** Sum of byFamily. */
  total: number;
  rejects: number;
}

const SQL = [
  ...FAMILIES.map((f) => `SELECT '${f}' AS family, count() AS events FROM ${EVENT_TABLES[f]} FINAL`),
  `SELECT 'rejected' AS family, count() AS events FROM ${REJECTS_TABLE} FINAL`,
].join('\nUNION ALL\n');

/** Exactly-once totals per family table and the rejects count. */
export async function getLandedTotals(db: Db): Promise<LandedTotals> {
  const rows = await selectRows<{ family: string; events: number }>(db, 'getLandedTotals', SQL);
  const counts = new Map(rows.map((r) => [r.family, Number(r.events)]));
  const byFamily = FAMILIES.map((family) => ({ family, events: counts.get(family) ?? 0 }));
  return { byFamily, total: byFamily.reduce((n, f) => n + f.events, 0), rejects: counts.get('rejected') ?? 0 };
}
