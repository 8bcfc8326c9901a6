/** CPU seconds per process (/proc/<pid>/stat utime + stime) and for the whole machine (/proc/stat), for benchmarks. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const TICK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

export function procCpu(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / TICK;
  } catch { return 0; } // exited
}

export function machineCpu(): { busy: number; total: number } {
  const v = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: (total - v[3]! - v[4]!) / TICK, total: total / TICK };
}

export type Watch = Record<string, number[]>;
export interface CpuSnap { at: number; machine: { busy: number; total: number }; procs: Record<string, number> }
export const cpuSnap = (w: Watch): CpuSnap => ({ at: performance.now(), machine: machineCpu(),
  procs: Object.fromEntries(Object.entries(w).map(([name, pids]) => [name, pids.reduce((s, p) => s + procCpu(p), 0)])) });

/** "name NN, …  | machine NNN of NNN": % of one core per process between two snapshots. */
export function cpuLine(a: CpuSnap, b: CpuSnap, cores: number): string {
  const secs = (b.at - a.at) / 1000;
  const pct = (x: number) => Math.round((100 * x) / secs);
  const parts = Object.keys(b.procs).map((k) => `${k} ${pct(b.procs[k]! - (a.procs[k] ?? 0))}`);
  const wall = b.machine.total - a.machine.total;
  const machine = wall > 0 ? Math.round((100 * cores * (b.machine.busy - a.machine.busy)) / wall) : 0;
  return `cpu, % of a core  ${parts.join(', ')}  | machine ${machine} of ${cores * 100}`;
}

export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
