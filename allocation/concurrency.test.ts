/**
 * Allocation under contention and through a crash, against two real instances (child processes started the
 * way `npm start` starts them) sharing one nats-server:
 * - 64 clients (32 over NATS, 32 over HTTP split across both instances) race for one hot sku with 500 units:
 *   exactly 500 are reserved, never more, and a retried request gets its first answer again;
 * - a second wave (releases, firm reserves, 2 s holds) during which the leader is killed with SIGKILL and
 *   restarted: every answered request is still true afterwards, no hold outlives its TTL, and the
 *   inventory.moved events on OPS still sum to the positions;
 * - in-process: a writer with a stale sequence cannot append to the log, so two leaders can never both write.
 * The lease is 1 s so a takeover costs about a second; holds are 2 s so their expiry falls inside the file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  AtpResult, OrderResult, PositionsResult, ReserveResult, type AllocationOp, type AllocationReply, type Position,
} from '../contracts/api/allocation.ts';
import { OPS_STREAM, type InventoryMoved, type Movement, type OpsEvent } from '../contracts/index.ts';
import { ensureStreams } from '../ingest/streams.ts';
import { childEnv } from '../runtime/env.ts';
import { REPO_ROOT } from '../runtime/local-services.ts';
import { createLogger } from '../runtime/logger.ts';
import { connectNats, type NatsConnection } from '../runtime/nats.ts';
import { publishEvents, waitFor } from '../test/backbone.ts';
import { startNatsServer, type TestNatsServer } from '../test/nats-server.ts';
import { createAllocationClient, type AllocationClient } from './client.ts';
import { DEFAULT_LOCATIONS } from './locations.ts';
import { ALLOCATION_NAMES, encodeBatch, ensureLogStream, LogWriter, type AllocationNames } from './log.ts';
import { allocationProcessArgs } from './process.ts';
import { startAllocationService } from './service.ts';

const TOKEN = 'concurrency-test-token-0123456';
const HOT = 'SKU-HOT-1';
const STOCK = 500;
const RESTOCK = 200;
const CLIENTS = 64;
const LEASE_MS = 1_000;
const HOLD_SECONDS = 2;
/** The client's retry window (its default): it must cover a takeover. */
const RETRY_FOR_MS = 15_000;

interface Instance { name: string; child: ChildProcess; port: number; alive: boolean; output: string[] }

let nats: TestNatsServer;
let nc: NatsConnection;
let reader: AllocationClient;
const instances: Instance[] = [];
const natsClients: NatsConnection[] = [];

beforeAll(async () => {
  nats = await startNatsServer();
  nc = await connectNats({ url: nats.url, name: 'concurrency-test' });
  await ensureStreams(nc);
  reader = createAllocationClient({ nc });
  // The first instance leads (it starts alone); the second stands by.
  instances.push(await spawnInstance('alloc-a'));
  instances.push(await spawnInstance('alloc-b'));
  for (let i = 0; i < CLIENTS / 2; i++) natsClients.push(await connectNats({ url: nats.url, name: `client-${i}` }));
});

afterAll(async () => {
  await Promise.all(instances.map(stopInstance));
  await Promise.all(natsClients.map((c) => c.close()));
  await nc?.close();
  await nats?.stop();
});

async function spawnInstance(name: string): Promise<Instance> {
  const child = spawn(process.execPath, allocationProcessArgs(), {
    cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    env: childEnv({ NATS_URL: nats.url, TOWER_API_TOKEN: TOKEN, ALLOCATION_PORT: '0', ALLOCATION_LEASE_MS: String(LEASE_MS),
      ALLOCATION_INSTANCE: name, LOG_LEVEL: 'info' }),
  });
  const output: string[] = [];
  const keep = (line: string) => { output.push(line); if (output.length > 300) output.shift(); };
  createInterface({ input: child.stderr! }).on('line', keep);
  return new Promise<Instance>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not listen within 30 s:\n${output.join('\n')}`)), 30_000);
    child.once('exit', (code, signal) => { clearTimeout(timer); reject(new Error(`${name} exited (${code ?? signal}):\n${output.join('\n')}`)); });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      keep(line);
      let j: { msg?: string; port?: number };
      try { j = JSON.parse(line); } catch { return; }
      if (j.msg === 'listening' && j.port) { clearTimeout(timer); resolve({ name, child, port: j.port, alive: true, output }); }
    });
  });
}

async function stopInstance(i: Instance): Promise<void> {
  if (!i.alive) return;
  i.alive = false;
  if (i.child.exitCode !== null || i.child.signalCode !== null) return;
  const gone = new Promise((r) => i.child.once('exit', r));
  i.child.kill('SIGTERM');
  const timer = setTimeout(() => i.child.kill('SIGKILL'), 10_000);
  await gone;
  clearTimeout(timer);
}

async function killInstance(i: Instance): Promise<void> {
  i.alive = false;
  const gone = new Promise((r) => i.child.once('exit', r));
  i.child.kill('SIGKILL');
  await gone;
}

async function isLeader(i: Instance): Promise<boolean> {
  const r = await fetch(`http://127.0.0.1:${i.port}/readyz`);
  return ((await r.json()) as { leader?: boolean }).leader === true;
}

/** Deterministic randomness, so a failing run can be repeated. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Reply = AllocationReply<unknown>;
interface Sent { client: number; via: string; op: AllocationOp; body: Record<string, unknown>; reply: Reply; startedAt: number; endedAt: number }
type Sender = (op: AllocationOp, body: unknown) => Promise<Reply>;

/** Over NATS: the service's own client, with its retries through a takeover. */
const natsSender = (conn: NatsConnection): Sender => {
  const c = createAllocationClient({ nc: conn, retryForMs: RETRY_FOR_MS });
  return (op, body) => c.call(op, body);
};

/**
 * Over HTTP to instance `preferred` (what a load balancer does): a refused connection or a dropped socket
 * (the instance died) is retried with the same body on the other instance, for as long as the NATS client retries.
 */
const httpSender = (preferred: number): Sender => async (op, body) => {
  const deadline = Date.now() + RETRY_FOR_MS;
  const payload = JSON.stringify(body);
  for (let attempt = 0; ; attempt++) {
    const live = instances.filter((i) => i.alive);
    const target = instances[preferred]!.alive && attempt === 0 ? instances[preferred]! : live[attempt % Math.max(1, live.length)];
    try {
      if (!target) throw new Error('no instance alive');
      const r = await fetch(`http://127.0.0.1:${target.port}/v1/${op}`, { method: 'POST', body: payload,
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, signal: AbortSignal.timeout(RETRY_FOR_MS + 5_000) });
      const json: unknown = await r.json();
      return r.status === 200 ? { ok: true, result: json } : { ok: false, error: json as { code: never; message: string } };
    } catch (err) {
      if (Date.now() > deadline) return { ok: false, error: { code: 'unavailable', message: `http: ${(err as Error).message}` } };
      await new Promise((r) => setTimeout(r, 50));
    }
  }
};

/** Client `n`: even numbers over NATS, odd over HTTP, the HTTP ones alternating between the two instances. */
const senderFor = (n: number): { via: string; send: Sender } => n % 2 === 0
  ? { via: 'nats', send: natsSender(natsClients[n / 2]!) }
  : { via: `http-${(n >> 1) % 2}`, send: httpSender((n >> 1) % 2) };

async function record(log: Sent[], client: number, via: string, send: Sender, op: AllocationOp, body: Record<string, unknown>): Promise<Sent> {
  const startedAt = Date.now();
  const reply = await send(op, body);
  const s = { client, via, op, body, reply, startedAt, endedAt: Date.now() };
  log.push(s);
  return s;
}

function resultOrThrow(r: Reply): unknown {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.result;
}

const hot = async (): Promise<Position[]> => AtpResult.parse(resultOrThrow(await reader.call('atp', { skus: [HOT] }))).positions;
const hotAt = async (loc: string) => (await hot()).find((p) => p.location === loc);

const reserveBody = (key: string, qty: number, holdSeconds?: number) => ({ idempotencyKey: `key-${key}`, orderId: `order-${key}`,
  channel: 'dtc-web', shipToRegion: 'us-ne', lines: [{ sku: HOT, qty }], ...(holdSeconds ? { holdSeconds } : {}) });

const qtyOf = (s: Sent) => (s.body.lines as { qty: number }[])[0]!.qty;
/** A reserve or an order answer (the fields both tests read). */
type Answer = Pick<ReserveResult, 'orderId' | 'allocations' | 'shortLines' | 'expiresAt'> & { status: ReserveResult['status'] | OrderResult['status'] };
const resultOf = (s: Sent) => (s.reply.ok ? s.reply.result : undefined) as Answer | undefined;
const receipt = (id: string, qty: number): OpsEvent => ({ id, type: 'stock.received', occurredAt: new Date().toISOString(), source: 'wms',
  site: 'wh-east', schemaVersion: 1, sku: HOT, qty });
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

async function mapPool<T, R>(items: T[], width: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) { const i = next++; out[i] = await fn(items[i]!); }
  }));
  return out;
}

const wave1: Sent[] = [];
const wave2: Sent[] = [];

describe('allocation under contention and through a leader crash', () => {
  test('64 clients race for 500 units of one sku: exactly 500 reserved, and a retry gets its first answer', async () => {
    expect(await isLeader(instances[0]!)).toBe(true);
    expect(await isLeader(instances[1]!)).toBe(false);
    await publishEvents(nc, [receipt('rcv-hot-1', STOCK)]);
    await waitFor('the receipt applied', async () => (await hotAt('wh-east'))?.onHand === STOCK, 20_000, 50);

    const rng = mulberry32(1);
    const retried: { first: Sent; again: Reply }[] = [];
    await Promise.all(Array.from({ length: CLIENTS }, async (_, c) => {
      const { via, send } = senderFor(c);
      const mine: Sent[] = [];
      for (let n = 0; ; n++) {
        const s = await record(wave1, c, via, send, 'reserve', reserveBody(`w1-${c}-${n}`, 1 + Math.floor(rng() * 3)));
        const r = resultOf(s);
        if (!r) return; // an error: asserted below
        if (r.status !== 'refused') mine.push(s);
        // While the others still write: the same key and body again must give the first answer, nothing more.
        if (mine.length === 2 && r.status !== 'refused' && c % 4 === 0) retried.push({ first: mine[0]!, again: await send('reserve', mine[0]!.body) });
        if (r.status === 'refused' && r.shortLines[0]!.promisableNow === 0) return;
      }
    }));

    const errors = wave1.filter((s) => !s.reply.ok);
    expect(errors.map((s) => s.reply)).toEqual([]);
    const ok = wave1.filter((s) => resultOf(s)!.status !== 'refused');
    for (const s of ok) {
      const r = resultOf(s)!;
      expect(r.status).toBe('reserved');
      expect(r.orderId).toBe(s.body.orderId);
      expect(r.allocations).toEqual([{ sku: HOT, location: 'wh-east', qty: qtyOf(s) }]);
    }
    expect(new Set(ok.map((s) => s.body.orderId)).size).toBe(ok.length);
    expect(sum(ok.map(qtyOf))).toBe(STOCK);
    for (const via of ['nats', 'http-0', 'http-1']) expect(ok.filter((s) => s.via === via).length, via).toBeGreaterThan(0);
    for (const s of wave1.filter((x) => resultOf(x)!.status === 'refused')) {
      expect(resultOf(s)!.allocations).toEqual([]);
    }
    expect(await hotAt('wh-east')).toMatchObject({ onHand: STOCK, reserved: STOCK, atp: 0 });
    expect((await hot()).filter((p) => p.location !== 'wh-east').every((p) => p.reserved === 0)).toBe(true);

    // Retries during the race and now, in quiet, over both transports: the first answer, logSeq included, and nothing reserved twice.
    expect(retried.length).toBeGreaterThan(0);
    for (const { first, again } of retried) expect(again).toEqual(first.reply);
    const sample = [...ok.filter((s) => s.via === 'nats').slice(0, 4), ...ok.filter((s) => s.via !== 'nats').slice(0, 4)];
    for (const s of sample) {
      expect(await senderFor(s.client).send('reserve', s.body)).toEqual(s.reply);
      expect(await httpSender(1)('reserve', s.body)).toEqual(s.reply);
    }
    expect(await hotAt('wh-east')).toMatchObject({ onHand: STOCK, reserved: STOCK, atp: 0 });
  });

  test('kill -9 of the leader mid-load, then a restart: every answer holds, no hold outlives its TTL, the events sum up', async () => {
    const firstOk = wave1.filter((s) => resultOf(s)?.status === 'reserved');
    expect(firstOk.length).toBeGreaterThan(0); // needs the first test
    const [a, b] = [instances[0]!, instances[1]!];
    expect(await isLeader(a)).toBe(true);
    await publishEvents(nc, [receipt('rcv-hot-2', RESTOCK)]);
    await waitFor('the restock applied', async () => (await hotAt('wh-east'))?.onHand === STOCK + RESTOCK, 20_000, 50);

    // Each client may release the wave-1 orders it reserved itself.
    const toRelease = new Map<number, Sent[]>();
    for (const s of firstOk) toRelease.set(s.client, [...(toRelease.get(s.client) ?? []), s]);
    const rng = mulberry32(2);
    let stop = false;
    const load = Promise.all(Array.from({ length: CLIENTS }, async (_, c) => {
      const { via, send } = senderFor(c);
      for (let n = 0; !stop; n++) {
        const roll = rng();
        const mine = toRelease.get(c) ?? [];
        if (roll < 0.3 && mine.length > 0) {
          const order = mine.shift()!.body.orderId as string;
          await record(wave2, c, via, send, 'release', { idempotencyKey: `key-w2-release-${order}`, orderId: order, reason: 'cancelled' });
        } else {
          await record(wave2, c, via, send, 'reserve', reserveBody(`w2-${c}-${n}`, 1 + Math.floor(rng() * 3), roll < 0.65 ? HOLD_SECONDS : undefined));
        }
      }
    }));

    await new Promise((r) => setTimeout(r, 1_500));
    const answeredBeforeKill = wave2.length;
    const killedAt = Date.now();
    await killInstance(a);
    await waitFor('the standby to take over', () => isLeader(b), 15_000, 50);
    const takeoverMs = Date.now() - killedAt;
    instances[0] = await spawnInstance('alloc-a'); // the restarted instance gets a new port; the HTTP clients follow it
    await new Promise((r) => setTimeout(r, 1_500));
    stop = true;
    await load;
    const loadEndedAt = Date.now();

    expect(answeredBeforeKill).toBeGreaterThan(0);
    expect(await isLeader(b)).toBe(true);
    expect(await isLeader(instances[0]!)).toBe(false);
    // The crash happened under load: some requests were in flight through it and were answered by the new leader.
    const spanning = wave2.filter((s) => s.startedAt < killedAt && s.endedAt > killedAt);
    expect(spanning.length).toBeGreaterThan(0);
    expect(wave2.filter((s) => s.startedAt > killedAt).length).toBeGreaterThan(0);

    // Every request got a definite answer (the clients' retries covered the takeover), and no error.
    expect(wave2.filter((s) => !s.reply.ok).map((s) => ({ op: s.op, body: s.body, reply: s.reply }))).toEqual([]);

    // The model of what the answers promised.
    const firm = new Map<string, number>();
    const holds = new Map<string, { qty: number; expiresAt: number }>();
    const released = new Set<string>();
    const refused = new Set<string>();
    for (const s of [...wave1, ...wave2].filter((x) => x.op === 'reserve')) {
      const r = resultOf(s)!;
      if (r.status === 'reserved') firm.set(r.orderId, qtyOf(s));
      else if (r.status === 'held') holds.set(r.orderId, { qty: qtyOf(s), expiresAt: Date.parse(r.expiresAt!) });
      else if (r.status === 'refused') refused.add(r.orderId);
      else throw new Error(`unexpected answer ${JSON.stringify(r)}`);
      if (r.status !== 'refused') expect(r.allocations).toEqual([{ sku: HOT, location: 'wh-east', qty: qtyOf(s) }]);
    }
    for (const s of wave2.filter((x) => x.op === 'release')) {
      expect(resultOf(s)).toMatchObject({ orderId: s.body.orderId, status: 'released' });
      released.add(s.body.orderId as string);
      firm.delete(s.body.orderId as string);
    }
    expect(released.size).toBeGreaterThan(0);
    expect(holds.size).toBeGreaterThan(0);
    expect(wave2.some((s) => resultOf(s)?.status === 'reserved')).toBe(true);

    // Now: reserved = firm reservations + the holds not yet expired (the read itself expires lapsed holds).
    const firmQty = sum([...firm.values()]);
    const liveHolds = (t: number) => sum([...holds.values()].filter((h) => h.expiresAt > t).map((h) => h.qty));
    const t0 = Date.now();
    const now = (await hotAt('wh-east'))!;
    const t1 = Date.now();
    expect(now.onHand).toBe(STOCK + RESTOCK);
    expect(now.reserved).toBeGreaterThanOrEqual(firmQty + liveHolds(t1));
    expect(now.reserved).toBeLessThanOrEqual(firmQty + liveHolds(t0));
    expect(now.atp).toBe(now.onHand - now.reserved);
    expect(now.reserved).toBeLessThanOrEqual(now.onHand);

    // No hold leaks past its TTL, not even those the killed leader made: wait it out without sending a
    // request (the sweeper alone must expire them), then each expired exactly once, as an event.
    const lastExpiry = Math.max(...[...holds.values()].map((h) => h.expiresAt));
    await new Promise((r) => setTimeout(r, Math.max(0, lastExpiry - Date.now()) + 1_500));
    let moved = await readMoved(nc);
    const expired = () => rows(moved).filter((m) => m.reason === 'hold_expired' && m.state === 'reserved');
    await waitFor('every hold expired and emitted', async () => {
      moved = await readMoved(nc);
      return new Set(expired().map((m) => m.reference)).size >= holds.size;
    }, 10_000, 200).catch(() => undefined);
    expect(new Set(expired().map((m) => m.reference))).toEqual(new Set(holds.keys()));
    expect(expired().length).toBe(holds.size);
    for (const m of expired()) expect(m.delta, m.reference).toBe(-holds.get(m.reference)!.qty);
    expect(await hotAt('wh-east')).toMatchObject({ onHand: STOCK + RESTOCK, reserved: firmQty, atp: STOCK + RESTOCK - firmQty });

    // No answered request is lost: ask each order's state (confirm with a fresh key changes nothing for these).
    const probe = async (orderId: string) => reader.call('confirm', { idempotencyKey: `probe-${orderId}`, orderId });
    const firmProbes = await mapPool([...firm.keys()], 16, probe);
    firmProbes.forEach((p, i) => expect(p, [...firm.keys()][i]).toMatchObject({ ok: true, result: { status: 'reserved' } }));
    for (const p of await mapPool([...released], 16, probe)) {
      expect(p).toMatchObject({ ok: false, error: { code: 'invalid_state', message: expect.stringMatching(/is released/) } });
    }
    for (const p of await mapPool([...holds.keys()], 16, probe)) {
      expect(p).toMatchObject({ ok: false, error: { code: 'invalid_state', message: expect.stringMatching(/is expired/) } });
    }
    for (const p of await mapPool([...refused].slice(0, 100), 16, probe)) expect(p).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await hotAt('wh-east')).toMatchObject({ reserved: firmQty });

    // Answers the killed leader gave are given again, the same, by its successor.
    const beforeKill = [...wave1, ...wave2].filter((s) => s.endedAt < killedAt && s.reply.ok).slice(-20);
    for (const s of beforeKill) expect(await reader.call(s.op, s.body), JSON.stringify(s.body)).toEqual(s.reply);

    // The ledger survived the crash: the inventory.moved events (re-emitted ones deduplicated) sum to the positions.
    const positions = PositionsResult.parse(resultOrThrow(await reader.call('positions', {})));
    await waitFor('the ledger to catch up', async () => {
      moved = await readMoved(nc);
      return JSON.stringify(ledger(moved)) === JSON.stringify(ledgerOf(positions.positions));
    }, 10_000, 200).catch(() => undefined);
    expect(ledger(moved)).toEqual(ledgerOf(positions.positions));
    expect(new Set(moved.map((e) => e.id)).size).toBe(moved.length);
    console.info(`wave 1: ${wave1.length} requests; wave 2: ${wave2.length} requests (${spanning.length} through the crash), ` +
      `takeover ${takeoverMs} ms, load ended ${loadEndedAt - killedAt} ms after the kill; ${holds.size} holds, ${released.size} releases`);
  });

  test('a writer with a stale sequence cannot append: of two writers at the same point exactly one lands', async () => {
    const names = isolated('fence');
    await ensureLogStream(nc, names);
    const lastSeq = async () => (await (await jetstreamManager(nc)).streams.info(names.logStream)).state.last_seq;
    const leader = new LogWriter(nc, names.logSubject, 0);
    expect(await leader.append(encodeBatch([{ at: 1 }]))).toBe(1);
    expect(await leader.append(encodeBatch([{ at: 2 }]))).toBe(2);
    // A leader that read the log at 1 and did not see 2 (it lost its lease during a pause) is refused.
    const stale = new LogWriter(nc, names.logSubject, 1);
    await expect(stale.append(encodeBatch([{ at: 3 }]))).rejects.toThrow(/wrong last sequence/i);
    await expect(new LogWriter(nc, names.logSubject, 0).append(encodeBatch([{ at: 3 }]))).rejects.toThrow(/wrong last sequence/i);
    expect(await lastSeq()).toBe(2);

    // Two writers that both believe they follow 2: one append lands, the other is refused and stays refused.
    const w1 = new LogWriter(nc, names.logSubject, 2);
    const w2 = new LogWriter(nc, names.logSubject, 2);
    const results = await Promise.allSettled([w1.append('{"v":1,"changes":[],"w":1}'), w2.append('{"v":1,"changes":[],"w":2}')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    const loser = results[0]!.status === 'rejected' ? w1 : w2;
    await expect(loser.append(encodeBatch([{ at: 4 }]))).rejects.toThrow(/wrong last sequence/i);
    expect(await lastSeq()).toBe(3);
    const stored = await (await jetstreamManager(nc)).streams.getMessage(names.logStream, { seq: 3 });
    expect(stored!.json<{ w: number }>().w).toBe(loser === w1 ? 2 : 1);
  });

  test('a leader whose log was appended behind its back answers unavailable, steps down, and the retry is decided once', async () => {
    const names = isolated('stale');
    const streams = { ops: 'OPS_STALE', deadletter: 'DL_STALE', subjectPrefix: names.eventPrefix, deadletterPrefix: 'dl_stale' };
    const service = await startAllocationService({ nc, log: createLogger('allocation', 'silent'), locations: DEFAULT_LOCATIONS,
      instanceId: 'stale-test', leaseMs: LEASE_MS, names, streams });
    try {
      const once = createAllocationClient({ nc, requestPrefix: names.requestPrefix, retryForMs: 0 });
      const patient = createAllocationClient({ nc, requestPrefix: names.requestPrefix, retryForMs: 10_000 });
      const atp = async () => AtpResult.parse(resultOrThrow(await patient.call('atp', { skus: ['SKU-STALE'] }))).positions[0];
      await publishEvents(nc, [{ ...receipt('rcv-stale-1', 10), sku: 'SKU-STALE' } as OpsEvent], names.eventPrefix);
      await waitFor('the receipt applied', async () => (await atp())?.onHand === 10, 20_000, 50);
      expect(service.isLeader()).toBe(true);

      // Another writer appends after the leader's last sequence (what a new leader would do).
      const jsm = await jetstreamManager(nc);
      const usurper = new LogWriter(nc, names.logSubject, (await jsm.streams.info(names.logStream)).state.last_seq);
      await usurper.append(encodeBatch([{ at: Date.now() }]));

      const body = { ...reserveBody('stale-1', 4), lines: [{ sku: 'SKU-STALE', qty: 4 }] };
      expect(await once.call('reserve', body)).toMatchObject({ ok: false, error: { code: 'unavailable' } });
      // It stepped down; being the only instance it takes over again from the log (with the other writer's batch).
      const again = await patient.call('reserve', body);
      expect(again).toMatchObject({ ok: true, result: { status: 'reserved', allocations: [{ sku: 'SKU-STALE', location: 'wh-east', qty: 4 }] } });
      expect(await patient.call('reserve', body)).toEqual(again);
      expect(await atp()).toMatchObject({ onHand: 10, reserved: 4, atp: 6 });
      expect(service.metrics.takeovers.get()).toBe(2);
    } finally {
      await service.stop();
    }
  });
});

/** The production names with a suffix on every one (streams, subjects, buckets, prefixes): nothing shared with them. */
const isolated = (suffix: string): AllocationNames => Object.fromEntries(Object.entries(ALLOCATION_NAMES)
  .map(([k, v]: [string, string]) => [k, k === 'logStream' ? `${v}_${suffix.toUpperCase()}` : `${v}_${suffix}`])) as unknown as AllocationNames;

/** Every `inventory.moved` event on OPS so far, one per id (a re-emitted event is the same event). */
async function readMoved(conn: NatsConnection): Promise<InventoryMoved[]> {
  const subject = 'ops.inventory.moved';
  const info = await (await jetstreamManager(conn)).streams.info(OPS_STREAM, { subjects_filter: subject });
  const total = info.state.subjects?.[subject] ?? 0;
  if (total === 0) return [];
  // A single filter subject (not an array): nats-server 2.9 has no multi-filter consumers.
  const messages = await (await jetstream(conn).consumers.get(OPS_STREAM, { filter_subjects: subject })).consume({ max_messages: 1_000 });
  const byId = new Map<string, InventoryMoved>();
  let n = 0;
  for await (const m of messages) {
    const e = m.json<InventoryMoved>();
    byId.set(e.id, e);
    if (++n >= total) break;
  }
  await messages.close();
  return [...byId.values()];
}

const STATE_OF = { on_hand: 'onHand', reserved: 'reserved', quality_hold: 'qualityHold', damaged: 'damaged', in_transit: 'inTransit',
  pending_inspection: 'pendingInspection', channel_commitment: 'channelCommitment', safety_stock: 'safetyStock' } as const;
type Ledger = Record<string, Record<string, number>>;

/** Each movement of each event, with the event's site. */
const rows = (events: InventoryMoved[]): (Movement & { site: string })[] =>
  events.flatMap((e) => e.movements.map((m) => ({ ...m, site: e.site })));

function ledger(events: InventoryMoved[]): Ledger {
  const t: Ledger = {};
  for (const m of rows(events)) {
    const row = (t[`${m.sku}@${m.site}`] ??= Object.fromEntries(Object.values(STATE_OF).map((k) => [k, 0])));
    row[STATE_OF[m.state]]! += m.delta;
  }
  return Object.fromEntries(Object.entries(t).sort(([x], [y]) => x.localeCompare(y)));
}

const ledgerOf = (positions: Position[]): Ledger => Object.fromEntries(positions
  .filter((p) => p.sku === HOT)
  .map((p) => [`${p.sku}@${p.location}`, Object.fromEntries(Object.values(STATE_OF).map((k) => [k, p[k]]))] as const)
  .sort(([x], [y]) => x.localeCompare(y)));
