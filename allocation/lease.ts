/**
 * Leadership by a lease in a JetStream KV bucket whose entries live `ttlMs`: the holder renews with a
 * compare-and-set on the revision it wrote; when it dies the entry ages out and another instance's create
 * succeeds. No clocks are compared across machines. The lease only decides who should write; the log's
 * expected-sequence check is what stops a stale writer.
 */
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '../runtime/nats.ts';

export const LEASE_KEY = 'leader';

export async function openLeaderBucket(nc: NatsConnection, bucket: string, ttlMs: number): Promise<KV> {
  return new Kvm(nc).create(bucket, { ttl: ttlMs, history: 1 });
}

export class Lease {
  private revision = 0;
  constructor(private readonly kv: KV, readonly holder: string) {}

  get held(): boolean { return this.revision > 0; }

  /** Take the lease if nobody holds it. */
  async tryAcquire(): Promise<boolean> {
    try {
      this.revision = await this.kv.create(LEASE_KEY, this.holder);
      return true;
    } catch {
      return false;
    }
  }

  /** Extend it; false when it was lost (expired and taken, or deleted). */
  async renew(): Promise<boolean> {
    if (!this.held) return false;
    try {
      this.revision = await this.kv.update(LEASE_KEY, this.holder, this.revision);
      return true;
    } catch {
      this.revision = 0;
      return false;
    }
  }

  /** Give it up at once (graceful shutdown), so a standby need not wait for the TTL. */
  async release(): Promise<void> {
    if (!this.held) return;
    const rev = this.revision;
    this.revision = 0;
    try { await this.kv.delete(LEASE_KEY, { previousSeq: rev }); } catch { /* already gone or taken */ }
  }

  /** Who holds it now, as far as the bucket knows. */
  async current(): Promise<string | undefined> {
    const e = await this.kv.get(LEASE_KEY);
    return e && e.operation === 'PUT' ? e.string() : undefined;
  }
}
