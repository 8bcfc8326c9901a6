/**
 * npm run bench:allocation-mechanism — the alternative to the allocation log, measured directly: available-to-promise
 * kept per SKU-location in a JetStream KV bucket and decremented by compare-and-set (get → decrement →
 * update(key, value, revision), retried at once on a conflict) by 64 concurrent clients, (a) spread over 10k keys
 * and (b) on one hot key. The limit, measured in the same run: the same clients writing blind (put, no read, no
 * condition), i.e. one KV write per decrement. Per phase: successful decrements/s, ratio to blind puts, conflict
 * retries per success, p50/p99/max of a successful decrement (its retries included), CPU per process; the hot key
 * is checked for lost decrements. The last line is one JSON object.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { freePort, startLocalNats } from '../runtime/local-services.ts';
import { connectNats, type NatsConnection } from '../runtime/nats.ts';
import { Supervisor } from '../runtime/supervisor.ts';
import { machineCpu, procCpu } from './cpu.ts';

const { values: args } = parseArgs({ options: {
  seconds: { type: 'string', default: '10' }, warmup: { type: 'string', default: '1' }, clients: { type: 'string', default: '64' },
  keys: { type: 'string', default: '10000' }, help: { type: 'boolean' },
} });
if (args.help) {
  console.log(`Usage: npm run bench:allocation-mechanism [-- --seconds N --warmup W --clients C --keys K]
On a throwaway nats-server, C concurrent clients (default 64, in this process, one connection) decrement
available-to-promise held in a JetStream KV bucket, one decrement at a time, for W s of warm-up (default 1, not
counted) and N s measured (default 10) per phase:
  blind put  put(key) with no read and no condition, over K keys (default 10,000): the limit
  spread     get -> decrement -> update(revision), retried on conflict, over the K keys
  hot        the same on one key
Prints decrements/s, the ratio to blind puts, conflict retries per success, p50/p99/max latency of a successful
decrement and CPU per process; the last line is JSON.`);
  process.exit(0);
}
const [SECONDS, WARMUP, CLIENTS, KEYS] = (['seconds', 'warmup', 'clients', 'keys'] as const).map((k) => Number(args[k]));
if (![SECONDS, WARMUP, CLIENTS, KEYS].every((n) => Number.isFinite(n) && n >= 0) || SECONDS <= 0 || CLIENTS < 1 || KEYS < 1) {
  throw new Error('bad option: see --help');
}
/** Stock per key: no phase can drain it, so every decrement is a success or a conflict, never "out of stock". */
const START = 1_000_000_000;
const HOT_KEY = 'BENCH-HOT.wh-east';
const keyName = (i: number) => `BENCH-${String(i).padStart(5, '0')}.wh-east`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms2 = (n: number) => n.toFixed(2).padStart(6);
const r2 = (n: number) => Math.round(n * 100) / 100;
const log = (s: string) => console.log(s);

const isConflict = (err: unknown) => err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamWrongLastSequence;


interface Result { perSec: number; conflictsPerSuccess: number; p50: number; p99: number; max: number; ok: number; failed: number;
  firstError?: string; cpuLine: string }

/** CLIENTS loops, one decrement at a time; `counted` are successes that started after the warm-up. */
async function runPhase(kv: KV, label: string, mode: 'blind' | 'cas', pick: () => string, pids: Record<string, number>,
  total: { ok: number }): Promise<Result> {
  const latencies: number[] = [];
  let conflicts = 0;
  let failed = 0;
  let firstError: string | undefined;
  const from = performance.now() + WARMUP * 1000;
  const until = from + SECONDS * 1000;
  const bar = new cliProgress.SingleBar({ format: `${label.padEnd(10)}[{bar}] {value}/{total} s | {done} decrements`, noTTYOutput: true,
    notTTYSchedule: 2_000, clearOnComplete: true, hideCursor: false }, cliProgress.Presets.shades_classic);
  const t0 = performance.now();
  bar.start(WARMUP + SECONDS, 0, { done: 0 });
  const ticker = setInterval(() => bar.update(Math.min(WARMUP + SECONDS, Math.round((performance.now() - t0) / 1000)),
    { done: fmt(latencies.length) }), 500);
  const snap = () => ({ at: performance.now(), machine: machineCpu(), procs: Object.entries(pids).map(([n, p]) => [n, procCpu(p)] as const) });
  const edges = Promise.all([sleep(from - performance.now()).then(snap), sleep(until - performance.now()).then(snap)]);
  const loop = async () => {
    for (let i = 0; performance.now() < until; i++) {
      const key = pick();
      const t = performance.now();
      let retries = 0;
      try {
        if (mode === 'blind') await kv.put(key, String(START - i));
        else {
          for (;;) {
            const e = await kv.get(key);
            if (!e) throw new Error(`key ${key} missing`);
            try { await kv.update(key, String(Number(e.string()) - 1), e.revision); break; } catch (err) {
              if (!isConflict(err)) throw err;
              retries++;
            }
          }
        }
      } catch (err) {
        if (t >= from) { failed++; firstError ??= (err as Error).message; }
        continue;
      }
      total.ok++;
      if (t < from) continue;
      latencies.push(performance.now() - t);
      conflicts += retries;
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, loop));
  clearInterval(ticker);
  bar.stop();
  const [c0, c1] = await edges;
  const sorted = Float64Array.from(latencies).sort();
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  const wall = (c1.at - c0.at) / 1000;
  const pct = (s: number) => Math.round((s / wall) * 100);
  const used = c1.procs.map(([n, s], i) => [n, s - c0.procs[i]![1]] as const);
  const machine = c1.machine.busy - c0.machine.busy;
  const cpuLine = `  cpu, % of a core  ${used.map(([n, s]) => `${n} ${pct(s)}`).join(', ')}  | machine ${pct(machine)} of ` +
    `${Math.round((c1.machine.total - c0.machine.total) / wall) * 100}, other work ${Math.max(0, pct(machine - used.reduce((a, [, s]) => a + s, 0)))}`;
  return { perSec: sorted.length / SECONDS, conflictsPerSuccess: conflicts / Math.max(1, sorted.length), p50: q(0.5), p99: q(0.99),
    max: sorted.at(-1) ?? NaN, ok: sorted.length, failed, firstError, cpuLine };
}

function report(label: string, r: Result, limit?: Result): void {
  log(`${label.padEnd(10)} ${fmt(r.perSec).padStart(8)} /s  ${limit ? `ratio ${(r.perSec / limit.perSec).toFixed(2)}` : ''.padEnd(10)}  ` +
    `p50 ${ms2(r.p50)}  p99 ${ms2(r.p99)}  max ${ms2(r.max)} ms  ${limit ? `conflict retries per success ${r.conflictsPerSuccess.toFixed(2)}, ` +
    `round trips per success ${(2 * (1 + r.conflictsPerSuccess)).toFixed(1)}` : 'blind puts (one KV write each)'}, failed ${fmt(r.failed)}`);
  if (r.firstError) log(`  first failure: ${r.firstError}`);
  log(r.cpuLine);
}

const dir = mkdtempSync(path.join(tmpdir(), 'ct-bench-kv-'));
const sup = new Supervisor();
let nc: NatsConnection | undefined;
try {
  const nats = await startLocalNats(sup, { dataDir: path.join(dir, 'nats'), port: await freePort(), quiet: true });
  nc = await connectNats({ url: nats.url, name: 'bench-kv' });
  // As a real ATP bucket would be: file storage, the latest value per key only.
  const kv = await new Kvm(nc).create('bench_atp', { history: 1 });
  log(`bench allocation-mechanism: JetStream KV compare-and-set, ${CLIENTS} clients in the bench process (one connection), ` +
    `${fmt(KEYS)} keys, ${SECONDS} s per phase after ${WARMUP} s warm-up, ${cpus().length} cores`);
  const t = performance.now();
  for (let i = 0; i < KEYS; i += 1_000) {
    await Promise.all(Array.from({ length: Math.min(1_000, KEYS - i) }, (_, k) => kv.put(keyName(i + k), String(START))));
  }
  await kv.put(HOT_KEY, String(START));
  log(`seed       ${fmt(KEYS + 1)} keys put in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const pids = { bench: process.pid, 'nats-server': nats.running.child.pid! };
  const anyKey = () => keyName(Math.floor(Math.random() * KEYS));

  const blind = await runPhase(kv, 'blind put', 'blind', anyKey, pids, { ok: 0 });
  report('blind put', blind);
  const spread = await runPhase(kv, 'spread', 'cas', anyKey, pids, { ok: 0 });
  report('spread', spread, blind);
  const hotDone = { ok: 0 };
  const hot = await runPhase(kv, 'hot', 'cas', () => HOT_KEY, pids, hotDone);
  report('hot', hot, blind);
  // Compare-and-set must not lose a decrement however many conflicts: the hot key's value says.
  const left = Number((await kv.get(HOT_KEY))!.string());
  log(`hot key    ${fmt(START - left)} decrements applied, ${fmt(hotDone.ok)} acknowledged${START - left === hotDone.ok ? ': none lost' : ': MISMATCH'}`);
  const p99Ms = Math.max(spread.p99, hot.p99);
  console.log(JSON.stringify({ bench: 'allocation-mechanism', spreadPerSec: Math.round(spread.perSec), hotPerSec: Math.round(hot.perSec),
    p99Ms: r2(p99Ms), spreadConflictsPerSuccess: r2(spread.conflictsPerSuccess), hotConflictsPerSuccess: r2(hot.conflictsPerSuccess),
    blindPutPerSec: Math.round(blind.perSec), spreadRatio: r2(spread.perSec / blind.perSec), hotRatio: r2(hot.perSec / blind.perSec),
    spreadP50Ms: r2(spread.p50), spreadP99Ms: r2(spread.p99), hotP50Ms: r2(hot.p50), hotP99Ms: r2(hot.p99), clients: CLIENTS, seconds: SECONDS }));
} finally {
  await nc?.close();
  await sup.stopAll();
  rmSync(dir, { recursive: true, force: true });
}
