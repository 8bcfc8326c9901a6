/**
 * The gateway's view of the ALERTS stream: one ordered consumer per process, starting just after the stream's last
 * sequence at start-up (no server-side state to clean up; it restarts itself after a gap or a reconnect), decoded
 * notices with their stream sequence, a ring of the most recent ones, and bounded reads of older ranges for
 * replays.
 *
 * Numbers: the ring holds GATEWAY_REPLAY_MEMORY notices (5,000 × ~1–2 KB decoded), so a reconnect storm after a
 * network blip replays from memory without a consumer per socket; older ranges read the stream through at most
 * GATEWAY_REPLAY_CONCURRENCY ordered consumers at a time, each scanning at most GATEWAY_REPLAY_MAX messages.
 */
import { DeliverPolicy, jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { ALERTS_STREAM, AlertNoticeSchema, type AlertNotice } from '../../contracts/alerts.ts';
import type { SequencedNotice } from '../../contracts/realtime.ts';
import type { Logger } from '../../runtime/logger.ts';
import type { NatsConnection } from '../../runtime/nats.ts';

export interface FeedNotice { seq: number; notice: AlertNotice; storedAtMs: number }

export interface ReadResult {
  notices: SequencedNotice[];
  /** Notices in the range had aged out, or the range was longer than the replay bound. */
  gap: boolean;
  source: 'memory' | 'stream';
}

export interface AlertFeed {
  /** The last stream sequence the live feed has read (valid or not); later notices come through onNotice. */
  lastSeq(): number;
  ready(): boolean;
  /**
   * Notices with `after < seq ≤ upTo` that `keep` admits, oldest first. A stream read that `cancelled` says is no
   * longer wanted (its subscribe was replaced, its socket left) stops, or never starts, so a client repeating
   * subscribe cannot queue stream scans for everyone else.
   */
  read(after: number, upTo: number, keep: (n: AlertNotice) => boolean, cancelled?: () => boolean): Promise<ReadResult>;
  /** The stream's last sequence now (for a client that claims to be ahead of this gateway). */
  streamLastSeq(): Promise<number>;
  stop(): Promise<void>;
}

export interface FeedOptions {
  nc: NatsConnection;
  stream?: string;
  memory: number;
  replayMax: number;
  replayConcurrency: number;
  onNotice: (n: FeedNotice) => void;
  onInvalid: (seq: number, reason: string) => void;
  log: Logger;
}

/** A message's notice, or why it is not one. */
export function decodeNotice(m: Pick<JsMsg, 'string'>): { ok: true; notice: AlertNotice } | { ok: false; reason: string } {
  let body: unknown;
  try { body = JSON.parse(m.string()); } catch { return { ok: false, reason: 'not JSON' }; }
  const r = AlertNoticeSchema.safeParse(body);
  if (!r.success) return { ok: false, reason: r.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  return { ok: true, notice: r.data };
}

/** The most recent notices, oldest first; `floor` is the sequence up to which the ring no longer answers. */
class Ring {
  private readonly items: (FeedNotice | undefined)[];
  private start = 0;
  private size = 0;
  constructor(private readonly capacity: number, public floor: number) { this.items = new Array(capacity); }
  push(n: FeedNotice, lastSeq: number): void {
    if (this.capacity === 0) { this.floor = lastSeq; return; }
    if (this.size === this.capacity) {
      this.floor = this.items[this.start]!.seq;
      this.items[this.start] = n;
      this.start = (this.start + 1) % this.capacity;
    } else {
      this.items[(this.start + this.size) % this.capacity] = n;
      this.size++;
    }
  }
  /** Invalid messages and an empty ring: nothing to keep, but the floor moves when there is no room at all. */
  skip(lastSeq: number): void { if (this.capacity === 0) this.floor = lastSeq; }
  *after(seq: number): Generator<FeedNotice> {
    for (let i = 0; i < this.size; i++) {
      const n = this.items[(this.start + i) % this.capacity]!;
      if (n.seq > seq) yield n;
    }
  }
}

/** At most `n` holders at a time; the others wait in order. */
class Semaphore {
  private waiting: (() => void)[] = [];
  constructor(private free: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((r) => this.waiting.push(r));
    try { return await fn(); } finally {
      const next = this.waiting.shift();
      if (next) next(); else this.free++;
    }
  }
}

const STREAM_WAIT_MS = 1_000;
/** A replay read that receives nothing for this long stops (the rest of its range has aged out meanwhile). */
const READ_IDLE_MS = 3_000;

/**
 * Start the live feed. It waits for the ALERTS stream (the alert engine creates it) without blocking the caller:
 * until then `ready()` is false.
 */
export function startAlertFeed(o: FeedOptions): AlertFeed {
  const streamName = o.stream ?? ALERTS_STREAM;
  const js = jetstream(o.nc);
  const gate = new Semaphore(o.replayConcurrency);
  let lastSeq = 0;
  let ring: Ring | undefined;
  let stopped = false;
  let current: { close(): Promise<void | Error> } | undefined;

  const waitForStream = async (): Promise<number> => {
    const jsm = await jetstreamManager(o.nc);
    for (let logged = false; ; logged = true) {
      try { return (await jsm.streams.info(streamName)).state.last_seq; } catch (err) {
        if (!/stream not found/i.test((err as Error).message)) o.log.warn({ err: (err as Error).message }, 'ALERTS stream info failed');
        else if (!logged) o.log.info({ stream: streamName }, 'waiting for the alerts stream (the alert engine creates it)');
      }
      if (stopped) return 0;
      await new Promise((r) => setTimeout(r, STREAM_WAIT_MS));
    }
  };

  const run = async () => {
    lastSeq = await waitForStream();
    ring = new Ring(o.memory, lastSeq);
    o.log.info({ stream: streamName, fromSeq: lastSeq + 1 }, 'alert feed started');
    while (!stopped) {
      try {
        const consumer = await js.consumers.get(streamName, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: lastSeq + 1 });
        const messages = await consumer.consume({ max_messages: 1_000 });
        current = messages;
        if (stopped) { await messages.close(); break; }
        for await (const m of messages) {
          if (m.seq <= lastSeq) continue;
          lastSeq = m.seq;
          const d = decodeNotice(m);
          if (!d.ok) { ring.skip(lastSeq); o.onInvalid(m.seq, d.reason); continue; }
          const n = { seq: m.seq, notice: d.notice, storedAtMs: Number(m.info.timestampNanos) / 1e6 };
          ring.push(n, lastSeq);
          o.onNotice(n);
        }
      } catch (err) {
        if (stopped) break;
        o.log.warn({ err: (err as Error).message, lastSeq }, 'alert feed interrupted; resuming');
        await new Promise((r) => setTimeout(r, STREAM_WAIT_MS));
      }
    }
  };
  const running = run().catch((err: Error) => o.log.error({ err: err.message }, 'alert feed failed'));

  const readStream = (after: number, upTo: number, keep: (n: AlertNotice) => boolean, cancelled: () => boolean) => gate.run(async (): Promise<ReadResult> => {
    if (cancelled()) return { notices: [], gap: false, source: 'stream' };
    const jsm = await jetstreamManager(o.nc);
    const { first_seq: first } = (await jsm.streams.info(streamName)).state;
    let gap = after + 1 < first;
    let from = Math.max(after + 1, first);
    if (upTo - from + 1 > o.replayMax) { from = upTo - o.replayMax + 1; gap = true; }
    const notices: SequencedNotice[] = [];
    if (from > upTo) return { notices, gap, source: 'stream' };
    const consumer = await js.consumers.get(streamName, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from });
    const messages = await consumer.consume({ max_messages: Math.min(1_000, upTo - from + 1) });
    let idle = setTimeout(() => { gap = true; void messages.close(); }, READ_IDLE_MS);
    try {
      for await (const m of messages) {
        clearTimeout(idle);
        if (m.seq > upTo || cancelled()) break;
        const d = decodeNotice(m);
        if (d.ok && keep(d.notice)) notices.push({ seq: m.seq, notice: d.notice });
        if (m.seq >= upTo) break;
        idle = setTimeout(() => { gap = true; void messages.close(); }, READ_IDLE_MS);
      }
    } finally {
      clearTimeout(idle);
      await messages.close();
    }
    return { notices, gap, source: 'stream' };
  });

  return {
    lastSeq: () => lastSeq,
    ready: () => ring !== undefined && !stopped && !o.nc.isClosed(),
    async read(after, upTo, keep, cancelled = () => false) {
      if (after >= upTo) return { notices: [], gap: false, source: 'memory' };
      if (ring && after >= ring.floor) {
        const notices: SequencedNotice[] = [];
        for (const n of ring.after(after)) if (n.seq <= upTo && keep(n.notice)) notices.push({ seq: n.seq, notice: n.notice });
        return { notices, gap: false, source: 'memory' };
      }
      return readStream(after, upTo, keep, cancelled);
    },
    async streamLastSeq() {
      const jsm = await jetstreamManager(o.nc);
      return (await jsm.streams.info(streamName)).state.last_seq;
    },
    async stop() {
      stopped = true;
      await current?.close();
      await running;
    },
  };
}
