/**
 * An allocation instance: it campaigns for the lease, and while it holds it runs a leadership term (the only
 * writer of the log); otherwise it stands by, and its HTTP API forwards to whoever leads. Run two or more for
 * availability: when the leader dies its lease ages out (ALLOCATION_LEASE_MS) and a standby takes over after
 * replaying the log.
 */
import { Kvm } from '@nats-io/kv';
import { ensureStreams, STREAM_NAMES, type StreamNames } from '../ingest/streams.ts';
import type { Logger } from '../runtime/logger.ts';
import type { NatsConnection } from '../runtime/nats.ts';
import { startTerm, type Term } from './leader.ts';
import { Lease, openLeaderBucket } from './lease.ts';
import type { LocationProfile } from './locations.ts';
import { openSnapshotStore } from './snapshot.ts';
import { ensureLogStream, type AllocationNames, ALLOCATION_NAMES } from './log.ts';
import { createAllocationMetrics, type AllocationMetrics } from './metrics.ts';

export interface ServiceOptions {
  nc: NatsConnection;
  log: Logger;
  locations: LocationProfile[];
  instanceId: string;
  leaseMs?: number;
  names?: AllocationNames;
  streams?: StreamNames;
  metrics?: AllocationMetrics;
  /** Changes between state snapshots (default 100k). */
  snapshotEvery?: number;
  snapshotMinIntervalMs?: number;
  /** Log appends on the wire at once (default 2). */
  maxAppendsInFlight?: number;
}

export interface AllocationService {
  readonly metrics: AllocationMetrics;
  isLeader(): boolean;
  /** The current term's engine (leader only): tests read invariants from it. */
  term(): Term | undefined;
  stop(): Promise<void>;
}

export async function startAllocationService(o: ServiceOptions): Promise<AllocationService> {
  const names = o.names ?? ALLOCATION_NAMES;
  const streams = o.streams ?? STREAM_NAMES;
  const leaseMs = o.leaseMs ?? 3_000;
  const metrics = o.metrics ?? createAllocationMetrics();
  metrics.leader.set(0);
  await ensureStreams(o.nc, streams);
  await ensureLogStream(o.nc, names);
  const lease = new Lease(await openLeaderBucket(o.nc, names.leaderBucket, leaseMs), o.instanceId);
  const stateKv = await new Kvm(o.nc).create(names.stateBucket, { history: 1 });
  const snapshots = await openSnapshotStore(o.nc, names.snapshotBucket);
  let term: Term | undefined;
  let starting = false;
  let stopped = false;

  async function endTerm(reason: string): Promise<void> {
    const t = term;
    term = undefined;
    if (t) await t.stop(reason);
    await lease.release();
  }

  async function takeOver(): Promise<void> {
    starting = true;
    try {
      o.log.info({ instance: o.instanceId }, 'lease acquired: taking over');
      const t = await startTerm({ nc: o.nc, names, opsStream: streams.ops, locations: o.locations, stateKv, snapshots,
        snapshotEvery: o.snapshotEvery, snapshotMinIntervalMs: o.snapshotMinIntervalMs, maxAppendsInFlight: o.maxAppendsInFlight, log: o.log, metrics,
        onEnd: (reason) => { if (term === t) { term = undefined; void lease.release(); o.log.warn({ reason }, 'stepped down'); } } });
      // The lease may have lapsed during a long replay: then another instance leads, and this term must not serve.
      if (lease.held && !stopped) term = t; else await t.stop('lease lapsed during takeover');
    } catch (err) {
      o.log.error({ err: (err as Error).message }, 'takeover failed; giving the lease back');
      await lease.release();
    } finally {
      starting = false;
    }
  }

  async function tick(): Promise<void> {
    if (stopped) return;
    if (lease.held) {
      // Renewals continue while a takeover replays the log, so a long replay does not lose the lease.
      if (!(await lease.renew())) { o.log.warn('lease lost'); await endTerm('lease lost'); }
      return;
    }
    if (starting || !(await lease.tryAcquire())) return;
    void takeOver();
  }

  // Renew at a third of the TTL: two renewals may fail (a slow server, a GC pause) before the lease lapses.
  let running = Promise.resolve();
  const timer = setInterval(() => { running = running.then(tick).catch((err: Error) => o.log.error({ err: err.message }, 'lease tick')); },
    Math.max(100, Math.floor(leaseMs / 3)));
  running = running.then(tick);
  await running;
  while (starting) await new Promise((r) => setTimeout(r, 10)); // a first instance serves before start resolves

  return {
    metrics,
    isLeader: () => term !== undefined,
    term: () => term,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      while (starting) await new Promise((r) => setTimeout(r, 10));
      await endTerm('shutdown');
    },
  };
}
