/**
 * The whole system for an e2e test, on throwaway resources: nats-server (temp store, free port), the
 * embedded ClickHouse (temp data dir, port 0) with a unique migrated database, ingest in-process, and the
 * built web app as `node build/index.js` on a free port — the same way `tower up` runs it. With `alerts: true`
 * also the alert engine and one realtime gateway, as processes; without, the web app's gateway URL points at a
 * closed port (the pages must work without live updates).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { closeClickHouse, connectClickHouse, type Db } from '../../clickhouse/client.ts';
import { migrate } from '../../clickhouse/migrate.ts';
import { createIngestMetrics } from '../../ingest/metrics.ts';
import { startIngest, type IngestHandle } from '../../ingest/ops.consumer.ts';
import { childEnv } from '../../runtime/env.ts';
import { freePort, REPO_ROOT, startEmbeddedClickHouse, startLocalNats } from '../../runtime/local-services.ts';
import { createLogger } from '../../runtime/logger.ts';
import { connectNats, type NatsConnection } from '../../runtime/nats.ts';
import { Supervisor } from '../../runtime/supervisor.ts';
import { ensureWebBuild } from '../../bin/web-build.ts';
import { alertsProcessArgs } from '../../alerts/process.ts';
import { gatewayProcessArgs } from '../gateway/process.ts';

export interface Stack {
  baseUrl: string;
  /** The root token (admin). */
  token: string;
  /** The gateway browsers are sent to (nothing listens there without `alerts`). */
  gatewayUrl: string;
  nc: NatsConnection;
  db: Db;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Start the alert engine and a realtime gateway too. */
  alerts?: boolean;
}

export async function startStack(o: StackOptions = {}): Promise<Stack> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ct-web-e2e-'));
  const sup = new Supervisor();
  const cleanups: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    await sup.stopAll(10_000);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const nats = await startLocalNats(sup, { dataDir: path.join(dir, 'nats'), port: await freePort(), quiet: true });
    const ch = await startEmbeddedClickHouse(sup, { dataDir: path.join(dir, 'clickhouse'), port: 0, quiet: true });
    const database = `e2e_web_${randomBytes(4).toString('hex')}`;
    const server = connectClickHouse({ url: ch.url });
    const db = connectClickHouse({ url: ch.url, database });
    cleanups.push(() => closeClickHouse(db));
    await migrate({ server, db });
    await closeClickHouse(server);

    const nc = await connectNats({ url: nats.url, name: 'web-e2e' });
    cleanups.push(() => nc.drain());
    const ingest: IngestHandle = await startIngest({ nc, db, log: createLogger('web-e2e-ingest', 'warn'),
      metrics: createIngestMetrics(), flushMs: 100 });
    cleanups.push(() => ingest.stop());

    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const token = randomBytes(24).toString('base64url');
    const env = childEnv({ NATS_URL: nats.url, CLICKHOUSE_URL: ch.url, CLICKHOUSE_DATABASE: database, TOWER_API_TOKEN: token, LOG_LEVEL: 'warn' });
    const gatewayPort = await freePort();
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    if (o.alerts) {
      // Both log "listening" at info level once ready.
      await sup.start({ name: 'alerts', command: process.execPath, args: alertsProcessArgs(), cwd: REPO_ROOT,
        env: { ...env, ALERTS_METRICS_PORT: '0', LOG_LEVEL: 'info' }, readyWhen: /"listening"/, readyTimeoutMs: 60_000, output: 'quiet' });
      await sup.start({ name: 'gateway', command: process.execPath, args: gatewayProcessArgs(), cwd: REPO_ROOT,
        env: { ...env, GATEWAY_PORT: String(gatewayPort), GATEWAY_HOST: '127.0.0.1', GATEWAY_ORIGINS: baseUrl, LOG_LEVEL: 'info' },
        readyWhen: /"listening"/, readyTimeoutMs: 60_000, output: 'quiet' });
    }

    ensureWebBuild((m) => console.log(m));
    await sup.start({
      name: 'web', command: process.execPath, args: [path.join(REPO_ROOT, 'build/index.js')], cwd: REPO_ROOT,
      env: { ...env, PORT: String(port), HOST: '127.0.0.1', ORIGIN: baseUrl, GATEWAY_PUBLIC_URLS: gatewayUrl },
      readyWhen: /Listening on/, readyTimeoutMs: 30_000, output: 'quiet',
    });
    return { baseUrl, token, gatewayUrl, nc, db, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
