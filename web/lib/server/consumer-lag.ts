/**
 * The ingest consumer's backlog, asked from JetStream: messages not yet delivered (num_pending) plus those
 * delivered but not yet acknowledged (num_ack_pending, i.e. being written). Bounded to TIMEOUT_MS so a
 * NATS outage costs the overview two seconds, not the client's 20 s connect timeout.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { INGEST_CONSUMER, OPS_STREAM } from '$contracts/streams.ts';
import type { NatsConnection } from '$runtime/nats.ts';

const TIMEOUT_MS = 2_000;

export interface ConsumerLag { pending: number; ackPending: number; total: number }

export async function getConsumerLag(o: { nats: () => Promise<NatsConnection>; stream?: string; durable?: string }): Promise<ConsumerLag> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`JetStream did not answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
  });
  const ask = async () => {
    const jsm = await jetstreamManager(await o.nats(), { timeout: TIMEOUT_MS, checkAPI: false });
    const info = await jsm.consumers.info(o.stream ?? OPS_STREAM, o.durable ?? INGEST_CONSUMER);
    return { pending: info.num_pending, ackPending: info.num_ack_pending, total: info.num_pending + info.num_ack_pending };
  };
  try {
    return await Promise.race([ask(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
