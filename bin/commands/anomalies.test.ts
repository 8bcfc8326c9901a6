import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { UsageError } from '../command.ts';
import { anomaliesCommand } from './anomalies.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'ct-anomalies-'));
const HOUR = 3_600_000;

/** Three weeks of hourly counts with a day shape, a dead hour on the last Tuesday, and two bad lines. */
function writeStream(): { file: string; dead: string } {
  const start = Date.UTC(2026, 3, 6);
  const dead = new Date(Date.UTC(2026, 3, 21, 15)).toISOString();
  const lines = ['timestamp,value'];
  for (let t = start; t < start + 21 * 24 * HOUR; t += HOUR) {
    const ts = new Date(t).toISOString();
    lines.push(`${ts},${ts === dead ? 0 : 50 + 20 * Math.round(Math.sin((Math.PI * new Date(t).getUTCHours()) / 24) * 2) + ((t / HOUR) % 7)}`);
  }
  lines.splice(5, 0, '2026-04-06T99:00:00Z,3');   // line 6
  lines.splice(9, 0, '2026-04-06T12:30:00Z,many'); // line 10
  const file = path.join(dir, 'stream.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  return { file, dead };
}

async function run(args: string[]) {
  const out: string[] = [], err: string[] = [];
  const e = vi.spyOn(console, 'error').mockImplementation((m: string) => { err.push(m); });
  const w = vi.spyOn(process.stdout, 'write').mockImplementation((m: string | Uint8Array) => { out.push(String(m)); return true; });
  try { return { code: await anomaliesCommand.run(args), out: out.join(''), err }; } finally { e.mockRestore(); w.mockRestore(); }
}

describe('tower anomalies score', () => {
  test('writes a score per good row, reports each bad line as FILE:LINE: reason, exits 3', async () => {
    const { file, dead } = writeStream();
    const scores = path.join(dir, 'scores.csv');
    const r = await run(['score', '--stream', file, '--out', scores, '--tz', 'America/New_York']);
    expect(r.code).toBe(3);
    expect(r.err.slice(0, 2)).toEqual([
      `${file}:6: timestamp "2026-04-06T99:00:00Z" is not an ISO-8601 date or date-time (2026-04-07T14:00:00Z)`,
      `${file}:10: value "many" is not a number`,
    ]);
    expect(r.err[2]).toMatch(/^scored 504 row\(s\): period 1 h, season hour-of-week, count model; \d+ at score ≥ 4; 2 bad line\(s\)$/);
    const csv = readFileSync(scores, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('timestamp,value,expected,low,high,score,direction,explanation');
    expect(csv).toHaveLength(505);
    const row = csv.find((l) => l.startsWith(dead))!;
    const [, value, , , , score, direction, explanation] = row.split(',');
    expect([value, direction]).toEqual(['0', 'drop']);
    expect(Number(score)).toBeGreaterThan(4);
    expect(explanation).toMatch(/^value 100% below expected for Tuesday 11:00 \(0 vs ~\d+; usual \d+–\d+\)$/);
  });

  test('without --out the scores go to stdout', async () => {
    const { file } = writeStream();
    const r = await run(['score', '--stream', file, '--season', 'hour-of-day']);
    expect(r.out.split('\n')[0]).toBe('timestamp,value,expected,low,high,score,direction,explanation');
    expect(r.err.at(-1)).toMatch(/season hour-of-day/);
  });

  test('usage errors name what is wrong', async () => {
    const { file } = writeStream();
    await expect(anomaliesCommand.run(['--stream', file])).rejects.toThrow(new UsageError('expected the sub-command: score'));
    await expect(anomaliesCommand.run(['score'])).rejects.toThrow(/--stream FILE.csv is required/);
    await expect(anomaliesCommand.run(['score', '--stream', path.join(dir, 'nope.csv')])).rejects.toThrow(/cannot read/);
    await expect(anomaliesCommand.run(['score', '--stream', file, '--season', 'weekly'])).rejects.toThrow(/--season must be auto or one of/);
    await expect(anomaliesCommand.run(['score', '--stream', file, '--tz', 'Mars/Olympus'])).rejects.toThrow(/unknown time zone "Mars\/Olympus"/);
    await expect(anomaliesCommand.run(['score', '--stream', file, '--train-until', 'soon'])).rejects.toThrow(/--train-until must be an ISO-8601/);
    expect(anomaliesCommand.help).toMatch(/timestamp,value,expected,low,high,score,direction,explanation/);
  });
});
