/** `tower anomalies score --stream FILE.csv`: the anomaly detector on any single time series, one score per row. */
import { readFileSync, writeFileSync } from 'node:fs';
import { ALERT_SCORE, SEASONS, parseInstant, parseStreamCsv, scoreStream, StreamFormatError, type Season, type StreamScore } from '../../models/anomalies/index.ts';
import { numberOption, parseOptions, UsageError, type Command } from '../command.ts';

const MAX_PRINTED_ISSUES = 50;

export const anomaliesCommand: Command = {
  name: 'anomalies',
  summary: 'score a time series (timestamp,value CSV) for anomalies, with an explanation per row',
  help: `Usage: tower anomalies score --stream FILE.csv [options]

Fits a seasonal profile to one time series and scores every row: how unlikely its value is given what is
normal for that time (the same detector that watches order intake, adjustments and returns).

Input (FILE.csv): UTF-8 CSV, one row per period, e.g.
    timestamp,value
    2026-04-07T14:00:00Z,231
    2026-04-07T15:00:00Z,12
  timestamp  ISO-8601 date-time with an offset (2026-04-07T14:00:00-04:00, …Z); without one, or a bare date
             (2026-04-07), it is local time in --tz. Rows may come in any order; the period is the median gap.
  value      a number. Non-negative integers are counts (negative binomial: 3 → 0 is nothing, 300 → 40 is
             an alarm); other values are scored by a robust z (residual scale from the median absolute deviation).
  The header is optional (columns in any order, extra columns ignored); without it the first two columns are
  timestamp and value. Blank lines are skipped. A bad line is reported as FILE:LINE: reason and skipped.

Output (--out, default stdout): CSV with a header and one row per input row, in timestamp order:
    timestamp,value,expected,low,high,score,direction,explanation
  expected   the profile's value for that time; low–high: the central 99% range
  score      −log10 of the tail probability on the side the value falls: 2 = one in a hundred, 4 = one in
             ten thousand (the alert threshold the product uses); comparable across series
  direction  drop | spike | none
  explanation  "value 85% below expected for Tuesday 14:00 (12 vs ~80; usual 62–99)"

Options:
  --stream FILE.csv  the series to score (required)
  --out FILE.csv     where to write the scores (default: stdout)
  --season S         auto | ${SEASONS.join(' | ')} (default auto: hour-of-week for
                     rows less than a day apart, day-of-week for daily rows, none beyond)
  --model M          auto | count | gaussian (default auto: count when every value is a non-negative integer)
  --tz ZONE          IANA time zone for hours and weekdays (default UTC)
  --train-until TS   fit on the rows before this timestamp only; score every row (default: fit on all rows)
  --threshold S      score counted as an alert in the summary (default ${ALERT_SCORE})
  -h, --help         show this help

Exit codes: 0 scored; 2 usage error or unreadable file; 3 scored, but some lines were bad.

Example:
  tower anomalies score --stream intake-marketplace-b.csv --tz America/New_York --out scores.csv`,
  async run(args) {
    const { values, positionals } = parseOptions(args, {
      stream: { type: 'string' }, out: { type: 'string' }, season: { type: 'string' }, model: { type: 'string' },
      tz: { type: 'string' }, 'train-until': { type: 'string' }, threshold: { type: 'string' },
    });
    if (positionals[0] !== 'score') throw new UsageError('expected the sub-command: score');
    const file = values.stream;
    if (!file) throw new UsageError('--stream FILE.csv is required');
    const season = values.season ?? 'auto';
    if (season !== 'auto' && !(SEASONS as readonly string[]).includes(season)) throw new UsageError(`--season must be auto or one of ${SEASONS.join(', ')}, got ${season}`);
    const model = values.model ?? 'auto';
    if (model !== 'auto' && model !== 'count' && model !== 'gaussian') throw new UsageError(`--model must be auto, count or gaussian, got ${model}`);
    const threshold = numberOption('threshold', values.threshold, ALERT_SCORE, 0, 1000);
    const timeZone = values.tz ?? 'UTC';
    let text: string;
    try { text = readFileSync(file, 'utf8'); } catch { throw new UsageError(`cannot read ${file}`); }

    try {
      const { rows, issues } = parseStreamCsv(text.split('\n'), timeZone);
      for (const i of issues.slice(0, MAX_PRINTED_ISSUES)) console.error(`${file}:${i.line}: ${i.message}`);
      if (issues.length > MAX_PRINTED_ISSUES) console.error(`… ${issues.length - MAX_PRINTED_ISSUES} more bad lines`);
      let trainUntil: number | undefined;
      if (values['train-until'] !== undefined) {
        trainUntil = parseInstant(values['train-until'], timeZone);
        if (Number.isNaN(trainUntil)) throw new UsageError(`--train-until must be an ISO-8601 date or date-time, got ${values['train-until']}`);
      }
      const r = scoreStream(rows, { season: season as Season | 'auto', model, timeZone, trainUntil });
      const csv = toCsv(r.scores);
      if (values.out) writeFileSync(values.out, csv); else process.stdout.write(csv);
      const alerts = r.scores.filter((s) => s.score >= threshold).length;
      console.error(`scored ${r.scores.length} row(s): period ${formatPeriod(r.periodMs)}, season ${r.season}, ${r.model} model; `
        + `${alerts} at score ≥ ${threshold}; ${issues.length} bad line(s)`);
      return issues.length > 0 ? 3 : 0;
    } catch (err) {
      if (err instanceof StreamFormatError || err instanceof RangeError) throw new UsageError(`${file}: ${err.message}`);
      throw err;
    }
  },
};

function toCsv(scores: StreamScore[]): string {
  const num = (v: number, digits: number) => String(Number(v.toFixed(digits)));
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = scores.map((s) => [quote(s.timestamp), String(s.value), num(s.expected, 3), num(s.low, 3), num(s.high, 3), num(s.score, 2),
    s.direction, quote(s.explanation)].join(','));
  return ['timestamp,value,expected,low,high,score,direction,explanation', ...lines].join('\n') + '\n';
}

function formatPeriod(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  return `${Math.round(ms / 60_000)} min`;
}
