/**
 * `tower forecast backtest`: the rolling-origin backtest of every demand method on any history CSV, against the
 * seasonal naive; a summary table on stdout, per-series results to a CSV.
 */
import { statSync, writeFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { backtestDemand, NOMINAL_COVERAGE, type BacktestResult } from '../../models/demand/backtest.ts';
import { readHistoryCsv } from '../../models/demand/history-csv.ts';
import { defaultHorizon, seasonOf } from '../../models/demand/series.ts';
import { loadTf } from '../../models/tf.ts';
import { numberOption, parseOptions, UsageError, type Command } from '../command.ts';

const SHOWN_ERRORS = 20;

export const forecastCommand: Command = {
  name: 'forecast',
  summary: 'demand forecasting: rolling-origin backtest of every method on a history CSV',
  help: `Usage: tower forecast backtest --history FILE.csv [options]

Backtests the demand forecasters — zero, seasonal naive, simple exponential smoothing, Holt (damped trend),
Croston, TSB, the global TF.js model, the ensemble (global + SES + TSB) and auto (the method each series gets
by the selection backtest inside training) — on the last K blocks of H periods of every series, each forecast
from a model trained only on the history before its origin.

History format (CSV, header line required, columns in any order, extra columns ignored):
  series_id   any text, e.g. SKU-00042@wh-east
  period      ISO date YYYY-MM-DD; daily (every day) or weekly (one weekday) — inferred from the periods
  qty         units demanded in the period, a number ≥ 0
  promo       optional: promotion share of the period, 0–1 (planned promotions, used in the forecast window)
A series runs from its first row to the last period of the file; missing periods count as 0. Duplicate
(series_id, period) rows are an error: aggregate channels first.

  series_id,period,qty
  SKU-00042@wh-east,2026-01-05,3
  SKU-00042@wh-east,2026-01-06,0

Printed per method: RMSSE (M5), MASE (M4; seasonal lag 7 days, 1 week), SPL (pinball loss averaged over
P10/P50/P90, scaled by the mean absolute one-step change, M5), each with its ratio to the seasonal naive
(×snaive < 1 is better), and the share of actuals inside [P10, P90] (nominal ${NOMINAL_COVERAGE.toFixed(2)}).

Options:
  --history FILE     the history CSV (required)
  --horizon H        periods per origin (default: 14 for daily data, 8 for weekly)
  --origins K        origins, each H periods after the previous one (default: 3)
  --out FILE         write per-series results (series_id, method, origins, rmsse, mase, spl, coverage,
                     chosen) to FILE as CSV
  --seed N           seed of the global model's training (default: 1); the same seed gives the same numbers
  -h, --help         show this help

Exit codes: 0 done, 2 usage error (bad option, history too short for the options), 3 bad lines in the file
(each reported as FILE:LINE: reason).

Example:
  tower forecast backtest --history demand.csv --origins 3 --out per-series.csv`,
  async run(args) {
    const { values, positionals } = parseOptions(args, {
      history: { type: 'string' }, horizon: { type: 'string' }, origins: { type: 'string' }, out: { type: 'string' },
      seed: { type: 'string' },
    });
    if (positionals[0] !== 'backtest' || positionals.length > 1) {
      throw new UsageError(positionals.length ? `unknown sub-command "${positionals.join(' ')}"` : 'a sub-command is required: backtest');
    }
    const file = values.history;
    if (!file) throw new UsageError('--history FILE.csv is required');
    try { statSync(file); } catch { throw new UsageError(`cannot read ${file}`); }
    const origins = numberOption('origins', values.origins, 3, 1, 100);
    const seed = numberOption('seed', values.seed, 1, 0, 0xffff_ffff);
    if (!Number.isInteger(origins) || !Number.isInteger(seed)) throw new UsageError('--origins and --seed must be whole numbers');

    const { history, errors } = await readHistoryCsv(file);
    for (const e of errors.slice(0, SHOWN_ERRORS)) console.error(`${file}:${e.line}: ${e.reason}`);
    if (errors.length > SHOWN_ERRORS) console.error(`… and ${errors.length - SHOWN_ERRORS} more bad line(s)`);
    if (errors.length) { console.error(`${errors.length} bad line(s) in ${file}; nothing was backtested`); return 3; }
    if (typeof history === 'string') { console.error(`${file}: ${history}`); return 3; }

    const horizon = numberOption('horizon', values.horizon, defaultHorizon(history.grain), 1, 1000);
    if (!Number.isInteger(horizon)) throw new UsageError('--horizon must be a whole number');
    const periods = Math.max(...history.series.map((s) => s.values.length));
    const needed = origins * horizon + 2 * Math.max(seasonOf(history.grain), 7);
    if (periods < needed) {
      throw new UsageError(`the history has ${periods} periods; ${origins} origin(s) of ${horizon} need at least ${needed}` +
        ` (two seasons of training before the first origin): lower --origins or --horizon`);
    }
    const { tf, backend } = await loadTf();
    const unit = history.grain === 'day' ? 'days' : 'weeks';
    console.log(`history: ${file} — ${history.series.length} series, ${history.grain === 'day' ? 'daily' : 'weekly'},` +
      ` ${history.from} … ${history.to} (${periods} periods, ${history.rows} rows)`);

    const bar = process.stderr.isTTY
      ? new cliProgress.SingleBar({ format: 'backtest [{bar}] {percentage}% | origin {origin}/{origins} | {stage} epoch {epoch}/{epochs}' },
        cliProgress.Presets.shades_classic)
      : undefined;
    bar?.start(1000, 0, { origin: 1, origins, stage: 'select', epoch: 0, epochs: '…' });
    const started = performance.now();
    let result: BacktestResult;
    try {
      result = await backtestDemand({
        series: history.series, horizon, origins, seed, tf,
        // Training is two stages per origin: select (most epochs) and refit; the bar splits an origin 70/30.
        onProgress: (p) => {
          const within = p.stage === 'select' ? 0.7 * (p.epoch / p.epochs) : 0.7 + 0.3 * (p.epoch / p.epochs);
          bar?.update(Math.round((1000 * (p.origin - 1 + within)) / p.origins), p);
        },
      });
    } finally {
      bar?.stop();
    }
    console.log(`backtest: ${origins} origin(s) × ${horizon} ${unit} (first forecast periods ${result.originDates.join(', ')}),` +
      ` seed ${seed}, TF.js ${backend}, ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    console.log(formatTable(result));
    if (values.out) {
      writeFileSync(values.out, perSeriesCsv(result));
      console.log(`\nper-series results: ${values.out}`);
    }
    return 0;
  },
};

const num = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : '—');

/** The summary table, one line per method. */
export function formatTable(r: BacktestResult): string {
  const head = ['method', 'series', 'RMSSE', '×snaive', 'MASE', '×snaive', 'SPL', '×snaive', 'P10–P90'];
  const rows = r.summary.map((m) => [m.method, String(m.series), num(m.rmsse), num(m.vsNaive.rmsse), num(m.mase),
    num(m.vsNaive.mase), num(m.spl), num(m.vsNaive.spl), num(m.coverage, 2)]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const chosen = new Map<string, number>();
  for (const s of r.perSeries) if (s.method === 'auto') for (const m of s.chosen ?? []) chosen.set(m, (chosen.get(m) ?? 0) + 1);
  const picks = [...chosen].sort((a, b) => b[1] - a[1]).map(([m, n]) => `${m} ${n}`).join(', ');
  return [line(head), ...rows.map(line), '', `auto chose (series × origins): ${picks}`].join('\n');
}

const csvField = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function perSeriesCsv(r: BacktestResult): string {
  const lines = ['series_id,method,origins,rmsse,mase,spl,coverage,chosen'];
  for (const s of r.perSeries) {
    const n = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : '');
    lines.push([csvField(s.id), s.method, s.origins, n(s.rmsse), n(s.mase), n(s.spl), n(s.coverage), (s.chosen ?? []).join('|')].join(','));
  }
  return lines.join('\n') + '\n';
}
