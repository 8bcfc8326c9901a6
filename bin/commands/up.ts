/**
 * `tower up` (npm start): the whole system on the embedded defaults — nats-server, embedded ClickHouse,
 * migrations, ingest, the web app and the live simulator — and Ctrl-C stops everything.
 */
import path from 'node:path';
import { closeClickHouse, connectClickHouse } from '../../clickhouse/client.ts';
import { migrate } from '../../clickhouse/migrate.ts';
import { ingestProcessArgs } from '../../ingest/process.ts';
import { countStoredEvents } from '../../clickhouse/queries/countStoredEvents.ts';
import { spawn } from 'node:child_process';
import { allocationProcessArgs } from '../../allocation/process.ts';
import { alertsProcessArgs } from '../../alerts/process.ts';
import { gatewayProcessArgs } from '../../web/gateway/process.ts';
import { ensureStreams } from '../../ingest/streams.ts';
import { childEnv } from '../../runtime/env.ts';
import { REPO_ROOT, startEmbeddedClickHouse, startLocalNats } from '../../runtime/local-services.ts';
import { connectNats } from '../../runtime/nats.ts';
import { Supervisor } from '../../runtime/supervisor.ts';
import { parseOptions, type Command } from '../command.ts';
import { dataPath, loadTowerConfig, rootToken, type TowerConfig } from '../config.ts';
import { ensureWebBuild } from '../web-build.ts';

/**
 * A fresh install has no history, so the models have nothing to learn from and the charts are empty for a day.
 * On first start (no order events stored yet) publish SIM_BACKFILL_DAYS of simulated history at a modest volume
 * through the same path as live events (allocation reserves its orders), then wait until ingest has landed it.
 */
async function backfillOnFirstStart(o: { cfg: TowerConfig; env: NodeJS.ProcessEnv; chUrl: string }): Promise<string | null> {
  const db = connectClickHouse({ url: o.chUrl, user: o.cfg.CLICKHOUSE_USER, password: o.cfg.CLICKHOUSE_PASSWORD, database: o.cfg.CLICKHOUSE_DATABASE });
  try {
    if ((await countStoredEvents(db)).raw > 0) return null;
    const days = o.cfg.SIM_BACKFILL_DAYS;
    console.log(`first start: back-filling ${days} days of simulated history (${o.cfg.SIM_BACKFILL_ORDERS_PER_DAY} orders a day) …`);
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/tower.js'), 'simulate', '--mode', 'backfill', '--days', String(days),
        '--orders-per-day', String(o.cfg.SIM_BACKFILL_ORDERS_PER_DAY), '--seed', String(o.cfg.SIM_SEED), '--allocate'],
      { cwd: REPO_ROOT, env: o.env, stdio: ['ignore', 'ignore', 'inherit'] });
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) throw new Error(`the history back-fill exited with code ${code}`);
    // Landed when the stored count stops moving (ingest writes a batch at least every 250 ms).
    let last = -1;
    for (let i = 0; i < 120; i++) {
      const n = (await countStoredEvents(db)).raw;
      if (n > 0 && n === last) return `${days} simulated days back-filled (${n.toLocaleString('en-US')} events landed)`;
      last = n;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    return `${days} simulated days back-filled (still landing)`;
  } finally {
    await closeClickHouse(db);
  }
}

export const up: Command = {
  name: 'up',
  summary: 'run the whole system: NATS, ClickHouse, ingest, web app and the live simulator',
  help: `Usage: tower up [--no-simulator]      (npm start)

Starts, in order: nats-server with JetStream (unless NATS_URL is set), the embedded ClickHouse engine
(unless CLICKHOUSE_URL is set), migrations, INGEST_PROCESSES ingest processes, ALLOCATION_INSTANCES allocation instances (one leads,
the others stand by) with the drift check, the risk scoring service, ALERTS_INSTANCES alert engines (one leads), GATEWAY_INSTANCES realtime
gateways (Socket.IO on GATEWAY_PORT, +1 …), the web app on
WEB_HOST:WEB_PORT and the live simulator (SIM_RATE events/s at SIM_SPEED× time). Prints what runs
where, including the dashboard URL with its access token. Ctrl-C stops everything cleanly.
Every setting is an environment variable; see .env.example and the README's configuration table.

Options:
  --no-simulator   do not start the simulator (feed events yourself, e.g. tower import)
  -h, --help       show this help

Example:
  SIM_RATE=2000 INGEST_PROCESSES=2 npm start`,
  async run(args) {
    const { values } = parseOptions(args, { 'no-simulator': { type: 'boolean', default: false } });
    const cfg = loadTowerConfig();
    let shuttingDown = false;
    const sup = new Supervisor((name, code) => {
      if (shuttingDown) return;
      console.error(`\n${name} exited unexpectedly (code ${code}); stopping everything.`);
      void shutdown(1);
    });
    const shutdown = async (code: number) => {
      if (shuttingDown) return;
      shuttingDown = true;
      console.log('\nstopping …');
      await sup.stopAll();
      process.exit(code);
    };
    process.on('SIGINT', () => void shutdown(0));
    process.on('SIGTERM', () => void shutdown(0));

    try {
      const where: [string, string][] = [];
      const natsUrl = cfg.NATS_URL ?? (await startLocalNats(sup, { dataDir: dataPath(cfg, 'nats'), port: cfg.TOWER_NATS_PORT, quiet: true, bin: cfg.NATS_SERVER_BIN })).url;
      where.push(['nats', `${natsUrl}${cfg.NATS_URL ? '' : ` (JetStream store ${dataPath(cfg, 'nats')})`}`]);
      const chUrl = cfg.CLICKHOUSE_URL ?? (await startEmbeddedClickHouse(sup, { dataDir: dataPath(cfg, 'clickhouse'),
        port: cfg.TOWER_CLICKHOUSE_PORT, password: cfg.CLICKHOUSE_PASSWORD || undefined, quiet: true })).url;
      where.push(['clickhouse', `${chUrl} database ${cfg.CLICKHOUSE_DATABASE}${cfg.CLICKHOUSE_URL ? '' : ` (embedded chDB, data ${dataPath(cfg, 'clickhouse')})`}`]);

      const common = { url: chUrl, user: cfg.CLICKHOUSE_USER, password: cfg.CLICKHOUSE_PASSWORD };
      const server = connectClickHouse(common);
      const db = connectClickHouse({ ...common, database: cfg.CLICKHOUSE_DATABASE });
      const m = await migrate({ server, db });
      where.push(['migrations', `${m.applied.length} applied now, schema up to date`]);
      await Promise.all([closeClickHouse(server), closeClickHouse(db)]);
      const nc = await connectNats({ url: natsUrl, name: 'tower-up' });
      await ensureStreams(nc);
      await nc.close();

      const token = rootToken(cfg, { create: true })!;
      const env = childEnv({ NATS_URL: natsUrl, CLICKHOUSE_URL: chUrl, TOWER_API_TOKEN: token });
      for (let i = 0; i < cfg.INGEST_PROCESSES; i++) {
        const port = cfg.INGEST_METRICS_PORT === 0 ? 0 : cfg.INGEST_METRICS_PORT + i;
        await sup.start({ name: `ingest-${i + 1}`, command: process.execPath, args: ingestProcessArgs(), cwd: REPO_ROOT,
          env: { ...env, INGEST_METRICS_PORT: String(port) }, readyWhen: /"listening"/, output: 'quiet' });
        where.push([`ingest-${i + 1}`, `metrics http://127.0.0.1:${port}/metrics`]);
      }

      for (let i = 0; i < cfg.ALLOCATION_INSTANCES; i++) {
        const port = cfg.ALLOCATION_PORT === 0 ? 0 : cfg.ALLOCATION_PORT + i;
        await sup.start({ name: `allocation-${i + 1}`, command: process.execPath, args: allocationProcessArgs(), cwd: REPO_ROOT,
          env: { ...env, ALLOCATION_PORT: String(port), ALLOCATION_INSTANCE: `allocation-${i + 1}` }, readyWhen: /"listening"/, output: 'quiet' });
        where.push([`allocation-${i + 1}`, `API http://127.0.0.1:${port}/v1/<op> (Bearer token), metrics /metrics`]);
      }
      await sup.start({ name: 'drift-check', command: process.execPath, cwd: REPO_ROOT, env, output: 'quiet',
        args: [path.join(REPO_ROOT, 'bin/tower.js'), 'inventory', 'drift', '--every', String(cfg.DRIFT_CHECK_SECONDS), '--json'] });
      where.push(['drift-check', `allocation vs ClickHouse ledger every ${cfg.DRIFT_CHECK_SECONDS} s (tower inventory drift)`]);

      if (cfg.SIM_ENABLED === '1' && !values['no-simulator'] && cfg.SIM_BACKFILL_DAYS > 0) {
        const filled = await backfillOnFirstStart({ cfg, env, chUrl });
        if (filled) where.push(['history', filled]);
      }

      await sup.start({ name: 'scoring', command: process.execPath, args: ['--import', 'tsx', path.join(REPO_ROOT, 'models/scoring/main.ts')],
        cwd: REPO_ROOT, env: { ...env, MODELS_DIR: dataPath(cfg, 'models'), SCORING_METRICS_PORT: '0' }, readyWhen: /"listening"/, output: 'quiet' });
      where.push(['scoring', `risk models every 5 min and on events; registry ${dataPath(cfg, 'models')} (tower models list)`]);

      for (let i = 0; i < cfg.ALERTS_INSTANCES; i++) {
        const port = cfg.ALERTS_METRICS_PORT === 0 ? 0 : cfg.ALERTS_METRICS_PORT + i;
        await sup.start({ name: `alerts-${i + 1}`, command: process.execPath, args: alertsProcessArgs(), cwd: REPO_ROOT,
          env: { ...env, ALERTS_METRICS_PORT: String(port) }, readyWhen: /"listening"/, output: 'quiet' });
        where.push([`alerts-${i + 1}`, `${i === 0 ? 'rules, lifecycle, routing → alerts.<site>.<type>' : 'stands by (one engine leads)'}; metrics http://127.0.0.1:${port}/metrics`]);
      }

      const webUrl = `http://${cfg.WEB_HOST}:${cfg.WEB_PORT}`;
      const gatewayUrls: string[] = [];
      for (let i = 0; i < cfg.GATEWAY_INSTANCES; i++) {
        const port = cfg.GATEWAY_PORT + i;
        await sup.start({ name: `gateway-${i + 1}`, command: process.execPath, args: gatewayProcessArgs(), cwd: REPO_ROOT,
          env: { ...env, GATEWAY_PORT: String(port), GATEWAY_HOST: cfg.WEB_HOST, GATEWAY_ORIGINS: webUrl }, readyWhen: /"listening"/, output: 'quiet' });
        gatewayUrls.push(`http://${cfg.WEB_HOST}:${port}`);
        where.push([`gateway-${i + 1}`, `Socket.IO ${gatewayUrls.at(-1)}/realtime (tower alerts tail --url ${gatewayUrls.at(-1)} --token …)`]);
      }

      ensureWebBuild();
      await sup.start({ name: 'web', command: process.execPath, args: [path.join(REPO_ROOT, 'build/index.js')], cwd: REPO_ROOT,
        env: { ...env, PORT: String(cfg.WEB_PORT), HOST: cfg.WEB_HOST, ORIGIN: webUrl, BODY_SIZE_LIMIT: '1M', GATEWAY_PUBLIC_URLS: gatewayUrls.join(',') },
        readyWhen: /Listening on/, output: 'quiet' });
      where.push(['web', `${webUrl}/login?token=${token}`]);

      if (cfg.SIM_ENABLED === '1' && !values['no-simulator']) {
        await sup.start({ name: 'simulator', command: process.execPath, cwd: REPO_ROOT, env, output: 'quiet',
          args: [path.join(REPO_ROOT, 'bin/tower.js'), 'simulate', '--mode', 'live', '--rate', String(cfg.SIM_RATE),
            '--speed', String(cfg.SIM_SPEED), '--seed', String(cfg.SIM_SEED), '--malformed', String(cfg.SIM_MALFORMED), '--allocate'] });
        where.push(['simulator', `live, ${cfg.SIM_RATE} events/s at ${cfg.SIM_SPEED}× time, seed ${cfg.SIM_SEED}`]);
      }

      console.log('\nControl Tower is running:\n');
      for (const [name, at] of where) console.log(`  ${name.padEnd(12)} ${at}`);
      console.log('\nOpen the web link above (it signs you in). Ctrl-C stops everything.\n');
      await new Promise(() => undefined);
      return 0;
    } catch (err) {
      console.error(`\ntower up failed: ${(err as Error).message}`);
      await shutdown(1);
      return 1;
    }
  },
};
