/**
 * npm run bench:ingest — end-to-end ingest throughput (JetStream → validate → ClickHouse, acked) with ≥ 1M
 * simulator events, next to the two limits measured in the same run on the same machine and data:
 *   raw JetStream consume (explicit ack, no work) and raw ClickHouse insert (the same rows, same batches).
 * Ratio = end-to-end / the smaller limit. Ingest runs as its own process, as in production; its peak RSS
 * is read from /proc. The last line is one JSON object.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { jetstream, jetstreamManager, AckPolicy } from '@nats-io/jetstream';
import { closeClickHouse, connectClickHouse, insertJsonLines } from '../clickhouse/client.ts';
import { EVENT_TABLES } from '../clickhouse/event-rows.ts';
import { migrate } from '../clickhouse/migrate.ts';
import { OPS_STREAM, subjectFor, type Family } from '../contracts/index.ts';
import { processMessage } from '../ingest/pipeline.ts';
import { ingestProcessArgs } from '../ingest/process.ts';
import { createPublisher, type Publishable } from '../ingest/publish.ts';
import { ensureStreams } from '../ingest/streams.ts';
import { childEnv } from '../runtime/env.ts';
import { freePort, REPO_ROOT, startEmbeddedClickHouse, startLocalNats } from '../runtime/local-services.ts';
import { connectNats } from '../runtime/nats.ts';
import { Supervisor } from '../runtime/supervisor.ts';
import { createScenario } from '../simulator/scenario.ts';

const { values: args } = parseArgs({ options: {
  events: { type: 'string', default: '1000000' }, batch: { type: 'string', default: '10000' }, help: { type: 'boolean' },
  profile: { type: 'string' },
} });
if (args.help) {
  console.log(`Usage: npm run bench:ingest [-- --events N --batch B]
Publishes N simulator events (default 1,000,000), then measures raw JetStream consume, raw ClickHouse insert
and end-to-end ingest (batch size B, default 10,000) on throwaway nats-server and embedded ClickHouse.`);
  process.exit(0);
}
const N = Number(args.events);
const BATCH = Number(args.batch);
const rate = (n: number, ms: number) => Math.round(n / (ms / 1000));
const fmt = (n: number) => n.toLocaleString('en-US');
const log = (s: string) => console.log(s);

const dir = mkdtempSync(path.join(tmpdir(), 'ct-bench-'));
const sup = new Supervisor();
try {
  const nats = await startLocalNats(sup, { dataDir: path.join(dir, 'nats'), port: await freePort(), quiet: true });
  const ch = await startEmbeddedClickHouse(sup, { dataDir: path.join(dir, 'clickhouse'), port: 0, quiet: true });
  const nc = await connectNats({ url: nats.url, name: 'bench' });
  await ensureStreams(nc);
  log(`bench ingest: ${fmt(N)} events, batch ${fmt(BATCH)}, ${(await import('node:os')).cpus().length} cores`);

  // 1. Generate and publish (not part of the figures; the stream is the input of every measurement).
  let t = performance.now();
  const scenario = createScenario({ seed: 1, start: '2026-10-01T00:00:00Z', days: 120 });
  const messages: Publishable[] = [];
  for (const e of scenario.events(N)) messages.push({ subject: subjectFor(e.type), id: e.id, data: JSON.stringify(e) });
  log(`generate      ${fmt(rate(N, performance.now() - t)).padStart(10)} events/s  (simulator)`);
  t = performance.now();
  const pub = createPublisher({ nc, maxInFlight: 5_000 });
  for (let i = 0; i < messages.length; i += 1_000) await pub.publishMany(messages.slice(i, i + 1_000));
  await pub.flush();
  log(`publish       ${fmt(rate(N, performance.now() - t)).padStart(10)} events/s  (JetStream, acked, msgID dedupe)`);

  // 2. Raw JetStream consume: explicit ack, no processing.
  const jsm = await jetstreamManager(nc);
  await jsm.consumers.add(OPS_STREAM, { durable_name: 'raw-bench', ack_policy: AckPolicy.Explicit, max_ack_pending: 100_000 });
  const consumer = await jetstream(nc).consumers.get(OPS_STREAM, 'raw-bench');
  t = performance.now();
  const iter = await consumer.consume({ max_messages: BATCH * 2 });
  let got = 0;
  // Acks are settled in a synchronous loop per 1,000 messages, as the writer does per batch: nats.js flushes
  // its socket once per microtask turn, so acking inside the loop would cost one write per message (43k/s).
  let toAck: { ack(): void }[] = [];
  for await (const m of iter) {
    toAck.push(m);
    if (toAck.length === 1_000) { for (const a of toAck) a.ack(); toAck = []; }
    if (++got >= N) break;
  }
  for (const a of toAck) a.ack();
  const consumeMs = performance.now() - t;
  await iter.close();
  const consumeRate = rate(N, consumeMs);
  log(`raw consume   ${fmt(consumeRate).padStart(10)} events/s  (JetStream pull, explicit ack)`);

  // 3. Raw ClickHouse insert: the same rows, grouped per family table, in batches of BATCH, one at a time.
  const server = connectClickHouse({ url: ch.url });
  const rawDb = connectClickHouse({ url: ch.url, database: 'bench_raw' });
  await migrate({ server, db: rawDb });
  const byTable = new Map<string, string[][]>();
  let current = new Map<Family, string[]>();
  const flush = () => { for (const [f, l] of current) { const k = EVENT_TABLES[f]; byTable.set(k, [...(byTable.get(k) ?? []), l]); } current = new Map(); };
  messages.forEach((m, i) => {
    const r = processMessage(m.subject, Buffer.from(m.data as string), i + 1);
    if (r.kind !== 'row') return;
    const l = current.get(r.family) ?? [];
    l.push(r.line); current.set(r.family, l);
    if ((i + 1) % BATCH === 0) flush();
  });
  flush();
  const batches = [...byTable].flatMap(([table, ls]) => ls.map((l) => ({ table, l })));
  messages.length = 0;
  t = performance.now();
  for (const b of batches) await insertJsonLines(rawDb, b.table, b.l);
  const insertRate = rate(N, performance.now() - t);
  log(`raw insert    ${fmt(insertRate).padStart(10)} events/s  (ClickHouse, same rows, ${fmt(batches.length)} inserts)`);
  batches.length = 0;

  // 4. End to end: a real ingest process on a fresh database and a fresh durable consumer.
  const e2eDb = connectClickHouse({ url: ch.url, database: 'bench_e2e' });
  await migrate({ server, db: e2eDb });
  const metricsPort = await freePort();
  const profile = args.profile ? [`--cpu-prof`, `--cpu-prof-dir=${args.profile}`] : [];
  const child = spawn(process.execPath, ingestProcessArgs(profile), {
    cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'],
    env: childEnv({ NATS_URL: nats.url, CLICKHOUSE_URL: ch.url, CLICKHOUSE_DATABASE: 'bench_e2e', INGEST_DURABLE: 'ingest-bench',
      INGEST_BATCH_SIZE: String(BATCH), INGEST_METRICS_PORT: String(metricsPort), LOG_LEVEL: 'warn' }),
  });
  const metric = async (name: string) => {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  };
  let rssMb = 0;
  let first = 0;
  let written = 0;
  while (written < N) {
    await new Promise((r) => setTimeout(r, 100));
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    rssMb = Math.max(rssMb, Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
    try {
      if (!first && (await metric('ingest_events_in_total')) > 0) first = performance.now();
      written = await metric('ingest_events_written_total');
    } catch { /* not listening yet */ }
    if (child.exitCode !== null) throw new Error(`ingest exited with ${child.exitCode}`);
  }
  const e2eMs = performance.now() - first;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  const eventsPerSec = rate(N, e2eMs);
  const limit = Math.min(consumeRate, insertRate);
  const ratio = Math.round((eventsPerSec / limit) * 100) / 100;
  log(`end to end    ${fmt(eventsPerSec).padStart(10)} events/s  (ingest process: consume, validate, insert, ack)`);
  log(`ratio         ${ratio.toFixed(2).padStart(10)}           (end to end / min(raw consume, raw insert) = ${fmt(limit)})`);
  log(`ingest rss    ${rssMb.toFixed(0).padStart(10)} MB          (peak VmRSS of the ingest process)`);
  log(`targets: >= 50,000 events/s end to end, ratio >= 0.5, rss < 300 MB`);
  await Promise.all([closeClickHouse(server), closeClickHouse(rawDb), closeClickHouse(e2eDb)]);
  await nc.close();
  console.log(JSON.stringify({ bench: 'ingest', eventsPerSec, limitEventsPerSec: limit, ratio, rssMb: Math.round(rssMb),
    events: N, consumePerSec: consumeRate, insertPerSec: insertRate }));
} finally {
  await sup.stopAll();
  rmSync(dir, { recursive: true, force: true });
}
