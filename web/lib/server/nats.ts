/**
 * The web server's NATS connection, created on first use. A failed connect is remembered for RETRY_MS so a
 * page polled every 2 s does not queue a new connect attempt per request while NATS is down; once
 * connected, the client reconnects by itself. Callers bound their own wait (see consumer-lag.ts).
 */
import { connectNats, type NatsConnection } from '$runtime/nats.ts';
import { webConfig } from './config.ts';
import { webLog } from './log.ts';

const RETRY_MS = 5_000;

let pending: Promise<NatsConnection> | undefined;
let failedAt = 0;
let lastError: Error | undefined;

export function getNats(): Promise<NatsConnection> {
  if (!pending && lastError && Date.now() - failedAt < RETRY_MS) return Promise.reject(lastError);
  pending ??= connectNats({ url: webConfig().NATS_URL, name: `web-${process.pid}`, log: webLog() })
    .catch((err: Error) => {
      pending = undefined;
      failedAt = Date.now();
      lastError = err;
      throw err;
    });
  return pending;
}

export async function closeNats(): Promise<void> {
  const p = pending;
  pending = undefined;
  if (p) await p.then((nc) => nc.drain(), () => undefined);
}
