/** `tower forecast backtest` end to end on small files: the table, the per-series CSV, bad lines, usage errors. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { UsageError } from '../command.ts';
import { forecastCommand } from './forecast.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'ct-forecast-'));

/** 12 series × 49 days of weekly-shaped demand (deterministic). */
function historyCsv(): string {
  const lines = ['series_id,period,qty'];
  for (let s = 0; s < 12; s++) {
    for (let d = 0; d < 49; d++) {
      const day = new Date(Date.UTC(2026, 0, 5 + d)).toISOString().slice(0, 10);
      lines.push(`SKU-${s}@wh-east,${day},${(s + 1) * (d % 7 === 6 ? 2 : 1) + ((d * 7 + s * 3) % 5)}`);
    }
  }
  return lines.join('\n') + '\n';
}

function capture() {
  const out: string[] = [], err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((m: string) => { out.push(m); });
  vi.spyOn(console, 'error').mockImplementation((m: string) => { err.push(m); });
  return { out, err };
}
afterEach(() => { vi.restoreAllMocks(); });

describe('tower forecast backtest', () => {
  test('prints every method against the seasonal naive and writes per-series results', async () => {
    const file = path.join(dir, 'history.csv');
    const out = path.join(dir, 'per-series.csv');
    writeFileSync(file, historyCsv());
    const { out: lines } = capture();
    const code = await forecastCommand.run(['backtest', '--history', file, '--horizon', '7', '--origins', '2', '--out', out]);
    expect(code).toBe(0);
    const text = lines.join('\n');
    expect(text).toMatch(/12 series, daily, 2026-01-05 … 2026-02-22 \(49 periods/);
    expect(text).toMatch(/first forecast periods 2026-02-09, 2026-02-16/);
    for (const m of ['zero', 'snaive', 'ses', 'holt', 'croston', 'tsb', 'global', 'ensemble', 'auto']) {
      expect(text).toMatch(new RegExp(`^${m}\\s+12\\s`, 'm'));
    }
    expect(text).toMatch(/^snaive\s+12\s+[\d.]+\s+1\.000\s/m);
    const csv = readFileSync(out, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('series_id,method,origins,rmsse,mase,spl,coverage,chosen');
    expect(csv).toHaveLength(1 + 12 * 9);
    expect(csv.find((l) => l.startsWith('SKU-0@wh-east,auto,2,'))).toMatch(/,[a-z]+\|[a-z]+$/);
  });

  test('the same seed gives the same per-series results', async () => {
    const file = path.join(dir, 'history.csv');
    const run = async (out: string) => {
      capture();
      expect(await forecastCommand.run(['backtest', '--history', file, '--horizon', '7', '--origins', '1', '--seed', '5', '--out', out])).toBe(0);
      vi.restoreAllMocks();
      return readFileSync(out, 'utf8');
    };
    expect(await run(path.join(dir, 'a.csv'))).toBe(await run(path.join(dir, 'b.csv')));
  });

  test('weekly history: inferred from the periods, 8 weeks a block by default', async () => {
    const file = path.join(dir, 'weekly.csv');
    const lines = ['series_id,period,qty'];
    for (let s = 0; s < 6; s++) for (let w = 0; w < 40; w++) {
      lines.push(`W${s},${new Date(Date.UTC(2025, 0, 6 + 7 * w)).toISOString().slice(0, 10)},${10 + s + ((w * 3 + s) % 4)}`);
    }
    writeFileSync(file, lines.join('\n'));
    const { out } = capture();
    expect(await forecastCommand.run(['backtest', '--history', file, '--origins', '2'])).toBe(0);
    expect(out.join('\n')).toMatch(/6 series, weekly/);
    expect(out.join('\n')).toMatch(/2 origin\(s\) × 8 weeks/);
  });

  test('bad lines are reported as FILE:LINE: reason and nothing is backtested (exit 3)', async () => {
    const file = path.join(dir, 'bad.csv');
    writeFileSync(file, 'series_id,period,qty\nA,2026-01-05,1\nA,2026-01-06,x\nA,Monday,2\n');
    const { err } = capture();
    expect(await forecastCommand.run(['backtest', '--history', file])).toBe(3);
    expect(err[0]).toBe(`${file}:3: qty must be a number ≥ 0, got "x"`);
    expect(err[1]).toMatch(new RegExp(`${path.basename(file)}:4: period must be an ISO date`));
  });

  test('usage errors: no sub-command, no file, bad numbers, a history too short for the options', async () => {
    const file = path.join(dir, 'short.csv');
    writeFileSync(file, historyCsv());
    await expect(forecastCommand.run(['--history', file])).rejects.toThrow(UsageError);
    await expect(forecastCommand.run(['backtest'])).rejects.toThrow(/--history FILE.csv is required/);
    await expect(forecastCommand.run(['backtest', '--history', path.join(dir, 'nope.csv')])).rejects.toThrow(/cannot read/);
    await expect(forecastCommand.run(['backtest', '--history', file, '--origins', '0'])).rejects.toThrow(/--origins must be/);
    await expect(forecastCommand.run(['backtest', '--history', file, '--origins', '3', '--horizon', '14']))
      .rejects.toThrow(/49 periods; 3 origin\(s\) of 14 need at least 56/);
  });
});
