/** One way to connect to NATS: named connections, endless reconnects, and an error that says what to do. */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from './logger.ts';

export type { NatsConnection };

export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

export async function connectNats(o: { url?: string; name: string; log?: Logger }): Promise<NatsConnection> {
  const servers = (o.url ?? DEFAULT_NATS_URL).split(',');
  try {
    // noAsyncTraces: otherwise every request (each JetStream publish) builds two Error objects with stack
    // traces up front; that was 21% of CPU when publishing 200k events.
    const nc = await connect({ servers, name: o.name, maxReconnectAttempts: -1, reconnectTimeWait: 500, noAsyncTraces: true });
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect' || s.type === 'reconnect' || s.type === 'error') o.log?.warn({ nats: s.type }, 'nats status');
      }
    })();
    return nc;
  } catch (err) {
    throw new Error(`cannot connect to NATS at ${servers.join(',')}: ${(err as Error).message}. ` +
      'Start it with `npm start` (which runs nats-server for you) or set NATS_URL.');
  }
}
