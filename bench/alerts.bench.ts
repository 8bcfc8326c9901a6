/**
 * npm run bench:alerts — how fast an operational event becomes an alert on a subscriber's socket, and how fast
 * one alert reaches 5,000 connected sockets, with 5,000 events/s of background load on OPS (landed by ingest,
 * read by the alert engine), next to raw NATS publish→subscribe latency measured in the same run under the same
 * load. The whole path runs as deployed: nats-server, embedded ClickHouse, one ingest process, the alert engine,
 * GATEWAYS gateway processes; clients connect with signed tokens over websockets.
 *
 * Probe: a `carrier.exception` of carrier `bench-probe`, matched by a bench rule (event source, fire at the first
 * event, no grouping) whose alert carries the probe's tracking number, which embeds the publish time (epoch ms).
 * Latency = receipt on the socket − publish start, on one machine clock. This file is also the background
 * publisher (`--role load`) and a socket-client process (`--role sockets`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import { alertsProcessArgs } from '../alerts/process.ts';
import { ensureAlertsStream } from '../alerts/stream.ts';
import { closeClickHouse, connectClickHouse } from '../clickhouse/client.ts';
import { migrate } from '../clickhouse/migrate.ts';
import type { RuleSet } from '../contracts/alerts.ts';
import { subjectFor, type OpsEvent } from '../contracts/index.ts';
import { REALTIME_PATH, type AlertBatch, type ClientToServerEvents, type ServerToClientEvents } from '../contracts/realtime.ts';
import { ingestProcessArgs } from '../ingest/process.ts';
import { createPublisher } from '../ingest/publish.ts';
import { ensureStreams } from '../ingest/streams.ts';
import { accessKey, signAccessToken } from '../runtime/access.ts';
import { childEnv } from '../runtime/env.ts';
import { freePort, REPO_ROOT, startEmbeddedClickHouse, startLocalNats } from '../runtime/local-services.ts';
import { connectNats, type NatsConnection } from '../runtime/nats.ts';
import { Supervisor } from '../runtime/supervisor.ts';
import { createScenario } from '../simulator/scenario.ts';
import { gatewayProcessArgs } from '../web/gateway/process.ts';
import { cpuLine, cpuSnap, percentile, type Watch } from './cpu.ts';

const { values: args } = parseArgs({ options: {
  rate: { type: 'string', default: '5000' }, sockets: { type: 'string', default: '5000' }, probes: { type: 'string', default: '200' },
  'fanout-rounds': { type: 'string', default: '20' }, gateways: { type: 'string', default: '2' }, 'socket-procs': { type: 'string', default: '4' },
  'no-ingest': { type: 'boolean', default: false }, help: { type: 'boolean' },
  role: { type: 'string' }, nats: { type: 'string' }, urls: { type: 'string' }, token: { type: 'string' }, count: { type: 'string' },
} });
const HELP = `Usage: npm run bench:alerts [-- --rate R --probes N --sockets S --fanout-rounds F --gateways G --socket-procs P --no-ingest]
Starts a throwaway nats-server, embedded ClickHouse, one ingest process, the alert engine (with a bench probe
rule) and G realtime gateways (default 2), and publishes R background events/s on OPS (default 5,000, simulator
events) during every phase:
  raw NATS   core publish→subscribe latency of 1,000 timestamped messages under the load (the limit)
  latency    N probe events (default 200, 10/s); one socket client: publish → alert received on the socket
  fan-out    S sockets (default 5,000) in P client processes (default 4) over the gateways; F probes (default 20),
             1.5 s apart; every socket's publish → receipt latency
Prints p50/p99/max per phase, the ratio to raw NATS, CPU per process; the last line is JSON with p50Ms, p99Ms
(event→alert), fanoutP99Ms and natsP99Ms.`;

const PROBE_CARRIER = 'bench-probe';
const THIS_FILE = fileURLToPath(import.meta.url);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Wall-clock ms with sub-ms resolution, comparable across processes on one machine (Date.now() has 1 ms steps). */
const wall = () => performance.timeOrigin + performance.now();
const ms2 = (n: number) => n.toFixed(2).padStart(7);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const log = (s: string) => console.log(s);

/** The bench's one rule: every probe exception is its own alert, firing at once, never grouped or repeated. */
const PROBE_RULES: RuleSet = { version: 1, rules: [{
  id: 'bench-probe', type: 'bench_probe', title: 'Bench probe', enabled: true, ownerRole: 'warehouse_lead',
  source: { kind: 'event', eventType: 'carrier.exception', match: { carrier: PROBE_CARRIER }, keyBy: ['trackingNumber'],
    labelAs: { trackingNumber: 'tracking' }, windowSeconds: 60, resolveOn: [] },
  condition: { op: '>=', threshold: 1, recover: 1 }, everySeconds: 60, pendingSeconds: 0, nOfM: { n: 1, m: 1 }, labels: {},
  severity: { base: 'warning', warningAt: {}, criticalAt: {} }, repeat: { firstSeconds: 3600, backoff: 2, maxSeconds: 14_400 },
  groupBy: ['site'], groupWindowSeconds: 0, flapping: { changes: 1000, windowSeconds: 3600, quietSeconds: 1800 },
}] };

const probeEvent = (tag: string, sentAt: number): OpsEvent => ({
  id: `probe-${tag}-${sentAt.toFixed(3)}`, type: 'carrier.exception', occurredAt: new Date(Math.floor(sentAt)).toISOString(), source: 'bench', site: 'wh-east',
  schemaVersion: 1, carrier: PROBE_CARRIER, trackingNumber: `${tag}-${sentAt.toFixed(3)}`, code: 'damaged',
} as OpsEvent);

/** The publish time embedded in a probe alert's tracking label, or undefined for other alerts. */
function sentAtOf(batch: AlertBatch): number[] {
  const out: number[] = [];
  for (const { notice } of batch.notices) {
    if (notice.kind !== 'firing' || notice.alert.type !== 'bench_probe') continue;
    const t = Number(notice.alert.labels.tracking?.split('-').pop());
    if (Number.isFinite(t)) out.push(t);
  }
  return out;
}

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
async function openSocket(url: string, token: string, onBatch: (b: AlertBatch) => void): Promise<Client> {
  const s: Client = io(url, { path: REALTIME_PATH, auth: { token }, transports: ['websocket'], reconnection: true });
  s.on('alerts', onBatch);
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', (err) => reject(err));
  });
  const answer = await s.timeout(30_000).emitWithAck('subscribe', { filter: { types: ['bench_probe'] } });
  if (!answer.ok) throw new Error(`subscribe refused: ${answer.error.message}`);
  return s;
}

// ---------------------------------------------------------------- child roles

/** --role load: simulator events at `rate`/s with fresh ids, until SIGTERM; prints its achieved rate each second. */
async function runLoad(url: string, rate: number): Promise<void> {
  const nc = await connectNats({ url, name: 'bench-load' });
  const pub = createPublisher({ nc, maxInFlight: 1_000 });
  const scenario = createScenario({ seed: 11, start: '2026-11-01T00:00:00Z', days: 60 });
  const source = scenario.events(Number.MAX_SAFE_INTEGER)[Symbol.iterator]();
  let stop = false;
  process.once('SIGTERM', () => { stop = true; });
  const started = performance.now();
  let sent = 0;
  let n = 0;
  const enc = new TextEncoder();
  while (!stop) {
    const due = Math.floor(((performance.now() - started) / 1000) * rate) - sent;
    const batch = [];
    for (let i = 0; i < due; i++) {
      const e = source.next().value as OpsEvent;
      const ev = { ...e, id: `bg-${process.pid}-${n++}` };
      batch.push({ subject: subjectFor(ev.type), id: ev.id, data: enc.encode(JSON.stringify(ev)) });
    }
    if (batch.length) await pub.publishMany(batch);
    sent += batch.length;
    await sleep(5);
  }
  await pub.flush().catch(() => undefined);
  console.log(JSON.stringify({ sent, perSec: sent / ((performance.now() - started) / 1000) }));
  await nc.close();
}

/** --role sockets: `count` sockets over the gateway urls; prints `ready`, then each probe latency batch, until SIGTERM. */
async function runSockets(urls: string[], token: string, count: number): Promise<void> {
  const latencies: number[] = [];
  const sockets: Client[] = [];
  for (let i = 0; i < count; i += 50) {
    const opened = await Promise.all(Array.from({ length: Math.min(50, count - i) }, (_, j) =>
      openSocket(urls[(i + j) % urls.length]!, token, (b) => { const now = wall(); for (const t of sentAtOf(b)) latencies.push(now - t); })));
    sockets.push(...opened);
  }
  console.log(JSON.stringify({ ready: sockets.length }));
  const flush = setInterval(() => { if (latencies.length) console.log(JSON.stringify({ latencies: latencies.splice(0) })); }, 500);
  await new Promise<void>((r) => process.once('SIGTERM', () => r()));
  clearInterval(flush);
  if (latencies.length) console.log(JSON.stringify({ latencies: latencies.splice(0) }));
  for (const s of sockets) s.close();
}

// ---------------------------------------------------------------- phases

async function rawNats(nc: NatsConnection, url: string): Promise<number[]> {
  const sub = await connectNats({ url, name: 'bench-raw-sub' });
  const got: number[] = [];
  sub.subscribe('bench.raw', { callback: (_e, m) => { got.push(wall() - Number(m.string())); } });
  await sub.flush();
  for (let i = 0; i < 1_000; i++) { nc.publish('bench.raw', String(wall())); if (i % 5 === 4) await sleep(25); }
  await nc.flush();
  await sleep(500);
  await sub.close();
  return got;
}

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 0.5), p99: percentile(s, 0.99), max: s.at(-1) ?? NaN };
}

const children = new Set<ChildProcess>();
function spawnRole(role: string, extra: string[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', THIS_FILE, '--role', role, ...extra], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

async function main(): Promise<void> {
  if (args.help) { log(HELP); return; }
  if (args.role === 'load') return runLoad(args.nats!, Number(args.rate));
  if (args.role === 'sockets') return runSockets(args.urls!.split(','), args.token!, Number(args.count));

  const rate = Number(args.rate);
  const socketCount = Number(args.sockets);
  const gateways = Number(args.gateways);
  const socketProcs = Math.max(1, Number(args['socket-procs']));
  const dir = mkdtempSync(path.join(tmpdir(), 'ct-bench-alerts-'));
  const sup = new Supervisor();
  const cleanup = async () => { for (const c of children) c.kill('SIGKILL'); await sup.stopAll(); rmSync(dir, { recursive: true, force: true }); };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    const nats = await startLocalNats(sup, { dataDir: path.join(dir, 'nats'), port: await freePort(), quiet: true });
    const ch = await startEmbeddedClickHouse(sup, { dataDir: path.join(dir, 'ch'), port: await freePort(), quiet: true });
    const server = connectClickHouse({ url: ch.url });
    const db = connectClickHouse({ url: ch.url, database: 'tower' });
    await migrate({ server, db });
    await Promise.all([closeClickHouse(server), closeClickHouse(db)]);
    const nc = await connectNats({ url: nats.url, name: 'bench-alerts' });
    await ensureStreams(nc);
    await ensureAlertsStream(nc);
    const rulesFile = path.join(dir, 'rules.json');
    writeFileSync(rulesFile, JSON.stringify(PROBE_RULES));
    const root = 'bench-root-token-0123456789';
    const env = childEnv({ NATS_URL: nats.url, CLICKHOUSE_URL: ch.url, TOWER_API_TOKEN: root, LOG_LEVEL: 'warn' });
    const watch: Watch = { 'nats-server': [nats.running.child.pid!], clickhouse: [ch.running.child.pid!] };
    if (!args['no-ingest']) {
      const ing = await sup.start({ name: 'ingest', command: process.execPath, args: ingestProcessArgs(), cwd: REPO_ROOT,
        env: { ...env, INGEST_METRICS_PORT: '0', LOG_LEVEL: 'info' }, readyWhen: /"listening"/, output: 'quiet' });
      watch.ingest = [ing.child.pid!];
    }
    const engine = await sup.start({ name: 'alerts', command: process.execPath, args: alertsProcessArgs(), cwd: REPO_ROOT,
      env: { ...env, ALERTS_RULES_FILE: rulesFile, ALERTS_METRICS_PORT: '0', LOG_LEVEL: 'info' }, readyWhen: /"listening"/, output: 'quiet' });
    watch.engine = [engine.child.pid!];
    const urls: string[] = [];
    watch.gateways = [];
    for (let i = 0; i < gateways; i++) {
      const port = await freePort();
      const g = await sup.start({ name: `gateway-${i + 1}`, command: process.execPath, args: gatewayProcessArgs(), cwd: REPO_ROOT,
        env: { ...env, GATEWAY_PORT: String(port), LOG_LEVEL: 'info' }, readyWhen: /"listening"/, output: 'quiet' });
      watch.gateways.push(g.child.pid!);
      urls.push(`http://127.0.0.1:${port}`);
    }
    const token = signAccessToken(accessKey(root), { sub: 'bench', role: 'program', sites: ['*'], channels: ['*'] }, { kind: 'api', ttlSeconds: 3600 });
    log(`bench alerts: ${fmt(rate)} background events/s, ${gateways} gateways, ${cpus().length} cores, ingest ${args['no-ingest'] ? 'off' : 'on'}`);

    const load = spawnRole('load', ['--nats', nats.url, '--rate', String(rate)]);
    const loadDone = new Promise<{ perSec: number }>((resolve) => createInterface({ input: load.stdout! }).on('line', (l) => resolve(JSON.parse(l))));
    watch.load = [load.pid!];
    await sleep(3_000);

    // raw NATS
    let a = cpuSnap(watch);
    const raw = stats(await rawNats(nc, nats.url));
    log(`raw NATS   pub→sub  p50 ${ms2(raw.p50)}  p99 ${ms2(raw.p99)}  max ${ms2(raw.max)} ms  (${raw.n} messages, core NATS, same load)`);
    log(`  ${cpuLine(a, cpuSnap(watch), cpus().length)}`);

    // event → alert on one socket
    const probes = Number(args.probes);
    const got = new Map<number, number>();
    const one = await openSocket(urls[0]!, token, (b) => { const now = wall(); for (const t of sentAtOf(b)) got.set(t, now - t); });
    const pub = createPublisher({ nc, maxInFlight: 100 });
    a = cpuSnap(watch);
    for (let i = 0; i < probes; i++) {
      const t = wall();
      const e = probeEvent('lat', t);
      void pub.publish({ subject: subjectFor(e.type), id: e.id, data: JSON.stringify(e) });
      await sleep(100);
    }
    await pub.flush();
    for (let i = 0; i < 50 && got.size < probes; i++) await sleep(100);
    const b = cpuSnap(watch);
    const lat = stats([...got.values()]);
    log(`latency    event→alert p50 ${ms2(lat.p50)}  p99 ${ms2(lat.p99)}  max ${ms2(lat.max)} ms  received ${got.size} of ${probes}  ratio p99/raw p99 ${(lat.p99 / raw.p99).toFixed(1)}`);
    log(`  ${cpuLine(a, b, cpus().length)}`);
    one.close();

    // fan-out
    const procs = Array.from({ length: socketProcs }, (_, i) => {
      const count = Math.floor(socketCount / socketProcs) + (i < socketCount % socketProcs ? 1 : 0);
      const child = spawnRole('sockets', ['--urls', urls.join(','), '--token', token, '--count', String(count)]);
      const lats: number[] = [];
      const ready = new Promise<number>((resolve, reject) => {
        createInterface({ input: child.stdout! }).on('line', (l) => {
          const m = JSON.parse(l) as { ready?: number; latencies?: number[] };
          if (m.ready !== undefined) resolve(m.ready);
          if (m.latencies) lats.push(...m.latencies);
        });
        child.once('exit', (code) => reject(new Error(`socket process exited with ${code}`)));
      });
      return { child, lats, ready, done: new Promise<void>((r) => child.once('exit', () => r())) };
    });
    const t0 = performance.now();
    const connected = (await Promise.all(procs.map((p) => p.ready))).reduce((s, n) => s + n, 0);
    log(`fan-out    ${fmt(connected)} sockets connected and subscribed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    watch.sockets = procs.map((p) => p.child.pid!);
    a = cpuSnap(watch);
    const rounds = Number(args['fanout-rounds']);
    for (let i = 0; i < rounds; i++) {
      const e = probeEvent('fan', wall());
      await pub.publish({ subject: subjectFor(e.type), id: e.id, data: JSON.stringify(e) });
      await sleep(1_500);
    }
    await sleep(1_000);
    const c = cpuSnap(watch);
    for (const p of procs) p.child.kill('SIGTERM');
    await Promise.all(procs.map((p) => p.done));
    const fan = stats(procs.flatMap((p) => p.lats));
    const expected = connected * rounds;
    log(`fan-out    alert→${fmt(connected)} sockets p50 ${ms2(fan.p50)}  p99 ${ms2(fan.p99)}  max ${ms2(fan.max)} ms  deliveries ${fmt(fan.n)} of ${fmt(expected)}  ratio p99/raw p99 ${(fan.p99 / raw.p99).toFixed(1)}`);
    log(`  ${cpuLine(a, c, cpus().length)}`);

    load.kill('SIGTERM');
    const achieved = await loadDone;
    log(`background ${fmt(achieved.perSec)} events/s achieved (target ${fmt(rate)})`);
    log(`targets: event→alert p99 <= 250 ms (${lat.p99.toFixed(1)}), fan-out p99 <= 1,000 ms (${fan.p99.toFixed(1)})`);
    await nc.close();
    const r2 = (x: number) => Math.round(x * 100) / 100;
    log(JSON.stringify({ bench: 'alerts', p50Ms: r2(lat.p50), p99Ms: r2(lat.p99), fanoutP99Ms: r2(fan.p99), natsP99Ms: r2(raw.p99),
      natsP50Ms: r2(raw.p50), fanoutP50Ms: r2(fan.p50), received: got.size, probes, sockets: connected, fanoutDeliveries: fan.n,
      fanoutExpected: expected, backgroundPerSec: Math.round(achieved.perSec), gateways }));
  } finally {
    await cleanup();
  }
}

main().catch((err: Error) => { console.error(`bench:alerts failed: ${err.stack ?? err.message}`); for (const c of children) c.kill('SIGKILL'); process.exit(1); });
