/**
 * The web server's ClickHouse connection: one lazily created client (it pools its own sockets), handed to
 * query functions by the routes. Only web/lib/server may import it.
 */
import { closeClickHouse, connectClickHouse, type Db } from '$clickhouse/client.ts';
import { webConfig } from './config.ts';
import { webLog } from './log.ts';

let db: Db | undefined;

export function getDb(): Db {
  if (!db) {
    const c = webConfig();
    db = connectClickHouse({ url: c.CLICKHOUSE_URL, database: c.CLICKHOUSE_DATABASE, user: c.CLICKHOUSE_USER,
      password: c.CLICKHOUSE_PASSWORD, log: webLog(), requestTimeoutMs: 10_000 });
  }
  return db;
}

export async function closeDb(): Promise<void> {
  const d = db;
  db = undefined;
  if (d) await closeClickHouse(d);
}
