/**
 * Demand history from CSV, for backtests on any data: a header naming the columns `series_id, period, qty`
 * (any order, case-insensitive; an optional `promo` column, 0–1, and other columns are ignored), then one row
 * per series and period. `period` is an ISO date (YYYY-MM-DD): every day (daily) or one day a week (weekly: all
 * periods on the same weekday); the grain is inferred from the periods. Fields may be double-quoted (RFC 4180).
 *
 * Each series runs from its first row to the last period in the file; periods without a row are 0 (files often
 * leave out zero days). Every bad line is reported with its number and reason; nothing is guessed.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { dayNumber, inferGrain, isoDate, periodDays, type DemandSeries, type Grain } from './series.ts';

export interface LineError { line: number; reason: string }

export interface ParsedHistory {
  series: DemandSeries[];
  grain: Grain;
  rows: number;
  /** First and last period in the file. */
  from: string;
  to: string;
}

/** Split one CSV line; quoted fields may hold commas and doubled quotes. Returns a reason when malformed. */
export function splitCsvLine(line: string): string[] | string {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let field = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return 'unterminated quoted field';
        field += line.slice(i, q);
        if (line[q + 1] === '"') { field += '"'; i = q + 2; continue; }
        i = q + 1;
        break;
      }
      out.push(field);
      if (i < line.length && line[i] !== ',') return `unexpected character after a quoted field at column ${i + 1}`;
    } else {
      const c = line.indexOf(',', i);
      out.push((c < 0 ? line.slice(i) : line.slice(i, c)).trim());
      i = c < 0 ? line.length : c;
    }
    if (i >= line.length) return out;
    i++; // the comma
  }
}

interface Row { day: number; qty: number; promo: number }

/** Collects rows line by line; `finish` builds the series. */
export class HistoryParser {
  readonly errors: LineError[] = [];
  private columns: { id: number; period: number; qty: number; promo: number; count: number } | undefined;
  private readonly bySeries = new Map<string, Map<number, Row & { line: number }>>();
  private rows = 0;
  private headerFailed = false;

  /** Feed one line (numbered from 1). */
  add(lineNo: number, raw: string): void {
    const line = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (line.trim() === '' || this.headerFailed) return;
    const fields = splitCsvLine(line);
    const fail = (reason: string) => { this.errors.push({ line: lineNo, reason }); };
    if (typeof fields === 'string') return fail(fields);
    if (!this.columns) return this.header(lineNo, fields);
    const c = this.columns;
    if (fields.length !== c.count) return fail(`expected ${c.count} columns, got ${fields.length}`);
    const id = fields[c.id];
    if (!id) return fail('series_id is empty');
    const day = dayNumber(fields[c.period]);
    if (!Number.isFinite(day)) return fail(`period must be an ISO date (YYYY-MM-DD), got "${fields[c.period]}"`);
    const qty = fields[c.qty] === '' ? NaN : Number(fields[c.qty]);
    if (!Number.isFinite(qty) || qty < 0) return fail(`qty must be a number ≥ 0, got "${fields[c.qty]}"`);
    const promo = c.promo < 0 || fields[c.promo] === '' ? 0 : Number(fields[c.promo]);
    if (!(promo >= 0 && promo <= 1)) return fail(`promo must be a number from 0 to 1, got "${fields[c.promo]}"`);
    let rows = this.bySeries.get(id);
    if (!rows) this.bySeries.set(id, (rows = new Map()));
    const seen = rows.get(day);
    if (seen) return fail(`duplicate row for series "${id}" and period ${fields[c.period]} (first at line ${seen.line}); aggregate it first`);
    rows.set(day, { day, qty, promo, line: lineNo });
    this.rows++;
  }

  private header(lineNo: number, fields: string[]): void {
    const names = fields.map((f) => f.trim().toLowerCase());
    const missing = ['series_id', 'period', 'qty'].filter((n) => !names.includes(n));
    if (missing.length) {
      this.errors.push({ line: lineNo, reason: `header must name the columns series_id, period, qty; missing ${missing.join(', ')}` });
      this.headerFailed = true;
      return;
    }
    this.columns = { id: names.indexOf('series_id'), period: names.indexOf('period'), qty: names.indexOf('qty'),
      promo: names.indexOf('promo'), count: names.length };
  }

  /** The series, or the reason the file as a whole cannot be used. */
  finish(): ParsedHistory | string {
    if (!this.columns) return this.errors.length ? 'no valid header' : 'the file is empty';
    if (this.rows === 0) return 'no data rows';
    const days = new Set<number>();
    for (const rows of this.bySeries.values()) for (const d of rows.keys()) days.add(d);
    const grain = inferGrain(days);
    if (grain !== 'day' && grain !== 'week') return grain;
    const step = periodDays(grain);
    const last = Math.max(...days);
    const series: DemandSeries[] = [];
    let hasPromo = false;
    for (const [id, rows] of this.bySeries) {
      const first = Math.min(...rows.keys());
      const n = (last - first) / step + 1;
      const values = new Array<number>(n).fill(0);
      const promo = new Array<number>(n).fill(0);
      for (const r of rows.values()) {
        values[(r.day - first) / step] = r.qty;
        promo[(r.day - first) / step] = r.promo;
        if (r.promo > 0) hasPromo = true;
      }
      series.push({ id, start: isoDate(first), grain, values, promo });
    }
    if (!hasPromo) for (const s of series) delete s.promo;
    return { series, grain, rows: this.rows, from: isoDate(Math.min(...days)), to: isoDate(last) };
  }
}

/** Read a history file; `errors` lists every bad line (the caller decides whether to go on). */
export async function readHistoryCsv(file: string): Promise<{ history: ParsedHistory | string; errors: LineError[] }> {
  const parser = new HistoryParser();
  let lineNo = 0;
  for await (const line of createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity })) {
    parser.add(++lineNo, line);
  }
  return { history: parser.finish(), errors: parser.errors };
}

/** Series as a history CSV (the format above, with `promo` when any series has one): the inverse of the parser. */
export function formatHistoryCsv(series: DemandSeries[]): string {
  const promo = series.some((s) => s.promo);
  const lines = [promo ? 'series_id,period,qty,promo' : 'series_id,period,qty'];
  for (const s of series) {
    const first = dayNumber(s.start);
    const step = periodDays(s.grain);
    const id = /[",\n]/.test(s.id) ? `"${s.id.replace(/"/g, '""')}"` : s.id;
    s.values.forEach((v, i) => lines.push(`${id},${isoDate(first + i * step)},${v}${promo ? `,${+(s.promo?.[i] ?? 0).toFixed(4)}` : ''}`));
  }
  return lines.join('\n') + '\n';
}
