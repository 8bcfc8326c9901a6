/**
 * Test ClickHouse: the real server at CLICKHOUSE_URL when set, otherwise the embedded engine in a child
 * process on a temp data dir. Each caller gets its own freshly migrated database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { closeClickHouse, connectClickHouse, type Db } from '../clickhouse/client.ts';
import { migrate } from '../clickhouse/migrate.ts';
import { loadConfig, CommonEnv } from '../runtime/env.ts';
import { startEmbeddedClickHouse } from '../runtime/local-services.ts';
import { Supervisor, type Running } from '../runtime/supervisor.ts';

export interface TestClickHouse {
  url: string;
  /** A new database, migrated, with a client bound to it. */
  freshDatabase(prefix?: string): Promise<Db>;
  /** Embedded only: SIGKILL the engine process (to prove nothing acknowledged is lost). */
  kill(): Promise<void>;
  /** Embedded only: start it again on the same data dir and port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestClickHouse(): Promise<TestClickHouse> {
  const cfg = loadConfig(CommonEnv);
  const clients: Db[] = [];
  if (cfg.CLICKHOUSE_URL) {
    return {
      url: cfg.CLICKHOUSE_URL,
      freshDatabase: (prefix) => fresh(cfg.CLICKHOUSE_URL!, clients, prefix),
      kill: async () => { throw new Error('cannot kill a real ClickHouse server from a test'); },
      restart: async () => undefined,
      stop: async () => { await Promise.all(clients.map(closeClickHouse)); },
    };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'ct-ch-'));
  let sup = new Supervisor();
  let started = await startEmbeddedClickHouse(sup, { dataDir: dir, port: 0, quiet: true });
  const port = Number(new URL(started.url).port);
  let running: Running = started.running;
  return {
    url: started.url,
    freshDatabase: (prefix) => fresh(started.url, clients, prefix),
    async kill() { running.child.kill('SIGKILL'); await running.exited; },
    async restart() {
      sup = new Supervisor();
      started = await startEmbeddedClickHouse(sup, { dataDir: dir, port, quiet: true });
      running = started.running;
    },
    async stop() {
      await Promise.all(clients.map(closeClickHouse));
      await sup.stopAll();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let counter = 0;
async function fresh(url: string, clients: Db[], prefix = 'test'): Promise<Db> {
  const database = `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const server = connectClickHouse({ url });
  const db = connectClickHouse({ url, database });
  await migrate({ server, db });
  await closeClickHouse(server);
  clients.push(db);
  return db;
}
