/**
 * The allocation log: a JetStream stream of change batches, the only durable copy of allocation state.
 * Every append names the sequence it expects to follow (`Nats-Expected-Last-Sequence`), so a leader that lost
 * its lease without knowing (a long GC pause, a partition) cannot append behind the new leader's back: its
 * next append fails and it steps down. That fencing, not the lease, is what makes two instances safe.
 */
import { DeliverPolicy, DiscardPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '../runtime/nats.ts';
import type { Change } from './changes.ts';

export interface AllocationNames {
  /** Stream and subject of the change log. */
  logStream: string;
  logSubject: string;
  /** KV bucket holding the leader lease (its entries expire: that is the lease). */
  leaderBucket: string;
  /** KV bucket holding the emitted-events watermark (entries do not expire). */
  stateBucket: string;
  /** Object store bucket holding the latest state snapshot. */
  snapshotBucket: string;
  /** Inventory events are published to `<eventPrefix>.inventory.moved` (the OPS stream). */
  eventPrefix: string;
  /** Requests go to `<requestPrefix>.<op>`. */
  requestPrefix: string;
}

export const ALLOCATION_NAMES: AllocationNames = {
  logStream: 'ALLOC_LOG', logSubject: 'alloc-log.changes', leaderBucket: 'alloc_leader', stateBucket: 'alloc_state', snapshotBucket: 'alloc_snapshots',
  requestPrefix: 'alloc', eventPrefix: 'ops',
};

/** One NATS message must stay under the server's 1 MB max_payload; batches are cut well below it. */
export const MAX_BATCH_BYTES = 768 * 1024;

export async function ensureLogStream(nc: NatsConnection, names: AllocationNames): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const cfg = {
    name: names.logStream, subjects: [names.logSubject], storage: StorageType.File, retention: RetentionPolicy.Limits,
    // Never drop a change: a full log refuses appends (and allocation answers `unavailable`) instead.
    discard: DiscardPolicy.New, max_msg_size: 1024 * 1024,
  };
  try { await jsm.streams.info(names.logStream); } catch (err) {
    if (!/stream not found/i.test((err as Error).message)) throw err;
    await jsm.streams.add(cfg);
  }
}

export const encodeBatch = (changes: Change[]) => JSON.stringify({ v: 1, changes });

/**
 * Read the log in order from `fromSeq` and hand each batch to `onBatch`; resolves with the last sequence read.
 * An ordered consumer: no server-side state to clean up, and it restarts itself on a gap.
 */
export async function replayLog(nc: NatsConnection, names: AllocationNames, fromSeq: number,
  onBatch: (changes: Change[], seq: number) => void): Promise<number> {
  const jsm = await jetstreamManager(nc);
  const { last_seq: last, first_seq: first, messages: stored } = (await jsm.streams.info(names.logStream)).state;
  if (last < fromSeq) return last;
  if (stored > 0 && first > fromSeq) {
    throw new Error(`the allocation log starts at ${first} but replay needs ${fromSeq}: the snapshot that covered the purged part is missing`);
  }
  const js = jetstream(nc);
  const consumer = await js.consumers.get(names.logStream, { opt_start_seq: Math.max(1, fromSeq), deliver_policy: DeliverPolicy.StartSequence });
  const messages = await consumer.consume({ max_messages: 256 });
  let seq = fromSeq - 1;
  for await (const m of messages) {
    const batch = m.json<{ v: number; changes: Change[] }>();
    onBatch(batch.changes, m.seq);
    seq = m.seq;
    if (m.seq >= last) break;
  }
  await messages.close();
  return seq;
}

/**
 * Appends batches; each names the sequence it must follow. The caller predicts it (it is the only writer), so
 * several appends can be on the wire at once; any other writer in between makes them fail.
 */
export class LogWriter {
  private readonly js: JetStreamClient;
  constructor(nc: NatsConnection, private readonly subject: string, private lastSeq: number, timeoutMs = 5_000) {
    this.js = jetstream(nc, { timeout: timeoutMs });
  }

  /** The last sequence acknowledged. */
  get seq(): number { return this.lastSeq; }

  async append(payload: string, expectedLastSeq = this.lastSeq): Promise<number> {
    const ack = await this.js.publish(this.subject, payload, { expect: { lastSequence: expectedLastSeq } });
    if (ack.seq > this.lastSeq) this.lastSeq = ack.seq;
    return ack.seq;
  }
}
