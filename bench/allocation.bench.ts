/**
 * npm run bench:allocation — reservations/s and p50/p99 latency of the allocation service with 64 concurrent
 * clients over NATS request/reply, (a) spread over 10k SKUs (1–3 lines) and (b) on one hot SKU (1 line), next to
 * the limit measured in the same run: a trivial responder in a child process answering the same clients with the
 * same client code and bodies and replies of the same size. Two allocation instances run as child processes, one
 * leading and one standing by, as deployed; stock arrives as `stock.received` events on OPS, applied by the
 * leader's feed. Per phase: rate, ratio to raw NATS, latency, the leader's group commit (from its /metrics) and CPU
 * per process over the measured window (from /proc). The last line is one JSON object. This file is also the
 * trivial responder (`--role responder`) and a client process (`--role clients`, with --client-procs).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { createAllocationClient } from '../allocation/client.ts';
import { allocationProcessArgs } from '../allocation/process.ts';
import type { AtpResult, ReserveRequest, ReserveResult } from '../contracts/api/allocation.ts';
import { subjectFor } from '../contracts/index.ts';
import { createPublisher, type Publishable } from '../ingest/publish.ts';
import { ensureStreams } from '../ingest/streams.ts';
import { childEnv } from '../runtime/env.ts';
import { freePort, REPO_ROOT, startLocalNats } from '../runtime/local-services.ts';
import { connectNats, type NatsConnection } from '../runtime/nats.ts';
import { Supervisor } from '../runtime/supervisor.ts';
import { cpuSnap, type Watch } from './cpu.ts';

const { values: args } = parseArgs({ options: {
  seconds: { type: 'string', default: '10' }, warmup: { type: 'string', default: '1' }, clients: { type: 'string', default: '64' },
  skus: { type: 'string', default: '10000' }, 'client-procs': { type: 'string', default: '0' }, profile: { type: 'string' },
  help: { type: 'boolean' }, role: { type: 'string' }, nats: { type: 'string' }, spec: { type: 'string' },
} });
const HELP = `Usage: npm run bench:allocation [-- --seconds N --warmup W --clients C --skus S --client-procs P --profile DIR]
Starts a throwaway nats-server and two allocation instances (one leads, one stands by), seeds S SKUs (default
10,000) at wh-east and 3pl-west with stock.received events, then runs C concurrent clients (default 64), each
one reserve request at a time, for W s of warm-up (default 1, not counted) and N s measured (default 10) per phase:
  raw NATS  the same clients and bodies against a trivial responder in a child process (the limit)
  spread    1-3 lines of 1 unit over the S SKUs
  hot       1 line of 1 unit of one SKU, stocked so it cannot run out below 100,000 reservations/s
Clients run in the bench process on one connection, or split over P child processes (--client-procs, default 0).
--profile DIR writes V8 CPU profiles of each allocation instance to DIR/<instance> (open them in Chrome DevTools).
Prints per phase requests/s, reservations, p50/p99/max latency, the ratio to raw NATS, the leader's group commit
and CPU per process; the last line is JSON with spreadPerSec, hotPerSec, p99Ms (worse phase) and natsRoundTripMs
(raw NATS p50 under the same load; natsIdleRoundTripMs is one client alone).`;

const SITES = ['wh-east', '3pl-west']; // the default locations (allocation/locations.ts)
const REGIONS = ['us-ne', 'us-se', 'us-mw', 'us-sw', 'us-w', 'us-nw'];
const HOT_SKU = 'BENCH-HOT';
const RAW_PREFIX = 'bench-raw';
/** Per spread SKU and site: 20k reservations/s × 2 lines × 11 s over 10k SKUs takes 44 of them. */
const SPREAD_UNITS = 1_000;
/** Hot SKU receipts per second of phase, of 1M units each (the largest event quantity): 100k reservations/s. */
const HOT_UNITS_PER_SEC = 100_000;
const THIS_FILE = fileURLToPath(import.meta.url);
const skuName = (i: number) => `BENCH-${String(i).padStart(5, '0')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms2 = (n: number) => n.toFixed(2).padStart(6);
const log = (s: string) => console.log(s);

type Kind = 'raw' | 'spread' | 'hot';
interface LoadSpec { kind: Kind; prefix: string; clients: number; skus: number; startAt: number; warmupMs: number; windowMs: number; tag: string }
interface LoadResult { latencies: number[]; reserved: number; refused: number; failed: number; firstError?: string }

function reserveBody(kind: Kind, skus: number, key: string): ReserveRequest {
  const n = kind === 'hot' ? 1 : 1 + Math.floor(Math.random() * 3);
  const picked = new Set<string>();
  while (picked.size < n) picked.add(kind === 'hot' ? HOT_SKU : skuName(Math.floor(Math.random() * skus)));
  return { idempotencyKey: key, orderId: key, channel: 'dtc-web', shipToRegion: REGIONS[Math.floor(Math.random() * REGIONS.length)]!,
    lines: [...picked].map((sku) => ({ sku, qty: 1 })) };
}

/** `clients` loops of one request at a time from `startAt`; only requests started after the warm-up count. */
async function runLoad(nc: NatsConnection, s: LoadSpec, live: { done: number }): Promise<LoadResult> {
  // retryForMs 0: an unanswered request is a failure here, not a retry that hides it.
  const client = createAllocationClient({ nc, requestPrefix: s.prefix, timeoutMs: 5_000, retryForMs: 0 });
  const r: LoadResult = { latencies: [], reserved: 0, refused: 0, failed: 0 };
  await sleep(s.startAt - Date.now());
  const from = performance.now() + s.warmupMs;
  const until = from + s.windowMs;
  const loop = async (c: number) => {
    for (let i = 0; performance.now() < until; i++) {
      const body = reserveBody(s.kind, s.skus, `${s.tag}-${c}-${i}`);
      const t = performance.now();
      const reply = await client.call<ReserveResult>('reserve', body);
      if (t < from) continue;
      r.latencies.push(Math.round((performance.now() - t) * 1000) / 1000);
      live.done++;
      if (!reply.ok) { r.failed++; r.firstError ??= `${reply.error.code}: ${reply.error.message}`; }
      else if (reply.result.status === 'reserved') r.reserved++;
      else r.refused++;
    }
  };
  await Promise.all(Array.from({ length: s.clients }, (_, c) => loop(c)));
  return r;
}

/** --role responder: answers every request at once with a reply the size of a two-line reservation's. */
async function runResponder(url: string): Promise<void> {
  const nc = await connectNats({ url, name: 'bench-responder' });
  const reply = JSON.stringify({ ok: true, result: { orderId: 'bench-raw-00-00000', status: 'reserved', shortLines: [], logSeq: 123_456,
    allocations: [{ sku: skuName(1), location: 'wh-east', qty: 1 }, { sku: skuName(2), location: 'wh-east', qty: 1 }] } });
  nc.subscribe(`${RAW_PREFIX}.reserve`, { callback: (err, m) => { if (err) return; m.json(); m.respond(reply); } });
  await nc.flush();
  console.log('ready');
  process.once('SIGTERM', () => void nc.drain().then(() => process.exit(0)));
}

/** --role clients: one share of the clients on its own connection; progress lines, then the result line. */
async function runClientProcess(url: string, spec: LoadSpec): Promise<void> {
  const nc = await connectNats({ url, name: `bench-clients-${process.pid}` });
  const live = { done: 0 };
  const timer = setInterval(() => console.log(JSON.stringify({ done: live.done })), 500);
  const result = await runLoad(nc, spec, live);
  clearInterval(timer);
  console.log(JSON.stringify({ result }));
  await nc.close();
}

/** Client processes still running: killed if the benchmark fails, or they would reconnect to a stopped server forever. */
const clientChildren = new Set<ChildProcess>();

function spawnClientProcesses(url: string, spec: LoadSpec, procs: number) {
  return Array.from({ length: procs }, (_, i) => {
    const clients = Math.floor(spec.clients / procs) + (i < spec.clients % procs ? 1 : 0);
    const child = spawn(process.execPath, ['--import', 'tsx', THIS_FILE, '--role', 'clients', '--nats', url,
      '--spec', JSON.stringify({ ...spec, clients, tag: `${spec.tag}p${i}` })], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    clientChildren.add(child);
    child.once('exit', () => clientChildren.delete(child));
    const live = { done: 0 };
    const result = new Promise<LoadResult>((resolve, reject) => {
      let res: LoadResult | undefined;
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const m = JSON.parse(line) as { done?: number; result?: LoadResult };
        if (m.result) res = m.result; else live.done = m.done ?? live.done;
      });
      child.once('close', (code) => (res ? resolve(res) : reject(new Error(`client process exited with ${code} and no result`))));
    });
    return { pid: child.pid!, live, result };
  });
}


async function scrape(port: number): Promise<Map<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const m = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    m.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return m;
}

interface Phase {
  perSec: number; reqPerSec: number; p50: number; p99: number; max: number; r: LoadResult;
  /** Leader /metrics at the start and end of the window (allocation phases). */
  metrics?: [Map<string, number>, Map<string, number>];
  /** inventory.moved events the leader published in the window. */
  opsEvents?: number;
  cpuLine: string;
  /** CPU of the process running the clients (the bench process unless --client-procs), % of one core. */
  clientPct: number;
}

interface Ctx {
  url: string; nc: NatsConnection; clients: number; skus: number; procs: number; warmupMs: number; windowMs: number; leaderPort: number;
  opsMessages: () => Promise<number>;
}

/** One measured phase: clients in this process or in child processes; CPU and leader metrics at the window's edges. */
async function runPhase(ctx: Ctx, label: string, kind: Kind, watch: Watch): Promise<Phase> {
  const spec: LoadSpec = { kind, prefix: kind === 'raw' ? RAW_PREFIX : 'alloc', clients: ctx.clients, skus: ctx.skus,
    startAt: Date.now() + (ctx.procs > 0 ? 5_000 : 100), warmupMs: ctx.warmupMs, windowMs: ctx.windowMs, tag: `${kind}${Date.now() % 1e6}` };
  const children = ctx.procs > 0 ? spawnClientProcesses(ctx.url, spec, ctx.procs) : [];
  const local = { done: 0 };
  const w: Watch = { ...watch, ...(children.length ? { clients: children.map((c) => c.pid) } : {}) };
  const edge = (offsetMs: number) => sleep(spec.startAt + offsetMs - Date.now())
    .then(() => Promise.all([cpuSnap(w), kind === 'raw' ? undefined : scrape(ctx.leaderPort), kind === 'raw' ? 0 : ctx.opsMessages()]));
  const edges = Promise.all([edge(ctx.warmupMs), edge(ctx.warmupMs + ctx.windowMs)]);
  const total = Math.round((ctx.warmupMs + ctx.windowMs) / 1000);
  const bar = new cliProgress.SingleBar({ format: `${label.padEnd(9)}[{bar}] {value}/{total} s | {done} requests`, noTTYOutput: true,
    notTTYSchedule: 2_000, clearOnComplete: true, hideCursor: false }, cliProgress.Presets.shades_classic);
  bar.start(total, 0, { done: 0 });
  const ticker = setInterval(() => bar.update(Math.max(0, Math.min(total, Math.round((Date.now() - spec.startAt) / 1000))),
    { done: fmt(local.done + children.reduce((s, c) => s + c.live.done, 0)) }), 500);
  const results = children.length ? await Promise.all(children.map((c) => c.result)) : [await runLoad(ctx.nc, spec, local)];
  clearInterval(ticker);
  bar.stop();
  const [[c0, m0, ops0], [c1, m1, ops1]] = await edges;
  const r: LoadResult = { latencies: results.flatMap((x) => x.latencies), reserved: 0, refused: 0, failed: 0,
    firstError: results.find((x) => x.firstError)?.firstError };
  for (const x of results) { r.reserved += x.reserved; r.refused += x.refused; r.failed += x.failed; }
  const sorted = Float64Array.from(r.latencies).sort();
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  // Where the time went: CPU per process over the measured window, in % of one core; the rest is other work.
  const wall = (c1.at - c0.at) / 1000;
  const pct = (s: number) => Math.round((s / wall) * 100);
  const used = Object.entries(c1.procs).map(([n, s]) => [n, s - (c0.procs[n] ?? 0)] as const);
  const machine = c1.machine.busy - c0.machine.busy;
  const capacity = Math.round((c1.machine.total - c0.machine.total) / wall) * 100;
  const cpuLine = `  cpu, % of a core  ${used.map(([n, s]) => `${n} ${pct(s)}`).join(', ')}  | machine ${pct(machine)} of ${capacity}, ` +
    `other work ${Math.max(0, pct(machine - used.reduce((a, [, s]) => a + s, 0)))}`;
  const secs = ctx.windowMs / 1000;
  return { perSec: r.reserved / secs, reqPerSec: sorted.length / secs, p50: q(0.5), p99: q(0.99), max: sorted.at(-1) ?? NaN, r, cpuLine,
    clientPct: pct(used.find(([n]) => n === (children.length ? 'clients' : 'bench'))?.[1] ?? 0) / Math.max(1, children.length),
    ...(m0 && m1 ? { metrics: [m0, m1] as [Map<string, number>, Map<string, number>], opsEvents: ops1 - ops0 } : {}) };
}

function report(label: string, p: Phase, raw: Phase | undefined): void {
  const ratio = raw ? `ratio ${(p.reqPerSec / raw.reqPerSec).toFixed(2)}` : ''.padEnd(10);
  const outcome = raw ? `reserved ${fmt(p.r.reserved)}, refused ${fmt(p.r.refused)}, failed ${fmt(p.r.failed)}`
    : `(trivial responder in a child process)`;
  log(`${label.padEnd(9)} ${fmt(p.reqPerSec).padStart(8)} req/s  ${ratio}  p50 ${ms2(p.p50)}  p99 ${ms2(p.p99)}  max ${ms2(p.max)} ms  ${outcome}`);
  if (p.r.firstError) log(`  first failure: ${p.r.firstError}`);
  if (p.metrics) {
    const [m0, m1] = p.metrics;
    const d = (k: string) => (m1.get(k) ?? 0) - (m0.get(k) ?? 0);
    const appends = d('allocation_log_batch_changes_count');
    log(`  group commit  ${fmt(appends)} log appends, ${(d('allocation_log_batch_changes_sum') / appends).toFixed(1)} changes/append, ` +
      `append ${(1000 * d('allocation_log_append_seconds_sum') / appends).toFixed(2)} ms mean; leader receive-to-answer ` +
      `${(1000 * d('allocation_request_seconds_sum') / d('allocation_request_seconds_count')).toFixed(2)} ms mean; ` +
      `${fmt(p.opsEvents ?? 0)} inventory.moved events published`);
  }
  log(p.cpuLine);
}

const changesPerAppend = (p: Phase) => {
  const [m0, m1] = p.metrics!;
  const d = (k: string) => (m1.get(k) ?? 0) - (m0.get(k) ?? 0);
  return Math.round((d('allocation_log_batch_changes_sum') / d('allocation_log_batch_changes_count')) * 10) / 10;
};
const r2 = (n: number) => Math.round(n * 100) / 100;

async function main(): Promise<void> {
  const [seconds, warmup, clients, skus, procs] = ['seconds', 'warmup', 'clients', 'skus', 'client-procs'].map((k) => Number(args[k as 'seconds']));
  if (![seconds, warmup, clients, skus, procs].every((n) => Number.isFinite(n) && n >= 0) || seconds <= 0 || clients < 1 || skus < 1) {
    throw new Error(`bad option: see --help`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'ct-bench-alloc-'));
  let died: string | undefined;
  const retired = new Set<string>();
  const sup = new Supervisor((name, code) => { if (!retired.has(name)) died ??= `${name} exited with code ${code}`; });
  const alive = () => { if (died) throw new Error(died); };
  let nc: NatsConnection | undefined;
  try {
    const nats = await startLocalNats(sup, { dataDir: path.join(dir, 'nats'), port: await freePort(), quiet: true });
    nc = await connectNats({ url: nats.url, name: 'bench' });
    const jsm = await ensureStreams(nc);
    log(`bench allocation: ${clients} clients ${procs ? `in ${procs} client processes` : 'in the bench process, one connection'}, ` +
      `${fmt(skus)} SKUs, ${seconds} s per phase after ${warmup} s warm-up, ${cpus().length} cores`);

    // Two instances, as deployed: the first takes the lease before it listens, the second stands by.
    const instances: { id: string; pid: number; port: number }[] = [];
    for (const id of ['alloc-a', 'alloc-b']) {
      // One directory per instance: tsx's loader thread writes a profile of its own next to the main thread's.
      const profile = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args.profile, id)}`] : [];
      const running = await sup.start({ name: id, command: process.execPath, args: allocationProcessArgs(profile), cwd: REPO_ROOT,
        env: childEnv({ NATS_URL: nats.url, TOWER_API_TOKEN: 'bench-token-0123456789', ALLOCATION_PORT: '0', ALLOCATION_INSTANCE: id,
          ALLOCATION_LOCATIONS_FILE: undefined, ALLOCATION_LEASE_MS: undefined, LOG_LEVEL: 'info' }),
        readyWhen: /"listening"/, readyTimeoutMs: 60_000, output: 'quiet' });
      instances.push({ id, pid: running.child.pid!, port: (JSON.parse(running.readyLine!) as { port: number }).port });
    }
    const leads = await Promise.all(instances.map(async (i) => (await scrape(i.port)).get('allocation_leader') === 1));
    const leader = instances[leads.indexOf(true)];
    const standby = instances[leads.indexOf(false)];
    if (!leader || !standby) throw new Error(`expected one leader and one standby, got leader flags ${leads.join(', ')}`);

    // Stock arrives as it does in production: stock.received events on OPS (msgID = id), applied by the leader's feed.
    const hotReceipts = Math.max(SITES.length, Math.ceil(((seconds + warmup) * HOT_UNITS_PER_SEC) / 1_000_000));
    const occurredAt = new Date().toISOString();
    const receipt = (id: string, site: string, sku: string, qty: number): Publishable => ({ subject: subjectFor('stock.received'), id,
      data: JSON.stringify({ id, type: 'stock.received', occurredAt, source: 'bench', site, schemaVersion: 1, sku, qty }) });
    const receipts: Publishable[] = [];
    for (let h = 0; h < hotReceipts; h++) receipts.push(receipt(`bench-hot-${h}`, SITES[h % SITES.length]!, HOT_SKU, 1_000_000));
    for (let i = 0; i < skus; i++) for (const site of SITES) receipts.push(receipt(`bench-recv-${i}-${site}`, site, skuName(i), SPREAD_UNITS));
    const t = performance.now();
    const pub = createPublisher({ nc });
    await pub.publishMany(receipts);
    await pub.flush();
    const publishS = (performance.now() - t) / 1000;
    const client = createAllocationClient({ nc });
    const atp = async (list: string[]) => {
      const reply = await client.call<AtpResult>('atp', { skus: list });
      if (!reply.ok) throw new Error(`atp: ${reply.error.message}`);
      return reply.result.positions;
    };
    // The feed applies OPS in order: once the last receipt shows, all have been applied (then checked one by one).
    while (!(await atp([skuName(skus - 1)])).some((p) => p.location === SITES.at(-1) && p.atp === SPREAD_UNITS)) {
      alive();
      if (performance.now() - t > 300_000) throw new Error('stock not applied by the leader after 300 s');
      await sleep(100);
    }
    const appliedS = (performance.now() - t) / 1000;
    let right = 0;
    for (let i = 0; i < skus; i += 1_000) {
      const chunk = Array.from({ length: Math.min(1_000, skus - i) }, (_, k) => skuName(i + k));
      right += (await atp(chunk)).filter((p) => p.atp === SPREAD_UNITS).length;
    }
    const hotUnits = (await atp([HOT_SKU])).reduce((s, p) => s + p.atp, 0);
    if (right !== skus * SITES.length || hotUnits !== hotReceipts * 1_000_000) {
      throw new Error(`seeded stock not as published: ${right} of ${skus * SITES.length} positions, hot SKU ${hotUnits}`);
    }
    log(`seed          ${fmt(receipts.length)} stock.received events: published in ${publishS.toFixed(1)} s, all applied by the leader's ` +
      `feed ${appliedS.toFixed(1)} s after the first (${fmt(receipts.length / appliedS)} events/s); ${fmt(SPREAD_UNITS)} units per SKU and site, ` +
      `hot SKU ${fmt(hotUnits)} units (cannot run out below ${fmt(HOT_UNITS_PER_SEC)}/s: hot successes = reserved answers)`);

    const opsMessages = async () => (await jsm.streams.info('OPS')).state.messages;
    /** Wait until the leader's log and its inventory events stop moving, so a phase does not pay for the previous one. */
    const settle = async () => {
      let prev = '';
      for (let i = 0; i < 60; i++) {
        const now = `${(await scrape(leader.port)).get('allocation_log_seq')} ${await opsMessages()}`;
        if (now === prev) return;
        prev = now;
        await sleep(250);
      }
    };
    const ctx: Ctx = { url: nats.url, nc, clients, skus, procs, warmupMs: warmup * 1000, windowMs: seconds * 1000, leaderPort: leader.port,
      opsMessages };
    const base: Watch = { bench: [process.pid], 'nats-server': [nats.running.child.pid!] };

    // The limit: the same clients, bodies and reply sizes against a responder that does nothing.
    const responder = await sup.start({ name: 'responder', command: process.execPath, cwd: REPO_ROOT,
      args: ['--import', 'tsx', THIS_FILE, '--role', 'responder', '--nats', nats.url], readyWhen: /^ready$/, output: 'quiet' });
    const idle = await runLoad(nc, { kind: 'raw', prefix: RAW_PREFIX, clients: 1, skus, startAt: Date.now(), warmupMs: 200, windowMs: 1_000,
      tag: 'idle' }, { done: 0 });
    const idleP50 = Float64Array.from(idle.latencies).sort()[Math.floor(idle.latencies.length / 2)]!;
    log(`raw NATS idle round trip p50 ${idleP50.toFixed(3)} ms (1 client, ${fmt(idle.latencies.length)} requests)`);
    const raw = await runPhase(ctx, 'raw NATS', 'raw', { ...base, responder: [responder.child.pid!] });
    retired.add('responder');
    responder.child.kill('SIGTERM');
    await responder.exited;
    report('raw NATS', raw, undefined);

    const phases: Phase[] = [];
    for (const kind of ['spread', 'hot'] as const) {
      alive();
      await settle();
      const p = await runPhase(ctx, kind, kind, { ...base, leader: [leader.pid], standby: [standby.pid] });
      alive();
      report(kind, p, raw);
      phases.push(p);
    }
    const [spread, hot] = phases as [Phase, Phase];
    const p99Ms = Math.max(spread.p99, hot.p99);
    log(`targets: >= 5,000/s spread, >= 1,000/s hot, p99 <= 25 ms (worse phase here: ${p99Ms.toFixed(2)} ms)`);
    const busiest = Math.max(raw.clientPct, spread.clientPct, hot.clientPct);
    if (busiest >= 85) {
      log(`note: the client process${procs ? 'es were' : ' (this one) was'} at ${Math.round(busiest)}% of a core: the clients may be ` +
        `the limit; compare --client-procs ${Math.max(2, procs * 2)}`);
    }
    console.log(JSON.stringify({ bench: 'allocation', spreadPerSec: Math.round(spread.perSec), hotPerSec: Math.round(hot.perSec),
      p99Ms: r2(p99Ms), natsRoundTripMs: r2(raw.p50), natsP99Ms: r2(raw.p99), natsPerSec: Math.round(raw.reqPerSec),
      natsIdleRoundTripMs: r2(idleP50), spreadP50Ms: r2(spread.p50), spreadP99Ms: r2(spread.p99), hotP50Ms: r2(hot.p50),
      hotP99Ms: r2(hot.p99), spreadRatio: r2(spread.reqPerSec / raw.reqPerSec), hotRatio: r2(hot.reqPerSec / raw.reqPerSec),
      spreadChangesPerAppend: changesPerAppend(spread), hotChangesPerAppend: changesPerAppend(hot), clients, seconds, clientProcs: procs }));
  } finally {
    for (const c of clientChildren) c.kill('SIGKILL');
    await nc?.close();
    await sup.stopAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (args.help) console.log(HELP);
else if (args.role === 'responder') await runResponder(args.nats!);
else if (args.role === 'clients') await runClientProcess(args.nats!, JSON.parse(args.spec!) as LoadSpec);
else if (args.role) throw new Error(`unknown --role ${args.role}`);
else await main();
