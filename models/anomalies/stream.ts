/**
 * One time series from a CSV file (`timestamp,value`), scored row by row with the same detector the contract
 * series use: `tower anomalies score --stream FILE.csv`. Non-negative integers are counts (negative binomial);
 * anything else gets the additive profile and a robust z (residual scale = 1.4826 × MAD, the normal's σ).
 * The profile is fitted on the rows before `trainUntil` (default: every row; medians keep the anomalies
 * themselves from defining normal).
 */
import { Calendar, DAY_MS, type LocalTime } from './calendar.ts';
import { DEFAULT_C2, DENSE_PER_DAY, countBand, estimateDispersion, fitLevel, predictive, scoreCount, type CountScore, type Direction } from './count-model.ts';
import { logNormalTailAbove, normalQuantile, surprise } from './distributions.ts';
import { explain } from './explain.ts';
import type { AnomalyScore } from './model.ts';
import { SEASONS, estimateProfile, median, slotCount, slotOf, type Season } from './profile.ts';

export interface StreamRow { line: number; timestamp: string; t: number; value: number }
export interface StreamIssue { line: number; message: string }

/** A file that cannot be read as a stream at all (as opposed to a bad line, which is skipped). */
export class StreamFormatError extends Error {}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** Parse an ISO-8601 date or date-time; without an offset it is wall-clock time in `cal`'s zone. NaN if invalid. */
export function parseTimestamp(s: string, cal: Calendar): number {
  const m = TIMESTAMP.exec(s);
  if (!m) return NaN;
  const [y, mo, d, h = 0, mi = 0, sec = 0] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((v) => (v === undefined ? undefined : Number(v))) as number[];
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth || h > 23 || mi > 59 || sec > 59) return NaN;
  const zone = m[8];
  if (!zone) return cal.fromLocal(y, mo, d, h, mi, sec, ms);
  const wall = Date.UTC(y, mo - 1, d, h, mi, sec, ms);
  if (zone.toUpperCase() === 'Z') return wall;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return wall - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}

/** `parseTimestamp` in a named zone (ms, or NaN). */
export function parseInstant(s: string, timeZone = 'UTC'): number {
  return parseTimestamp(s.trim(), Calendar.of(timeZone));
}

/** Split one CSV line (RFC 4180 quotes: "a,b" and "" for a quote). */
export function splitCsv(line: string): string[] {
  const out: string[] = [];
  let field = '', quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { out.push(field); field = ''; } else field += c;
  }
  out.push(field);
  return out.map((f) => f.trim());
}

/**
 * Rows and bad lines of a `timestamp,value` CSV, in file order. The header is optional (a first line naming
 * `timestamp` and `value`, in any column order, other columns ignored); without one the first two columns are
 * used. Blank lines are skipped.
 */
export function parseStreamCsv(lines: Iterable<string>, timeZone = 'UTC'): { rows: StreamRow[]; issues: StreamIssue[] } {
  const cal = Calendar.of(timeZone);
  const rows: StreamRow[] = [], issues: StreamIssue[] = [];
  const seen = new Map<number, number>();
  let ti = 0, vi = 1, lineNo = 0, first = true;
  for (const raw of lines) {
    lineNo++;
    const line = raw.replace(/\r$/, '').replace(/^\uFEFF/, '');
    if (line.trim() === '') continue;
    const f = splitCsv(line);
    if (first) {
      first = false;
      const names = f.map((n) => n.toLowerCase());
      if (names.includes('timestamp') && names.includes('value')) { ti = names.indexOf('timestamp'); vi = names.indexOf('value'); continue; }
      if (Number.isNaN(parseTimestamp(f[0], cal))) {
        throw new StreamFormatError(`line ${lineNo}: expected a header naming the columns timestamp and value, or a first row of data; got "${line.slice(0, 80)}"`);
      }
    }
    if (f.length <= Math.max(ti, vi)) { issues.push({ line: lineNo, message: `expected at least ${Math.max(ti, vi) + 1} columns, got ${f.length}` }); continue; }
    const ts = f[ti], vs = f[vi];
    const t = parseTimestamp(ts, cal);
    if (Number.isNaN(t)) { issues.push({ line: lineNo, message: `timestamp "${ts}" is not an ISO-8601 date or date-time (2026-04-07T14:00:00Z)` }); continue; }
    if (vs === '') { issues.push({ line: lineNo, message: 'value is empty' }); continue; }
    const value = Number(vs);
    if (!Number.isFinite(value)) { issues.push({ line: lineNo, message: `value "${vs}" is not a number` }); continue; }
    const dup = seen.get(t);
    if (dup !== undefined) { issues.push({ line: lineNo, message: `duplicate timestamp ${ts} (first on line ${dup})` }); continue; }
    seen.set(t, lineNo);
    rows.push({ line: lineNo, timestamp: ts, t, value });
  }
  return { rows, issues };
}

export interface StreamOptions {
  season?: Season | 'auto';
  model?: 'auto' | 'count' | 'gaussian';
  timeZone?: string;
  /** Fit on rows strictly before this instant (ms); default every row. */
  trainUntil?: number;
}

/** A scored row of a stream: its line and timestamp, and the same figures as a series' AnomalyScore. */
export type StreamScore = { line: number; timestamp: string }
  & Pick<AnomalyScore, 'value' | 'expected' | 'low' | 'high' | 'score' | 'direction' | 'explanation'>;

export interface StreamResult {
  scores: StreamScore[];
  periodMs: number;
  season: Season;
  model: 'count' | 'gaussian';
}

/** The median spacing of consecutive timestamps: the series' period. */
export function inferPeriod(ts: number[]): number {
  const gaps: number[] = [];
  for (let i = 1; i < ts.length; i++) if (ts[i] > ts[i - 1]) gaps.push(ts[i] - ts[i - 1]);
  return gaps.length ? median(gaps) : NaN;
}

/** Fit the profile on the training rows and score every row (in timestamp order). */
export function scoreStream(input: StreamRow[], o: StreamOptions = {}): StreamResult {
  const rows = [...input].sort((a, b) => a.t - b.t);
  if (rows.length < 2) throw new StreamFormatError(`need at least 2 rows to infer the period, got ${rows.length}`);
  const periodMs = inferPeriod(rows.map((r) => r.t));
  const daily = periodMs >= DAY_MS - 2 * 3_600_000;
  const season: Season = !o.season || o.season === 'auto' ? (periodMs > 1.5 * DAY_MS ? 'none' : daily ? 'day-of-week' : 'hour-of-week') : o.season;
  if (!SEASONS.includes(season)) throw new StreamFormatError(`unknown season "${season}" (${SEASONS.join(', ')})`);
  if (daily && (season === 'hour-of-week' || season === 'hour-of-day')) {
    throw new StreamFormatError(`season ${season} needs rows less than a day apart; these are ${(periodMs / 3_600_000).toFixed(1)} h apart`);
  }
  const isCount = rows.every((r) => r.value >= 0 && Number.isInteger(r.value));
  if (o.model === 'count' && !isCount) throw new StreamFormatError('--model count needs non-negative integer values');
  const model = o.model === 'gaussian' || (o.model !== 'count' && !isCount) ? 'gaussian' : 'count';

  const cal = Calendar.of(o.timeZone ?? 'UTC');
  const local: LocalTime[] = rows.map((r) => cal.local(r.t));
  const train = rows.map((r) => o.trainUntil === undefined || r.t < o.trainUntil);
  if (!train.some(Boolean)) throw new StreamFormatError('no rows before --train-until to fit on');
  const tx = rows.map((r) => r.value).filter((_, i) => train[i]);
  const tl = local.filter((_, i) => train[i]);
  const when = (i: number) => `${daily ? 'on' : 'for'} ${cal.label(rows[i].t, daily ? DAY_MS : periodMs)}`;
  const score = model === 'count' ? countScorer(tx, tl, season) : gaussianScorer(tx, tl, season);
  const scores = rows.map((r, i) => {
    const s = score(r.value, local[i]);
    return {
      line: r.line, timestamp: r.timestamp, value: r.value, expected: s.expected, low: s.low, high: s.high, score: s.score, direction: s.direction,
      explanation: explain({ subject: 'value', when: when(i), value: r.value, expected: s.expected, low: s.low, high: s.high, direction: s.direction }),
    };
  });
  return { scores, periodMs, season, model };
}

type Scorer = (x: number, lt: LocalTime) => CountScore & { expected: number };

function countScorer(x: number[], local: LocalTime[], season: Season): Scorer {
  const days = local.map((l) => l.day);
  const perDay = x.reduce((a, b) => a + b, 0) / new Set(days).size;
  const factors = perDay >= DENSE_PER_DAY ? estimateProfile(x, local, season, 'ratio') : new Array(slotCount(season)).fill(1);
  const f = local.map((l) => factors[slotOf(season, l)]);
  const level = fitLevel(x, f, days);
  const d = estimateDispersion(x, f.map((v) => (v * level.a) / level.b));
  const dispersion = { low: d.low ?? DEFAULT_C2, high: d.high ?? DEFAULT_C2 };
  return (v, lt) => {
    const d = predictive(level, factors[slotOf(season, lt)], dispersion);
    return { ...scoreCount(v, d, countBand(d)), expected: d.mean };
  };
}

function gaussianScorer(x: number[], local: LocalTime[], season: Season): Scorer {
  const expected = estimateProfile(x, local, season, 'offset');
  const resid = x.map((v, i) => v - expected[slotOf(season, local[i])]);
  const center = median(resid);
  let scale = 1.4826 * median(resid.map((r) => Math.abs(r - center)));
  if (!(scale > 0)) scale = 1.2533 * resid.reduce((a, r) => a + Math.abs(r - center), 0) / resid.length;
  if (!(scale > 0)) scale = 1e-9 * (Math.abs(median(x)) + 1);
  const half = normalQuantile(0.995) * scale;
  return (v, lt) => {
    const e = expected[slotOf(season, lt)];
    const z = (v - e) / scale;
    const direction: Direction = z > 0 ? 'spike' : z < 0 ? 'drop' : 'none';
    return { expected: e, low: e - half, high: e + half, score: surprise(logNormalTailAbove(Math.abs(z))), direction };
  };
}
