/** History CSV parsing: every bad line is named with its reason; good files become dense series. */
import { describe, expect, test } from 'vitest';
import { formatHistoryCsv, HistoryParser, splitCsvLine } from './history-csv.ts';
import { inferGrain, dayNumber } from './series.ts';

function parse(lines: string[]) {
  const p = new HistoryParser();
  lines.forEach((l, i) => p.add(i + 1, l));
  return { result: p.finish(), errors: p.errors };
}

describe('history CSV', () => {
  test('daily rows become series from their first row to the last period of the file, gaps as zeros', () => {
    const { result, errors } = parse([
      'period,qty,series_id,channel',
      '2026-03-02,3,A,web',
      '2026-03-04,5,A,web',
      '2026-03-03,1,"B, large",web',
      '2026-03-05,2,"B, large",web',
    ]);
    expect(errors).toEqual([]);
    expect(result).toMatchObject({ grain: 'day', rows: 4, from: '2026-03-02', to: '2026-03-05' });
    expect(typeof result !== 'string' && result.series).toEqual([
      { id: 'A', start: '2026-03-02', grain: 'day', values: [3, 0, 5, 0] },
      { id: 'B, large', start: '2026-03-03', grain: 'day', values: [1, 0, 2] },
    ]);
  });

  test('weekly periods (one weekday) are weekly grain; a promo column is kept', () => {
    const { result } = parse(['series_id,period,qty,promo', 'A,2026-03-02,10,0', 'A,2026-03-16,12,0.5', 'A,2026-03-09,0,']);
    expect(typeof result !== 'string' && result.series).toEqual([
      { id: 'A', start: '2026-03-02', grain: 'week', values: [10, 0, 12], promo: [0, 0, 0.5] },
    ]);
  });

  test('each bad line is reported with its number and reason', () => {
    const { errors } = parse([
      'series_id,period,qty',
      'A,2026-03-02,3',
      'A,2026-03-03',              // 3: column count
      ',2026-03-03,1',             // 4: empty id
      'A,03/03/2026,1',            // 5: not ISO
      'A,2026-02-30,1',            // 6: no such day
      'A,2026-03-03,-2',           // 7: negative
      'A,2026-03-03,many',         // 8: not a number
      'A,2026-03-02,4',            // 9: duplicate of line 2
      '"A,2026-03-04,1',           // 10: unterminated quote
      '',                          // blank lines are skipped
    ]);
    expect(errors.map((e) => e.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(errors[0].reason).toBe('expected 3 columns, got 2');
    expect(errors[1].reason).toBe('series_id is empty');
    expect(errors[2].reason).toMatch(/period must be an ISO date \(YYYY-MM-DD\), got "03\/03\/2026"/);
    expect(errors[3].reason).toMatch(/2026-02-30/);
    expect(errors[4].reason).toMatch(/qty must be a number ≥ 0, got "-2"/);
    expect(errors[6].reason).toMatch(/duplicate row for series "A" and period 2026-03-02 \(first at line 2\)/);
    expect(errors[7].reason).toBe('unterminated quoted field');
  });

  test('a missing header column is one error, not one per line', () => {
    const { result, errors } = parse(['id,period,qty', 'A,2026-03-02,3', 'A,2026-03-03,3']);
    expect(errors).toEqual([{ line: 1, reason: 'header must name the columns series_id, period, qty; missing series_id' }]);
    expect(result).toBe('no valid header');
  });

  test('periods that are neither daily nor weekly are refused with the reason', () => {
    const days = ['2026-03-02', '2026-03-05', '2026-03-08'].map(dayNumber);
    expect(inferGrain(days)).toMatch(/neither daily nor weekly \(smallest gap 3 days\)/);
    expect(inferGrain([dayNumber('2026-03-02'), dayNumber('2026-03-10')])).toMatch(/neither daily nor weekly/);
  });

  test('formatHistoryCsv writes what the parser reads back', () => {
    const series = [
      { id: 'A "x", y', start: '2026-03-02', grain: 'day' as const, values: [1, 0, 2], promo: [0, 0.5, 0] },
      { id: 'B', start: '2026-03-03', grain: 'day' as const, values: [4, 5], promo: [0, 0] },
    ];
    const { result, errors } = parse(formatHistoryCsv(series).trim().split('\n'));
    expect(errors).toEqual([]);
    expect(typeof result !== 'string' && result.series).toEqual(series);
  });

  test('CSV fields: quotes, doubled quotes, trimming', () => {
    expect(splitCsvLine('a, b ,"c,""d"""')).toEqual(['a', 'b', 'c,"d"']);
    expect(splitCsvLine('"x"y')).toMatch(/unexpected character/);
  });
});
