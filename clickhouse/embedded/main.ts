/**
 * The embedded ClickHouse server process: ClickHouse's HTTP interface on loopback, backed by chDB. chDB binds
 * one data directory per process, so this runs as its own process and every service talks to it over HTTP
 * with @clickhouse/client, exactly as to a real server.
 *
 * Readiness: once serving, it logs one JSON line `{"msg":"listening","port":N,…}` (the actual port, also
 * with CLICKHOUSE_EMBEDDED_PORT=0). SIGTERM/SIGINT stop accepting, finish queued requests, close the engine.
 */
import { mkdir } from 'node:fs/promises';
import { ConfigError } from '../../runtime/env.ts';
import { createLogger } from '../../runtime/logger.ts';
import { loadEmbeddedConfig } from './config.ts';
import { openEngine } from './engine.ts';
import { createEmbeddedServer } from './http-server.ts';

const HELP = `Usage: node --import tsx clickhouse/embedded/main.ts [--help]

Serves ClickHouse's HTTP interface (the part @clickhouse/client uses) from the in-process chDB engine.

Environment:
  CLICKHOUSE_EMBEDDED_DIR    data directory, created if absent   (default .data/clickhouse)
  CLICKHOUSE_EMBEDDED_HOST   address to bind                     (default 127.0.0.1)
  CLICKHOUSE_EMBEDDED_PORT   port; 0 picks a free one            (default 8123)
  CLICKHOUSE_USER            user accepted with the password     (default default)
  CLICKHOUSE_PASSWORD        required password; unset = none     (default unset)
  LOG_LEVEL                  pino level                          (default info)

Example:
  CLICKHOUSE_EMBEDDED_PORT=8123 node --import tsx clickhouse/embedded/main.ts
  # then: CLICKHOUSE_URL=http://127.0.0.1:8123
`;

async function main(): Promise<number> {
  if (process.argv.slice(2).some((a) => a === '--help' || a === '-h')) {
    process.stdout.write(HELP);
    return 0;
  }
  const config = loadEmbeddedConfig();
  const log = createLogger('clickhouse-embedded', config.logLevel);
  await mkdir(config.dataDir, { recursive: true });
  const engine = await openEngine({ dataDir: config.dataDir });
  const server = await createEmbeddedServer({
    engine, host: config.host, port: config.port, user: config.user, password: config.password, log,
  });
  log.info({ host: server.host, port: server.port, url: server.url, dataDir: config.dataDir,
    engineVersion: engine.version, auth: config.password ? 'password' : 'none' }, 'listening');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      log.warn({ signal }, 'second signal, exiting without waiting');
      process.exit(130);
    }
    stopping = true;
    log.info({ signal, waiting: engine.waiting }, 'stopping');
    await server.close();
    await engine.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  return -1; // keep running until a signal
}

main().then(
  (code) => { if (code >= 0) process.exit(code); },
  (err) => {
    process.stderr.write(`${err instanceof ConfigError ? err.message : (err as Error).stack ?? String(err)}\n`);
    process.exit(err instanceof ConfigError ? 2 : 1);
  },
);
