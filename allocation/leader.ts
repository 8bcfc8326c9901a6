/**
 * One leadership term: rebuild the state from the log, then serve requests, apply operational events and
 * expire holds — every change made durable in the log (group commit: the changes decided while one append
 * is in flight go together in the next) before its answer is sent. Any append failure ends the term: the
 * in-memory state may hold changes that never became durable, so it is thrown away and rebuilt.
 */
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import type { Msg, Subscription } from '@nats-io/nats-core';
import { ALLOCATION_OPS, type AllocationOp, type AllocationReply, type PositionsResult } from '../contracts/api/allocation.ts';
import { parseEvent } from '../contracts/index.ts';
import type { Logger } from '../runtime/logger.ts';
import type { NatsConnection } from '../runtime/nats.ts';
import { Allocator } from './allocator.ts';
import type { Change } from './changes.ts';
import { Emitter, readWatermark } from './emitter.ts';
import { fromSnapshot, loadSnapshot, purgeLogBefore, saveSnapshot, toSnapshot } from './snapshot.ts';
import type { ObjectStore } from '@nats-io/obj';
import type { LocationProfile } from './locations.ts';
import { LogWriter, replayLog, type AllocationNames } from './log.ts';
import { GroupCommit } from './group-commit.ts';
import type { AllocationMetrics } from './metrics.ts';

export interface TermOptions {
  nc: NatsConnection;
  names: AllocationNames;
  opsStream: string;
  locations: LocationProfile[];
  stateKv: KV;
  snapshots: ObjectStore;
  /** Take a snapshot after this many changes (at a moment the state equals the log). */
  snapshotEvery?: number;
  /** And not more often than this (default 60 s). */
  snapshotMinIntervalMs?: number;
  /** Log appends on the wire at once (pipelined group commit). */
  maxAppendsInFlight?: number;
  log: Logger;
  metrics: AllocationMetrics;
  /** Called once when the term ends on its own (append refused, emit failed): the caller gives up the lease. */
  onEnd: (reason: string) => void;
}

export interface Term { readonly allocator: Allocator; stop(reason: string): Promise<void> }

const OPS = new Set<string>(ALLOCATION_OPS);
const SWEEP_MS = 200;
/** ~180 B each: 2,000 positions ≈ 360 KB per message, well under NATS's 1 MB. */
const POSITIONS_PER_PART = 2_000;
/** ~100k changes replay in about a second; snapshots keep a takeover near that whatever the log's age. */
const DEFAULT_SNAPSHOT_EVERY = 100_000;
/**
 * Snapshots also wait this long after the last: serialising and digesting (the object store hashes in JS) a
 * state of ~100k records blocks the leader ~0.5 s (measured), so at most one such pause a minute.
 */
const SNAPSHOT_MIN_INTERVAL_MS = 60_000;
/** Overlapping appends cut the wait for the one in flight; measured in bench:allocation (see README). */
const DEFAULT_APPENDS_IN_FLIGHT = 2;
const PRUNE_MS = 60_000;
/** Queue depth at which the feed waits: operational events must not starve requests of log capacity. */
const FEED_MAX_QUEUE = 2_000;
/** What the feed reads from OPS (under the event prefix): the events that move a governed state. */
const FEED_FILTERS = ['stock.>', 'returns.received', 'returns.dispositioned', 'purchase_orders.>', 'orders.shipped', 'orders.cancelled'];

function patchLogSeq(reply: AllocationReply<unknown>, seq: number): void {
  if (reply.ok && typeof reply.result === 'object' && reply.result !== null && 'logSeq' in reply.result) {
    (reply.result as { logSeq: number }).logSeq = seq;
  }
}

export async function startTerm(o: TermOptions): Promise<Term> {
  const { nc, names, log, metrics } = o;
  const started = performance.now();
  const saved = await loadSnapshot(o.snapshots);
  const allocator = new Allocator({ locations: o.locations, ...(saved ? { state: fromSnapshot(saved) } : {}) });
  const fromSnapshotSeq = saved?.logSeq ?? 0;
  const watermark = await readWatermark(o.stateKv);
  const unemitted: { changes: Change[]; seq: number }[] = [];
  // From the older of snapshot and watermark: batches the snapshot covers are not applied again, but their
  // events are re-published when the watermark says they may not have been.
  const lastSeq = await replayLog(nc, names, Math.min(fromSnapshotSeq, watermark) + 1, (changes, seq) => {
    if (seq > fromSnapshotSeq) {
      for (const c of changes) {
        allocator.apply(c, seq);
        if (c.idem) patchLogSeq(c.idem.reply as AllocationReply<unknown>, seq);
      }
    }
    if (seq > watermark) unemitted.push({ changes, seq });
  });
  metrics.replaySeconds.set((performance.now() - started) / 1000);
  const writer = new LogWriter(nc, names.logSubject, lastSeq);
  let active = true;
  /** False once an answer could be wrong: after a failed append or when the term stops. */
  let serving = true;
  let ended = false;
  const end = (reason: string) => {
    if (ended) return;
    ended = true;
    void stop(reason).then(() => o.onEnd(reason));
  };
  const emitter = new Emitter({ nc, kv: o.stateKv, subject: `${names.eventPrefix}.inventory.moved`, source: 'allocation',
    watermark, onEmitted: (n) => metrics.emitted.inc(n), onFailure: (err) => { log.error({ err: err.message }, 'publishing inventory events failed'); end('emit failed'); } });
  for (const u of unemitted) await emitter.emit(u.changes, u.seq);
  log.info({ logSeq: lastSeq, snapshotSeq: fromSnapshotSeq, feedSeqs: allocator.state.feedSeqs, reEmitted: unemitted.length,
    replayMs: Math.round(performance.now() - started) }, 'leader: state rebuilt from the log');

  const commits = new GroupCommit({
    writer, maxInFlight: o.maxAppendsInFlight ?? DEFAULT_APPENDS_IN_FLIGHT, isOpen: () => serving,
    onFailure: (err, expectedLastSeq) => {
      log.error({ err: err.message, expectedLastSeq }, 'log append failed: ending the term');
      // Not durable, perhaps not even decided on the state the next leader rebuilds: answer `unavailable`.
      serving = false;
      end('log append failed');
    },
    onDurable: async (changes, seq, batch, appendMs) => {
      if (changes.length > 0) {
        metrics.appendLatency.observe(appendMs / 1000);
        metrics.batchChanges.observe(changes.length);
        metrics.logSeq.set(seq);
        allocator.state.logSeq = seq;
        if (changes.some((c) => c.moves?.length)) allocator.state.movedSeq = seq;
        for (const p of batch) for (const r of p.replies) patchLogSeq(r, seq);
      }
      for (const p of batch) p.respond();
      if (changes.length === 0) return;
      await emitter.emit(changes, seq);
      sinceSnapshot += changes.length;
      // Only when nothing is queued or on the wire does the in-memory state equal the log up to `seq`.
      if (commits.idle && sinceSnapshot >= snapshotEvery && !snapshotting && Date.now() - lastSnapshotAt >= snapshotMinIntervalMs) {
        void takeSnapshot();
      }
    },
  });

  let sinceSnapshot = 0;
  let snapshotting = false;
  let lastSnapshotAt = Date.now();
  const snapshotEvery = o.snapshotEvery ?? DEFAULT_SNAPSHOT_EVERY;
  const snapshotMinIntervalMs = o.snapshotMinIntervalMs ?? SNAPSHOT_MIN_INTERVAL_MS;
  async function takeSnapshot(): Promise<void> {
    snapshotting = true;
    sinceSnapshot = 0;
    lastSnapshotAt = Date.now();
    const t = performance.now();
    try {
      const snap = toSnapshot(allocator.state);
      const bytes = await saveSnapshot(o.snapshots, snap);
      await purgeLogBefore(nc, names.logStream, Math.min(snap.logSeq, emitter.position) + 1);
      log.info({ logSeq: snap.logSeq, bytes, ms: Math.round(performance.now() - t) }, 'snapshot saved');
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'snapshot failed; the log keeps everything until the next one');
    } finally {
      snapshotting = false;
    }
  }

  const submit = (changes: Change[], replies: AllocationReply<unknown>[], respond: () => void) => commits.submit(changes, replies, respond);

  const unavailable = JSON.stringify({ ok: false, error: { code: 'unavailable', message: 'allocation leader changed; retry' } });
  function onRequest(err: Error | null, msg: Msg): void {
    if (err) return;
    const t = performance.now();
    const op = msg.subject.slice(names.requestPrefix.length + 1) as AllocationOp;
    if (!serving) { msg.respond(unavailable); return; }
    let body: unknown;
    try { body = msg.json(); } catch {
      msg.respond(JSON.stringify({ ok: false, error: { code: 'bad_request', message: 'body is not valid JSON' } }));
      metrics.requests.inc(1, { op, outcome: 'bad_request' });
      return;
    }
    if (!OPS.has(op)) {
      msg.respond(JSON.stringify({ ok: false, error: { code: 'not_found', message: `unknown operation ${op}` } }));
      return;
    }
    const { reply, changes, replayed } = allocator.handle(op, body, Date.now());
    // A replayed answer is the stored record itself: stamping it with this batch's logSeq would change the first answer.
    submit(changes, replayed ? [] : [reply], () => {
      if (serving && op === 'positions' && reply.ok) sendInParts(msg, reply.result as PositionsResult);
      else msg.respond(serving ? JSON.stringify(reply) : unavailable);
      const outcome = reply.ok ? ((reply.result as { status?: string }).status === 'refused' ? 'refused' : 'ok') : reply.error.code;
      metrics.requests.inc(1, { op, outcome });
      metrics.latency.observe((performance.now() - t) / 1000);
    });
  }

  /**
   * Every position can be more than a NATS message holds (1 MB ≈ 5k positions), so the answer goes out in parts,
   * all from one moment of the state (one synchronous loop), each saying which part of how many it is.
   */
  function sendInParts(msg: Msg, result: PositionsResult): void {
    const parts = Math.max(1, Math.ceil(result.positions.length / POSITIONS_PER_PART));
    for (let part = 0; part < parts; part++) {
      const positions = result.positions.slice(part * POSITIONS_PER_PART, (part + 1) * POSITIONS_PER_PART);
      nc.publish(msg.reply!, JSON.stringify({ ok: true, result: { ...result, positions }, part, parts }));
    }
  }

  const sub: Subscription = nc.subscribe(`${names.requestPrefix}.*`, { queue: 'allocation', callback: onRequest });

  // Expire holds and prune retention on timers; both are ordinary changes in the log.
  const sweeper = setInterval(() => {
    if (!active) return;
    const c = allocator.sweep(Date.now());
    if (c) { metrics.expiredHolds.inc(c.orders?.length ?? 0); submit([c], [], () => undefined); }
  }, SWEEP_MS);
  const pruner = setInterval(() => { if (active) submit([allocator.prune(Date.now())], [], () => undefined); }, PRUNE_MS);

  // The feed: one ordered consumer per subject filter, each from just after the last event the log applied
  // for it. Filters, not one `ops.>` consumer: that one also delivered the leader's own inventory.moved events
  // back to it (one per append: ~10% of its CPU at 5k reservations/s) and every order event it ignores.
  const js = jetstream(nc);
  const feeds = await Promise.all(FEED_FILTERS.map(async (f) => {
    const filter = `${names.eventPrefix}.${f}`;
    const consumer = await js.consumers.get(o.opsStream, { filter_subjects: filter,
      opt_start_seq: (allocator.state.feedSeqs[filter] ?? 0) + 1, deliver_policy: DeliverPolicy.StartSequence });
    return { filter, messages: await consumer.consume({ max_messages: 1_000 }) };
  }));
  const feedDone = Promise.all(feeds.map(async ({ filter, messages }) => {
    for await (const m of messages) {
      if (!active) break;
      let parsed;
      try { parsed = parseEvent(m.json(), undefined); } catch { continue; } // ingest dead-letters it
      if (!parsed.ok) continue;
      while (commits.queued > FEED_MAX_QUEUE && active) await new Promise((r) => setTimeout(r, 2));
      if (!active) break;
      const c = allocator.feed(parsed.event, m.seq, Date.now(), filter);
      if (c) { metrics.feedEvents.inc(); metrics.opsSeq.set(allocator.state.opsSeq); submit([c], [], () => undefined); }
    }
  })).catch((err: Error) => { log.error({ err: err.message }, 'feed stopped'); end('feed failed'); });

  metrics.leader.set(1);
  metrics.takeovers.inc();

  async function stop(reason: string): Promise<void> {
    if (!active) return;
    active = false;
    serving = false;
    log.warn({ reason }, 'leader term ends');
    metrics.leader.set(0);
    clearInterval(sweeper);
    clearInterval(pruner);
    sub.unsubscribe();
    await Promise.all(feeds.map((f) => f.messages.close().catch(() => undefined)));
    await feedDone;
    commits.abandon();
    await emitter.close();
  }

  return { allocator, stop: (reason) => { ended = true; return stop(reason); } };
}
