/**
 * Contract events back out of the raw tables, in time order, one page at a time: the models train and score on
 * the same events the backtest CLIs read from files. Keyset paging on (occurred_at, event_id) — stable while
 * rows land, no OFFSET — across the families asked for; `FINAL` so a duplicate never reaches a model. The
 * payload column is the event's own JSON, exactly as validated at ingest.
 */
import { selectRows, type Db } from '../client.ts';
import { EVENT_TABLES } from '../event-rows.ts';
import type { Family } from '../../contracts/index.ts';

export interface EventPage {
  payloads: string[];
  /** Pass back as `after` for the next page; null when this page was the last. */
  next: { at: string; id: string } | null;
}

export interface EventPageQuery {
  db: Db;
  families: Family[];
  /** ISO instants, from inclusive, to exclusive. */
  from: string;
  to: string;
  after?: { at: string; id: string } | null;
  /** Rows per page (default 20,000: ~10 MB of JSON). */
  limit?: number;
}

const FAMILY_SET = new Set<string>(Object.keys(EVENT_TABLES));

export async function getEventPayloadsPage(o: EventPageQuery): Promise<EventPage> {
  if (o.families.length === 0) return { payloads: [], next: null };
  for (const f of o.families) if (!FAMILY_SET.has(f)) throw new RangeError(`unknown family ${f}`);
  const limit = o.limit ?? 20_000;
  // Table names come from our own map (never from input); every value is a bound parameter.
  const union = o.families.map((f) => `
    SELECT occurred_at, event_id, payload FROM ${EVENT_TABLES[f]} FINAL
    WHERE occurred_at >= {from:DateTime64(3)} AND occurred_at < {to:DateTime64(3)}
      AND (occurred_at, event_id) > ({afterAt:DateTime64(3)}, {afterId:String})`).join('\nUNION ALL');
  const sql = `SELECT toString(occurred_at) AS at, event_id AS id, payload FROM (${union})
    ORDER BY occurred_at, event_id LIMIT {limit:UInt32}`;
  const rows = await selectRows<{ at: string; id: string; payload: string }>(o.db, 'getEventPayloadsPage', sql, {
    from: toCh(o.from), to: toCh(o.to), afterAt: toCh(o.after?.at ?? '1970-01-01T00:00:00.000Z'), afterId: o.after?.id ?? '', limit,
  });
  const last = rows.at(-1);
  return { payloads: rows.map((r) => r.payload), next: rows.length === limit && last ? { at: last.at, id: last.id } : null };
}

/** ClickHouse parses DateTime64 parameters as 'YYYY-MM-DD hh:mm:ss.sss' (UTC here); accept ISO or that form. */
function toCh(t: string): string {
  return t.includes('T') ? new Date(t).toISOString().replace('T', ' ').replace('Z', '') : t;
}

/** Every event of the window, page by page. */
export async function* eventPayloads(o: Omit<EventPageQuery, 'after'>): AsyncGenerator<string[]> {
  let after: EventPage['next'] = null;
  do {
    const page: EventPage = await getEventPayloadsPage({ ...o, after });
    if (page.payloads.length) yield page.payloads;
    after = page.next;
  } while (after);
}
