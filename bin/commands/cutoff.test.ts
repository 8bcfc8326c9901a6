import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { createScenario } from '../../simulator/scenario.ts';
import { cutoffCommand } from './cutoff.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'ct-cutoff-cli-'));

/** Run the command, capturing what it prints. */
async function run(args: string[]): Promise<{ code: number; out: string; err: string[] }> {
  const out: string[] = [], err: string[] = [];
  const logSpy = vi.spyOn(console, 'log').mockImplementation((m: string) => { out.push(m); });
  const errSpy = vi.spyOn(console, 'error').mockImplementation((m: string) => { err.push(m); });
  try {
    return { code: await cutoffCommand.run(args), out: out.join('\n'), err };
  } finally { logSpy.mockRestore(); errSpy.mockRestore(); }
}

describe('tower cutoff backtest', () => {
  test('reads a simulator history, reports bad lines by number, prints the metrics and writes the predictions', async () => {
    const events = [...createScenario({ seed: 3, start: '2026-03-02T00:00:00Z', days: 2, ordersPerDay: 2000 }).events()];
    const lines = events.map((e) => JSON.stringify(e));
    lines.splice(9, 0, '{"id": "broken"');                                                    // line 10: not JSON
    lines.splice(19, 0, JSON.stringify({ ...events[0], occurredAt: '2026-03-02T10:00:00' })); // line 20: no offset
    const file = path.join(dir, 'history.ndjson');
    writeFileSync(file, lines.join('\n') + '\n');
    const csv = path.join(dir, 'predictions.csv');

    const { code, out, err } = await run(['backtest', '--events', file, '--out', csv, '--seed', '3']);
    expect(code).toBe(3);
    expect(err).toHaveLength(2);
    expect(err[0]).toMatch(/history\.ndjson:10: invalid JSON/);
    expect(err[1]).toMatch(/history\.ndjson:20: occurredAt/);
    expect(out).toMatch(new RegExp(`read ${lines.length} line\\(s\\): ${events.length} valid event\\(s\\), 2 bad line\\(s\\)`));
    for (const label of ['at creation', '15 min before']) for (const method of ['model', 'rule', 'base-rate']) {
      expect(out).toMatch(new RegExp(`${label}\\s+${method}\\s+\\d+\\s+0\\.\\d{3}\\s+\\d\\.\\d{3}\\s+0\\.\\d{4}\\s+\\d\\.\\d{3}`));
    }
    const rows = readFileSync(csv, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('order_id,site,carrier,promised_ship_by,cutoff_at,checkpoint,scored_at,minutes_to_cutoff,p_miss,p_rule,' +
      'p_base_rate,predicted_completion_at,missed,handoff_at');
    expect(out).toContain(`wrote ${rows.length - 1} prediction(s)`);
    const first = rows[1].split(',');
    expect(first).toHaveLength(14);
    expect(['created', '120m', '60m', '30m', '15m']).toContain(first[5]);
    expect(Number(first[8])).toBeGreaterThanOrEqual(0);
    expect(['0', '1']).toContain(first[12]);
  });

  test('--help documents the input and output formats; bad options are usage errors', async () => {
    for (const word of ['--events', '--split', '--out', '--seed', 'orders.created', 'promisedShipBy', 'handoffAt', 'warehouse.labor_shift',
      'p_miss', 'AUC', 'Brier']) expect(cutoffCommand.help).toContain(word);
    await expect(cutoffCommand.run(['backtest'])).rejects.toThrow(/--events FILE is required/);
    await expect(cutoffCommand.run(['score', '--events', 'x'])).rejects.toThrow(/unknown sub-command "score"/);
    await expect(cutoffCommand.run(['backtest', '--events', '/nonexistent.ndjson'])).rejects.toThrow(/cannot read/);
    const file = path.join(dir, 'empty.ndjson');
    writeFileSync(file, '');
    await expect(cutoffCommand.run(['backtest', '--events', file, '--split', '2026-03-02T10:00:00'])).rejects.toThrow(/--split must be/);
  });
});
