/**
 * Several alert engine processes side by side: one leads (holds the KV lease ALERT_LEADER and runs the engine),
 * the others stand by and take over when the leader's lease ages out. The lease only decides who should lead; the
 * state store's compare-and-set is what stops a stale leader (a new leader claims the state at start, so the old
 * one's next save fails and it stands down, leaving its unsaved events unacked for the new one).
 */
import { hostname } from 'node:os';
import { Lease, openLeaderBucket } from '../allocation/lease.ts';
import type { Logger } from '../runtime/logger.ts';
import type { NatsConnection } from '../runtime/nats.ts';
import type { AlertEngine } from './engine/engine.ts';

export const LEADER_BUCKET = 'ALERT_LEADER';

export interface Leadership {
  engine(): AlertEngine | undefined;
  /** Stop leading (saving the state) or standing by, and give the lease up. */
  stop(): Promise<void>;
}

/** Stand by until the lease is ours, then `start` the engine; renew every third of the TTL, stand down when lost. */
export async function runForLeader(o: { nc: NatsConnection; log: Logger; leaseMs: number;
  start: (onFenced: () => void) => Promise<AlertEngine> }): Promise<Leadership> {
  const lease = new Lease(await openLeaderBucket(o.nc, LEADER_BUCKET, o.leaseMs), `${hostname()}-${process.pid}`);
  let engine: AlertEngine | undefined;
  let starting: Promise<void> | undefined;
  let busy = false;
  let stopped = false;

  const standDown = async (why: string) => {
    const e = engine;
    engine = undefined;
    if (!e) return;
    o.log.warn({ why }, 'standing down; standing by');
    await e.stop({ save: false }).catch((err: Error) => o.log.error({ err: err.message }, 'stand-down failed'));
    await lease.release();
  };
  const lead = async () => {
    o.log.info({ holder: lease.holder }, 'leading');
    try {
      engine = await o.start(() => void standDown('fenced by another engine'));
      if (!lease.held || stopped) await standDown(stopped ? 'stopping' : 'lease lost while starting');
    } catch (err) {
      o.log.error({ err: (err as Error).message }, 'engine failed to start; giving the lease up');
      await lease.release();
    }
  };
  // Renewal never waits for a slow start (seeding scores from ClickHouse can take seconds).
  const beat = async () => {
    if (busy || stopped) return;
    busy = true;
    try {
      if (lease.held) {
        if (!(await lease.renew())) { if (starting) await starting; await standDown('lease lost'); }
      } else if (!starting && await lease.tryAcquire()) {
        starting = lead().finally(() => { starting = undefined; });
      }
    } catch (err) {
      o.log.warn({ err: (err as Error).message }, 'lease check failed');
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void beat(), Math.max(100, Math.floor(o.leaseMs / 3)));
  await beat();
  if (starting) await starting;
  if (!lease.held) o.log.info({ holder: await lease.current().catch(() => undefined) }, 'standing by');

  return {
    engine: () => engine,
    async stop() {
      stopped = true;
      clearInterval(timer);
      if (starting) await starting;
      const e = engine;
      engine = undefined;
      await e?.stop();
      await lease.release();
    },
  };
}
