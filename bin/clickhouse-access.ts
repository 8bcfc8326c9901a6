/**
 * For one-shot commands (migrate …): use CLICKHOUSE_URL when set, otherwise start the embedded engine on
 * the data directory for the duration of the command.
 */
import { closeClickHouse, connectClickHouse, type Db } from '../clickhouse/client.ts';
import { startEmbeddedClickHouse } from '../runtime/local-services.ts';
import { Supervisor } from '../runtime/supervisor.ts';
import { dataPath, type TowerConfig } from './config.ts';

export async function withClickHouse<T>(cfg: TowerConfig, fn: (o: { server: Db; db: Db; url: string }) => Promise<T>): Promise<T> {
  const sup = new Supervisor();
  try {
    let url = cfg.CLICKHOUSE_URL;
    if (!url) {
      try {
        url = (await startEmbeddedClickHouse(sup, { dataDir: dataPath(cfg, 'clickhouse'), port: 0, quiet: true,
          password: cfg.CLICKHOUSE_PASSWORD || undefined })).url;
      } catch (err) {
        throw new Error(`${(err as Error).message}\nIf \`tower up\` is running, it holds the embedded data directory: ` +
          'set CLICKHOUSE_URL=http://127.0.0.1:8123 to use its server instead.');
      }
    }
    const common = { url, user: cfg.CLICKHOUSE_USER, password: cfg.CLICKHOUSE_PASSWORD };
    const server = connectClickHouse(common);
    const db = connectClickHouse({ ...common, database: cfg.CLICKHOUSE_DATABASE });
    try {
      return await fn({ server, db, url });
    } finally {
      await closeClickHouse(server);
      await closeClickHouse(db);
    }
  } finally {
    await sup.stopAll();
  }
}
