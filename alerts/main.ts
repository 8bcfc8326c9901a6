/**
 * The alert engine process: `node --import tsx alerts/main.ts` (npm start runs it). SIGTERM/SIGINT: stop consuming,
 * publish and store what is pending, save the state, drain NATS, exit 0.
 */
import { closeClickHouse, connectClickHouse } from '../clickhouse/client.ts';
import { ConfigError } from '../runtime/env.ts';
import { onShutdown } from '../runtime/shutdown.ts';
import { startProbeServer } from '../runtime/http-probe.ts';
import { createLogger } from '../runtime/logger.ts';
import { connectNats } from '../runtime/nats.ts';
import { loadAlertsConfig } from './config.ts';
import { startAlertEngine } from './engine/engine.ts';
import { runForLeader } from './leadership.ts';
import { Registry } from '../runtime/metrics.ts';
import { loadRuleSetFile, RuleFileError } from './rules.ts';

const HELP = `Usage: node --import tsx alerts/main.ts   (npm start runs it for you)
The alert engine: evaluates the alert rules over model scores (risk.>), named ClickHouse queries and operational
events (OPS, durable consumer alerts-engine); publishes notices to the ALERTS stream (alerts.<site>.<type>), stores
transitions in ClickHouse, answers alertctl.<op> requests and publishes kpi.tick. Rules, state and silences live in
NATS KV (ALERT_RULES, ALERT_STATE); the rules file seeds ALERT_RULES on first start only.
Environment (see .env.example): NATS_URL, CLICKHOUSE_URL (required), CLICKHOUSE_DATABASE, ALERTS_METRICS_PORT,
ALERTS_RULES_FILE, ALERTS_TICK_MS, ALERTS_SNAPSHOT_MS, ALERTS_KPI_MS, ALERTS_SCORE_SEED_HOURS, ALERTS_LEASE_MS, LOG_LEVEL.
Several engines may run side by side: one leads (KV lease ALERT_LEADER), the others stand by and take over.
Probe server: /metrics, /healthz, /readyz on ALERTS_METRICS_PORT.`;

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) { console.log(HELP); return; }
  const cfg = loadAlertsConfig();
  const log = createLogger('alerts', cfg.LOG_LEVEL);
  if (!cfg.CLICKHOUSE_URL) throw new ConfigError('CLICKHOUSE_URL is required for the alert engine (npm start sets it).');
  const seedRules = loadRuleSetFile(cfg.ALERTS_RULES_FILE);
  const nc = await connectNats({ url: cfg.NATS_URL, name: `alerts-${process.pid}`, log });
  const db = connectClickHouse({ url: cfg.CLICKHOUSE_URL, database: cfg.CLICKHOUSE_DATABASE, user: cfg.CLICKHOUSE_USER,
    password: cfg.CLICKHOUSE_PASSWORD, log });
  const leadership = await runForLeader({ nc, log, leaseMs: cfg.ALERTS_LEASE_MS,
    start: (onFenced) => startAlertEngine({ nc, db, log, seedRules, tickMs: cfg.ALERTS_TICK_MS, snapshotMs: cfg.ALERTS_SNAPSHOT_MS,
      kpiMs: cfg.ALERTS_KPI_MS, scoreSeedHours: cfg.ALERTS_SCORE_SEED_HOURS, onFenced }) });
  const standby = new Registry();
  standby.gauge('alerts_leader', 'Whether this engine leads (1) or stands by (0)').set(0);
  const probe = await startProbeServer({ port: cfg.ALERTS_METRICS_PORT,
    registry: { render: () => leadership.engine()?.metrics.registry.render() ?? standby.render() },
    ready: () => {
      const engine = leadership.engine();
      return { ok: engine ? engine.ready() : true, detail: engine
        ? { leader: true, alerts: engine.alerts().length, rulesVersion: engine.ruleSet().version } : { leader: false } };
    } });
  log.info({ metricsPort: probe.port, leader: Boolean(leadership.engine()) }, 'listening');

  onShutdown(log, async () => {
    await leadership.stop();
    await nc.drain();
    await closeClickHouse(db);
    await probe.close();
  });
}

main().catch((err: Error) => {
  console.error(err instanceof ConfigError || err instanceof RuleFileError ? err.message : `alerts failed to start: ${err.message}`);
  process.exit(1);
});
