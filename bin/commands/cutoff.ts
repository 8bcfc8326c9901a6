/**
 * `tower cutoff backtest`: how well the cutoff-miss model would have ranked and calibrated the orders of a history
 * it was not trained on, next to two baselines, from a file of contract events (ours or anyone's).
 */
import { createWriteStream, statSync } from 'node:fs';
import { once } from 'node:events';
import cliProgress from 'cli-progress';
import { CSV_HEADER, csvLine, formatBacktest, readEventsFile, runCutoffBacktest, type BacktestReport } from '../../models/cutoff/index.ts';
import { DEFAULT_TRAIN_SHARE } from '../../models/cutoff/backtest.ts';
import { loadTf } from '../../models/tf.ts';
import { numberOption, parseOptions, UsageError, type Command } from '../command.ts';

export const cutoffCommand: Command = {
  name: 'cutoff',
  summary: 'carrier cutoff-miss risk: backtest the model and its baselines on a file of events',
  help: `Usage: tower cutoff backtest --events FILE.ndjson [options]

Replays contract events in occurredAt order, trains on the orders whose outcome was known before the split, and
scores every order created after it at checkout and 120, 60, 30 and 15 minutes before its cutoff (while it
still waits for its handoff). Prints AUC, Brier score and precision in the top 10% (with the base rate) per
checkpoint for the model and two baselines, and writes one CSV row per scored order × checkpoint.

Input: NDJSON, one event per line, as in contracts/ (JSON Schema in contracts/json-schema/). Read:
  orders.created (promisedShipBy, lines, priority, channel) and orders.shipped (handoffAt) — enough on their own;
  and when present: orders.allocated/backordered/split/released_to_wave/picked/packed/cancelled,
  carrier.cutoff_scheduled (cutoffAt, timezone), carrier.pickup_arrived, carrier.handoff_scan,
  warehouse.wave_created, warehouse.labor_shift, warehouse.station_throughput. Other types are validated and
  ignored. Bad lines are reported as FILE:LINE: reason and skipped; the exit code is then 3.

A miss: the order (any of its shipments) was handed to the carrier after promisedShipBy, or was still not handed
off an hour after it; orders cancelled before promisedShipBy have no outcome.
Model: a TF.js network (seeded) for the floor's risk — backlog ahead by deadline vs pick/pack throughput and
labor on shift, order mix, status — with Platt calibration on a held-out 20% of training orders, combined with
the pickup history (P the truck comes after the cutoff, given it has not come yet).
Baselines: rule = hours of work ahead at the recent rate minus hours to the cutoff, Platt-scaled;
base-rate = the training miss rate of the order's site × local cutoff time.

Options:
  --events FILE        the history (required)
  --split ISO          train before, score orders created after (default: ${DEFAULT_TRAIN_SHARE * 100}% of the events' time range)
  --out FILE           write predictions as CSV, one row per order × checkpoint: order_id, site, carrier,
                       promised_ship_by, cutoff_at (the carrier's cutoff the order leaves by, local offset),
                       checkpoint (created|120m|60m|30m|15m), scored_at, minutes_to_cutoff, p_miss, p_rule,
                       p_base_rate, predicted_completion_at (packed and ready to hand off), missed (0|1), handoff_at
  --save DIR           also save the trained model (model.json, weights.bin, metadata.json)
  --seed N             network initialization and sampling seed (default: 1)
  --max-errors N       stop reading after N bad lines (default: 1000)
  --quiet              do not print each bad line, only their count
  -h, --help           show this help

Example:
  tower cutoff backtest --events history.ndjson --split 2026-03-04T00:00:00Z --out predictions.csv`,
  async run(args) {
    const { values, positionals } = parseOptions(args, {
      events: { type: 'string' }, split: { type: 'string' }, out: { type: 'string' }, save: { type: 'string' },
      seed: { type: 'string' }, 'max-errors': { type: 'string' }, quiet: { type: 'boolean', default: false },
    });
    if (positionals[0] !== 'backtest') throw new UsageError(positionals[0] ? `unknown sub-command "${positionals[0]}"` : 'a sub-command is required: backtest');
    const file = values.events;
    if (!file) throw new UsageError('--events FILE is required');
    try { statSync(file); } catch { throw new UsageError(`cannot read ${file}`); }
    let split: number | undefined;
    if (values.split !== undefined) {
      split = Date.parse(values.split);
      if (!Number.isFinite(split) || !/[zZ]|[+-]\d\d:\d\d$/.test(values.split)) {
        throw new UsageError(`--split must be an ISO-8601 instant with an offset, got ${values.split}`);
      }
    }
    const seed = numberOption('seed', values.seed, 1, 0, 0xffff_ffff);
    const maxErrors = numberOption('max-errors', values['max-errors'], 1000, 1);
    const started = Date.now();

    const bar = process.stderr.isTTY
      ? new cliProgress.SingleBar({ format: '{stage} [{bar}] {percentage}% | {detail}', stream: process.stderr }, cliProgress.Presets.shades_classic)
      : undefined;
    let stage = '';
    const progress = (name: string, done: number, total: number, detail: string) => {
      if (!bar) return;
      if (name !== stage) { if (stage) bar.stop(); stage = name; bar.start(total, 0, { stage: name.padEnd(7), detail }); }
      bar.setTotal(total);
      bar.update(done, { detail });
    };

    let bad = 0;
    const read = await readEventsFile(file, {
      onBadLine: (line, reason) => {
        bad++;
        if (!values.quiet) { bar?.stop(); stage = ''; console.error(`${file}:${line}: ${reason}`); }
        if (bad >= maxErrors) { console.error(`stopping after ${bad} bad lines (--max-errors)`); return false; }
      },
      onProgress: (bytes, size) => progress('read', bytes, size, `${Math.round(bytes / 1e6)} MB`),
    });
    const readSeconds = (Date.now() - started) / 1000;
    let report: BacktestReport;
    let backend = '';
    try {
      const loaded = await loadTf();
      backend = loaded.backend;
      const { tf } = loaded;
      report = await runCutoffBacktest(read.events, {
        tf, seed, ...(split !== undefined ? { split } : {}),
        onProgress: (p) => progress(p.stage, p.done, p.total, p.stage === 'train' ? `epoch ${p.done}/${p.total} (${backend})` : `${p.done} events`),
      });
    } finally {
      bar?.stop();
    }
    console.log(`read ${read.lines} line(s): ${read.valid} valid event(s), ${read.bad} bad line(s)${read.stopped ? ' (stopped early)' : ''}; ` +
      `${read.events.length} used by the cutoff model`);
    console.log(formatBacktest(report));
    if (values.out) {
      const out = createWriteStream(values.out);
      out.write(CSV_HEADER + '\n');
      for (const p of report.predictions) if (!out.write(csvLine(p) + '\n')) await once(out, 'drain');
      out.end();
      await once(out, 'finish');
      console.log(`\nwrote ${report.predictions.length} prediction(s) to ${values.out}`);
    }
    if (values.save) {
      await report.model.save(values.save);
      console.log(`saved the model to ${values.save}`);
    }
    console.log(`took ${((Date.now() - started) / 1000).toFixed(1)} s (reading ${readSeconds.toFixed(1)} s; TensorFlow.js backend ${backend})`);
    report.model.dispose();
    return read.bad > 0 ? 3 : 0;
  },
};
