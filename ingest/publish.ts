/**
 * Publishing events for producers (simulator, import, services). Each event goes to `ops.<type>` with
 * msgID = event id, so a re-send inside the duplicate window is dropped by JetStream. In-flight publishes
 * are capped: unbounded promises per message are how producers run out of memory.
 */
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '../runtime/nats.ts';

export interface Publishable { subject: string; id: string; data: Uint8Array | string }

export interface PublisherOptions {
  nc: NatsConnection;
  /** Publishes awaiting a JetStream ack at once; 2,000 keeps ~1 MB in flight and saturates one nats-server core. */
  maxInFlight?: number;
  /** Per-publish ack timeout. */
  timeoutMs?: number;
}

export interface Publisher {
  publish(p: Publishable): Promise<void>;
  /** Wait until every publish so far is acknowledged (throws the first failure). */
  flush(): Promise<void>;
  readonly published: number;
  readonly duplicates: number;
}

export function createPublisher(o: PublisherOptions): Publisher {
  const js: JetStreamClient = jetstream(o.nc, { timeout: o.timeoutMs ?? 10_000 });
  const max = o.maxInFlight ?? 2_000;
  const inFlight = new Set<Promise<void>>();
  let failure: Error | undefined;
  let published = 0;
  let duplicates = 0;

  async function send(p: Publishable): Promise<void> {
    const ack = await js.publish(p.subject, p.data, { msgID: p.id });
    if (ack.duplicate) duplicates++;
    else published++;
  }

  return {
    async publish(p) {
      if (failure) throw failure;
      while (inFlight.size >= max) await Promise.race(inFlight);
      const pr: Promise<void> = send(p).catch((err: Error) => { failure ??= err; }).finally(() => inFlight.delete(pr));
      inFlight.add(pr);
    },
    async flush() {
      await Promise.all(inFlight);
      if (failure) throw failure;
    },
    get published() { return published; },
    get duplicates() { return duplicates; },
  };
}
