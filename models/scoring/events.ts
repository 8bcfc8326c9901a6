/** Contract events of a window from ClickHouse's raw tables, parsed, in time order (what the models replay). */
import type { Db } from '../../clickhouse/client.ts';
import { eventPayloads } from '../../clickhouse/queries/getEventPayloadsPage.ts';
import type { Family, OpsEvent } from '../../contracts/index.ts';

export async function loadEvents(o: { db: Db; families: Family[]; from: number; to: number }): Promise<OpsEvent[]> {
  const out: OpsEvent[] = [];
  for await (const page of eventPayloads({ db: o.db, families: o.families, from: new Date(o.from).toISOString(), to: new Date(o.to).toISOString() })) {
    // Validated at ingest; parsed again only as JSON.
    for (const p of page) out.push(JSON.parse(p) as OpsEvent);
  }
  return out;
}
