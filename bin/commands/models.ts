/** `tower models train | score | list`: the risk models' training, one scoring pass, and the registry. */
import path from 'node:path';
import cliProgress from 'cli-progress';
import { createAllocationClient } from '../../allocation/client.ts';
import { listVersions } from '../../models/registry/registry.ts';
import { MODEL_NAMES, scoreOnce, trainAll, type ModelName } from '../../models/scoring/run.ts';
import { ScoreChanges } from '../../models/scoring/score-changes.ts';
import { loadTf, type TfBackend } from '../../models/tf.ts';
import { createLogger } from '../../runtime/logger.ts';
import { connectNats } from '../../runtime/nats.ts';
import { withClickHouse } from '../clickhouse-access.ts';
import { numberOption, parseOptions, UsageError, type Command } from '../command.ts';
import { dataPath, loadTowerConfig } from '../config.ts';

export const modelsCommand: Command = {
  name: 'models',
  summary: 'risk models: train on ClickHouse history, score once, list the registry',
  help: `Usage: tower models train [--only demand,cutoff,anomalies] [--seed N] [--dir DIR]
       tower models score [--only stockout,cutoff,anomaly] [--dir DIR]
       tower models list [--dir DIR]

train  Trains the demand forecaster (90 days of daily demand per SKU-location), the cutoff-miss model (7 days
       of order, carrier and warehouse events) and the anomaly profiles (28 days), and stores each as a new
       version in the registry (DIR/<model>/v<N>/ with metadata.json: trained at, data window, metrics, backend).
score  One scoring pass with the newest versions: stockout risk per SKU-location (positions from the allocation
       service over NATS), cutoff-miss risk per open order and site × carrier cutoff, anomalies; writes
       risk_scores and publishes changed scores on risk.<kind>.<site>. The scoring service does this periodically.
list   Versions in the registry with their metrics.
Uses CLICKHOUSE_URL (or the embedded engine when \`tower up\` is not running), NATS_URL, TF_BACKEND.

Options:
  --only LIST   comma-separated subset
  --seed N      training seed (default 1): the same data and seed give the same model
  --dir DIR     registry folder (default TOWER_DATA_DIR/models)
  -h, --help    show this help

Example:
  CLICKHOUSE_URL=http://127.0.0.1:8123 tower models train --only demand`,
  async run(args) {
    const { values, positionals } = parseOptions(args, { only: { type: 'string' }, seed: { type: 'string' }, dir: { type: 'string' } });
    const sub = positionals[0];
    if (sub !== 'train' && sub !== 'score' && sub !== 'list') throw new UsageError('expected a sub-command: train, score or list');
    const cfg = loadTowerConfig();
    const dir = path.resolve(values.dir ?? dataPath(cfg, 'models'));
    if (sub === 'list') {
      for (const name of MODEL_NAMES) {
        const versions = await listVersions({ dir, name });
        if (!versions.length) { console.log(`${name.padEnd(10)} not trained yet`); continue; }
        for (const v of versions) {
          const metrics = Object.entries(v.metrics).map(([k, n]) => `${k}=${Math.round(n * 1000) / 1000}`).join(' ');
          console.log(`${name.padEnd(10)} v${v.version}  trained ${v.trainedAt}  data ${v.dataWindow.from} … ${v.dataWindow.to}  ${v.backend}  ${metrics}`);
        }
      }
      return 0;
    }
    const log = createLogger('models', cfg.LOG_LEVEL);
    const { tf, backend } = await loadTf({ prefer: cfg.TF_BACKEND as TfBackend | undefined, log });
    const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
    return withClickHouse(cfg, async ({ db }) => {
      if (sub === 'train') {
        const bad = only?.filter((m) => !MODEL_NAMES.includes(m as ModelName));
        if (bad?.length) throw new UsageError(`unknown model(s): ${bad.join(', ')}; choose from ${MODEL_NAMES.join(', ')}`);
        const bars = process.stderr.isTTY ? new cliProgress.MultiBar({ format: '{model} [{bar}] {percentage}% | {detail}', stream: process.stderr },
          cliProgress.Presets.shades_classic) : undefined;
        const bar = new Map<ModelName, cliProgress.SingleBar | undefined>();
        const result = await trainAll({ db, dir, tf, backend, now: Date.now(), seed: numberOption('seed', values.seed, 1, 0, 2 ** 31),
          log, only: only as ModelName[] | undefined, onProgress: (model, fraction, detail) => {
            if (!bar.has(model)) bar.set(model, bars?.create(100, 0, { model: model.padEnd(9), detail: '' }));
            bar.get(model)?.update(Math.round(fraction * 100), { detail });
          } });
        bars?.stop();
        for (const [name, m] of Object.entries(result)) {
          console.log(m ? `${name}: v${m.version} (data ${m.dataWindow.from} … ${m.dataWindow.to})` : `${name}: no data in ClickHouse yet, not trained`);
        }
        return 0;
      }
      const nc = await connectNats({ url: cfg.NATS_URL, name: 'tower-models', log });
      try {
        const changes = new ScoreChanges({ nc });
        await changes.rememberLatest(db);
        const summary = await scoreOnce({ db, dir, tf, now: Date.now(), allocation: createAllocationClient({ nc, retryForMs: 5_000 }),
          changes, log, only: only as ('stockout' | 'cutoff' | 'anomaly')[] | undefined });
        for (const s of summary) {
          console.log(s.skipped ? `${s.kind}: skipped — ${s.skipped}` : `${s.kind}: ${s.scored} scored, ${s.published} changed (published), ${s.ms} ms`);
        }
        return 0;
      } finally {
        await nc.drain();
      }
    });
  },
};
