/**
 * The scoring service: `node --import tsx models/scoring/main.ts` (npm start runs it). A full pass every
 * SCORING_INTERVAL_SECONDS; cutoff risk again shortly after order, carrier or warehouse events (debounced — the
 * risk of a cutoff changes with every order and scan); models retrained every RETRAIN_HOURS (every 10 minutes while one has
 * never been trained, e.g. on a fresh install before history has landed). One pass at a time.
 */
import path from 'node:path';
import { createAllocationClient } from '../../allocation/client.ts';
import { closeClickHouse, connectClickHouse } from '../../clickhouse/client.ts';
import { ConfigError } from '../../runtime/env.ts';
import { onShutdown } from '../../runtime/shutdown.ts';
import { startProbeServer } from '../../runtime/http-probe.ts';
import { createLogger } from '../../runtime/logger.ts';
import { Registry } from '../../runtime/metrics.ts';
import { connectNats } from '../../runtime/nats.ts';
import { loadTf, type TfBackend } from '../tf.ts';
import { loadScoringConfig } from './config.ts';
import { MODEL_NAMES, scoreOnce, trainAll } from './run.ts';
import { latestModelDir } from './artifacts.ts';
import { ScoreChanges } from './score-changes.ts';

const HELP = `Usage: node --import tsx models/scoring/main.ts   (npm start runs it for you)
Scores stockout, cutoff-miss and anomaly risk periodically and on events; writes risk_scores, publishes changes on
risk.<kind>.<site>; retrains the models. Environment (see .env.example): NATS_URL, CLICKHOUSE_URL, MODELS_DIR,
SCORING_INTERVAL_SECONDS, SCORING_EVENT_DEBOUNCE_SECONDS, RETRAIN_HOURS, SCORING_METRICS_PORT, TF_BACKEND.`;

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) { console.log(HELP); return; }
  const cfg = loadScoringConfig();
  const log = createLogger('scoring', cfg.LOG_LEVEL);
  if (!cfg.CLICKHOUSE_URL) throw new ConfigError('CLICKHOUSE_URL is required for scoring (npm start sets it).');
  const { tf, backend } = await loadTf({ prefer: cfg.TF_BACKEND as TfBackend | undefined, log });
  const dir = path.resolve(cfg.MODELS_DIR);
  const nc = await connectNats({ url: cfg.NATS_URL, name: `scoring-${process.pid}`, log });
  const db = connectClickHouse({ url: cfg.CLICKHOUSE_URL, database: cfg.CLICKHOUSE_DATABASE, user: cfg.CLICKHOUSE_USER,
    password: cfg.CLICKHOUSE_PASSWORD, log });
  const allocation = createAllocationClient({ nc, retryForMs: 5_000 });
  const changes = new ScoreChanges({ nc });
  await changes.rememberLatest(db).catch((err: Error) => log.warn({ err: err.message }, 'latest scores unreadable; the first pass publishes all'));
  const registry = new Registry();
  const passes = registry.counter('scoring_passes_total', 'Scoring passes by kind and outcome');
  const scored = registry.counter('scoring_scores_total', 'Scores written, by kind');
  const published = registry.counter('scoring_published_total', 'Score changes published on NATS, by kind');
  const trainings = registry.counter('scoring_trainings_total', 'Training runs by model and outcome');
  const lastPass = registry.gauge('scoring_last_pass_seconds', 'Duration of the last pass, by kind');

  let busy: Promise<void> = Promise.resolve();
  const serial = (fn: () => Promise<void>) => { busy = busy.then(fn).catch((err: Error) => log.error({ err: err.message }, 'scoring job failed')); return busy; };
  let lastTrained = 0;

  const train = () => serial(async () => {
    const missing = (await Promise.all(MODEL_NAMES.map(async (m) => (await latestModelDir(dir, m)) ? null : m))).filter((m) => m !== null);
    const due = Date.now() - lastTrained >= cfg.RETRAIN_HOURS * 3_600_000;
    if (!due && missing.length === 0) return;
    const only = due ? MODEL_NAMES : missing;
    log.info({ only }, 'training');
    lastTrained = Date.now();
    const r = await trainAll({ db, dir, tf, backend, now: Date.now(), seed: 1, log, only });
    for (const [m, meta] of Object.entries(r)) {
      trainings.inc(1, { model: m, outcome: meta ? 'trained' : 'no_data' });
      log.info({ model: m, version: meta?.version ?? null }, meta ? 'model trained' : 'not enough history yet');
    }
  });
  const score = (only?: ('stockout' | 'cutoff' | 'anomaly')[]) => serial(async () => {
    for (const s of await scoreOnce({ db, dir, tf, now: Date.now(), allocation, changes, log, only })) {
      passes.inc(1, { kind: s.kind, outcome: s.skipped ? 'skipped' : 'ok' });
      scored.inc(s.scored, { kind: s.kind });
      published.inc(s.published, { kind: s.kind });
      lastPass.set(s.ms / 1000, { kind: s.kind });
      log.info({ ...s }, 'scored');
    }
  });

  const every = setInterval(() => void score(), cfg.SCORING_INTERVAL_SECONDS * 1000);
  // Every 10 minutes: retrain when due, or when a model has never been trained (a fresh install has no history
  // until the simulator or real feeds have run for a while).
  const retrain = setInterval(() => void train(), 600_000);
  let pending: NodeJS.Timeout | undefined;
  const sub = nc.subscribe('ops.>', { callback: (_err, m) => {
    if (pending || !/^ops\.(orders|carrier|warehouse)\./.test(m.subject)) return;
    pending = setTimeout(() => { pending = undefined; void score(['cutoff']); }, cfg.SCORING_EVENT_DEBOUNCE_SECONDS * 1000);
  } });
  const probe = await startProbeServer({ port: cfg.SCORING_METRICS_PORT, registry, ready: () => ({ ok: !nc.isClosed() }) });
  log.info({ metricsPort: probe.port, models: dir, backend }, 'listening');
  // The first training (when due) and pass run after start-up is reported: with a long history they take a while.
  void train().then(() => score());

  onShutdown(log, async () => {
    clearInterval(every); clearInterval(retrain); clearTimeout(pending); sub.unsubscribe();
    await busy;
    await nc.drain();
    await closeClickHouse(db);
    await probe.close();
  });
}

main().catch((err: Error) => {
  console.error(err instanceof ConfigError ? err.message : `scoring failed to start: ${err.message}`);
  process.exit(1);
});
