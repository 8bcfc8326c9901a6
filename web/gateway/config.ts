/** Realtime gateway configuration, parsed once at start-up. */
import { z } from 'zod';
import { CommonEnv, env, loadConfig } from '../../runtime/env.ts';

const origins = z.string().transform((s, ctx) => {
  const list = s.split(',').map((o) => o.trim()).filter(Boolean);
  for (const o of list) {
    if (!/^https?:\/\/[^/\s]+$/.test(o)) ctx.addIssue({ code: 'custom', message: `"${o}" is not an origin like http://127.0.0.1:3000` });
  }
  return list;
});

export const GatewayEnv = CommonEnv.extend({
  /** Socket.IO at /realtime plus /healthz, /readyz, /metrics on one HTTP server; 0 picks a free port (logged at start). */
  GATEWAY_PORT: env.intFrom(3100, 0, 65_535),
  GATEWAY_HOST: z.string().default('127.0.0.1'),
  /** Web origins allowed to connect from a browser (CORS with credentials), comma-separated. */
  GATEWAY_ORIGINS: origins.default(['http://127.0.0.1:3000', 'http://localhost:3000']),
  /** Root token: signs and verifies access tokens and tickets (runtime/access.ts). */
  TOWER_API_TOKEN: z.string().min(16, 'must be at least 16 characters'),
  /** Live notices are held this long after the first of a batch (≤ 100 ms by contract; the p99 budget is 250 ms end to end). */
  GATEWAY_BATCH_MS: env.intFrom(25, 0, 100),
  /** Engine.io packets queued for one socket (beyond what the kernel took) before it is dropped as a slow consumer. */
  GATEWAY_MAX_QUEUED_PACKETS: env.intFrom(256, 4, 100_000),
  /** Bytes queued for one socket before it is dropped as a slow consumer. */
  GATEWAY_MAX_QUEUED_BYTES: env.intFrom(1_048_576, 16_384, 256 * 1_048_576),
  /** Most stream messages one replay reads; a client further behind gets the latest ones and `gap: true`. */
  GATEWAY_REPLAY_MAX: env.intFrom(10_000, 100, 1_000_000),
  /** Recent notices kept in memory, so reconnect storms replay without reading the stream. */
  GATEWAY_REPLAY_MEMORY: env.intFrom(5_000, 0, 100_000),
  /** Replays reading the stream at once (the rest wait their turn). */
  GATEWAY_REPLAY_CONCURRENCY: env.intFrom(4, 1, 64),
  /** How long an ack/resolve waits for the alert engine before answering `unavailable`. */
  GATEWAY_ALERTCTL_TIMEOUT_MS: env.intFrom(5_000, 100, 60_000),
});
export type GatewayConfig = z.infer<typeof GatewayEnv>;

export const loadGatewayConfig = (e?: Record<string, string | undefined>) => loadConfig(GatewayEnv, e);
