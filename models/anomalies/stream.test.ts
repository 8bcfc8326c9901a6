import { describe, expect, test } from 'vitest';
import { Calendar, DAY_MS, HOUR_MS } from './calendar.ts';
import { parseStreamCsv, parseTimestamp, scoreStream, StreamFormatError } from './stream.ts';

describe('stream CSV', () => {
  test('bad lines are reported with their line numbers and reasons; good lines go through', () => {
    const lines = [
      'timestamp,value',
      '2026-04-07T14:00:00Z,231',
      '2026-04-07T15:00:00Z',             // 3: a missing column
      '2026-13-07T16:00:00Z,5',           // 4: no 13th month
      '2026-04-07T17:00:00Z,abc',         // 5: not a number
      '',                                 // 6: blank, skipped
      '2026-04-07T18:00:00Z,',            // 7: empty value
      '2026-04-07T10:00:00-04:00,7',      // 8: the same instant as line 2
      '2026-02-30,1',                     // 9: no 30 February
      '"2026-04-07T19:00:00Z","1,5"',     // 10: quoted, and "1,5" is not a number
      '2026-04-07T20:00:00.250+02:00,12\r',
    ];
    const { rows, issues } = parseStreamCsv(lines);
    expect(issues).toEqual([
      { line: 3, message: 'expected at least 2 columns, got 1' },
      { line: 4, message: 'timestamp "2026-13-07T16:00:00Z" is not an ISO-8601 date or date-time (2026-04-07T14:00:00Z)' },
      { line: 5, message: 'value "abc" is not a number' },
      { line: 7, message: 'value is empty' },
      { line: 8, message: 'duplicate timestamp 2026-04-07T10:00:00-04:00 (first on line 2)' },
      { line: 9, message: 'timestamp "2026-02-30" is not an ISO-8601 date or date-time (2026-04-07T14:00:00Z)' },
      { line: 10, message: 'value "1,5" is not a number' },
    ]);
    expect(rows.map((r) => [r.line, r.t, r.value])).toEqual([[2, Date.UTC(2026, 3, 7, 14), 231], [11, Date.UTC(2026, 3, 7, 18, 0, 0, 250), 12]]);
  });

  test('the header is optional, its columns in any order; an unreadable first line stops the file', () => {
    expect(parseStreamCsv(['\uFEFFsite,value,timestamp', 'x,4,2026-04-07']).rows.map((r) => r.value)).toEqual([4]);
    expect(parseStreamCsv(['2026-04-07,4', '2026-04-08,5']).rows).toHaveLength(2);
    expect(() => parseStreamCsv(['time,count', '2026-04-07,4'])).toThrow(StreamFormatError);
    expect(() => parseStreamCsv(['time,count'])).toThrow(/^line 1: expected a header naming the columns timestamp and value/);
  });

  test('timestamps: offsets, Z, and wall-clock time in the zone when there is none', () => {
    const ny = new Calendar('America/New_York');
    expect(parseTimestamp('2026-04-07T14:00:00-04:00', ny)).toBe(Date.UTC(2026, 3, 7, 18));
    expect(parseTimestamp('2026-04-07 14:00', ny)).toBe(Date.UTC(2026, 3, 7, 18));
    expect(parseTimestamp('2026-01-07T14:00', ny)).toBe(Date.UTC(2026, 0, 7, 19));
    expect(parseTimestamp('2026-04-07', ny)).toBe(Date.UTC(2026, 3, 7, 4));
    expect(parseTimestamp('2026-04-07T14:00:00+0530', ny)).toBe(Date.UTC(2026, 3, 7, 8, 30));
    expect(parseTimestamp('2026-04-07T25:00:00Z', ny)).toBeNaN();
    expect(parseTimestamp('07/04/2026', ny)).toBeNaN();
  });
});

describe('scoring a stream', () => {
  /** Four weeks of hourly orders from Monday 6 April (hour-of-day shape, weekends ×0.6, a little deterministic noise). */
  function hourly(value?: (t: number) => number) {
    const start = Date.UTC(2026, 3, 6);
    const rows = [];
    for (let t = start, line = 2; t < start + 28 * DAY_MS; t += HOUR_MS, line++) {
      const d = new Date(t);
      const base = Math.round((40 + 30 * Math.sin((Math.PI * d.getUTCHours()) / 24)) * (d.getUTCDay() % 6 === 0 ? 0.6 : 1));
      rows.push({ line, timestamp: d.toISOString(), t, value: value ? value(t) : base + ((line * 7919) % 11) - 5 });
    }
    return rows;
  }

  test('counts: the period and season are inferred, and a dead hour is the top score with its explanation', () => {
    const dead = Date.UTC(2026, 3, 28, 14); // the last Tuesday, 14:00 UTC
    const rows = hourly().map((r) => (r.t === dead ? { ...r, value: 0 } : r));
    const res = scoreStream(rows);
    expect([res.periodMs, res.season, res.model]).toEqual([HOUR_MS, 'hour-of-week', 'count']);
    const top = [...res.scores].sort((a, b) => b.score - a.score)[0];
    expect(top.timestamp).toBe(new Date(dead).toISOString());
    expect(top.direction).toBe('drop');
    expect(top.score).toBeGreaterThan(10);
    expect(top.explanation).toMatch(/^value 100% below expected for Tuesday 14:00 \(0 vs ~\d+; usual \d+–\d+\)$/);
    expect(res.scores.filter((s) => s.score >= 4)).toHaveLength(1);
  });

  test('other values: the additive profile and a robust z', () => {
    const spike = Date.UTC(2026, 3, 20, 9);
    const rows = hourly((t) => 20.5 + Math.sin(t / HOUR_MS) + (t === spike ? 15 : 0));
    const res = scoreStream(rows, { season: 'hour-of-day' });
    expect(res.model).toBe('gaussian');
    const top = [...res.scores].sort((a, b) => b.score - a.score)[0];
    expect([top.timestamp, top.direction]).toEqual([new Date(spike).toISOString(), 'spike']);
    expect(top.score).toBeGreaterThan(6);
  });

  test('fits on the rows before --train-until only; impossible options fail clearly', () => {
    const rows = hourly();
    const res = scoreStream(rows, { trainUntil: Date.UTC(2026, 3, 27) });
    expect(res.scores).toHaveLength(rows.length);
    const daily = rows.filter((r) => r.t % DAY_MS === 0);
    expect(() => scoreStream(daily, { season: 'hour-of-week' })).toThrow(/season hour-of-week needs rows less than a day apart; these are 24\.0 h apart/);
    expect(() => scoreStream(rows.slice(0, 1))).toThrow(/need at least 2 rows/);
    expect(() => scoreStream(rows, { trainUntil: 0 })).toThrow(/no rows before --train-until/);
    expect(() => scoreStream([{ ...rows[0], value: 1.5 }, rows[1]], { model: 'count' })).toThrow(/non-negative integer/);
  });
});
