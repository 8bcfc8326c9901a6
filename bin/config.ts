/** Configuration of the `tower` CLI and launcher, parsed once. */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CommonEnv, env, loadConfig } from '../runtime/env.ts';

export const TowerEnv = CommonEnv.extend({
  /** Where the embedded defaults keep their data: nats/ (JetStream store) and clickhouse/ (chDB). */
  TOWER_DATA_DIR: z.string().default('.data'),
  TOWER_NATS_PORT: env.intFrom(4222, 1, 65_535),
  /** Path of the nats-server binary; unset: searched on PATH and in /usr/sbin, /usr/local/bin. */
  NATS_SERVER_BIN: z.string().optional(),
  TOWER_CLICKHOUSE_PORT: env.intFrom(8123, 1, 65_535),
  WEB_PORT: env.intFrom(3000, 1, 65_535),
  WEB_HOST: z.string().default('127.0.0.1'),
  /** Ingest processes sharing the durable consumer. */
  INGEST_PROCESSES: env.intFrom(1, 1, 16),
  INGEST_METRICS_PORT: env.intFrom(9464, 0, 65_535),
  /** Allocation instances (one leads, the others stand by); the first serves HTTP on ALLOCATION_PORT, the next +1 … */
  ALLOCATION_INSTANCES: env.intFrom(2, 1, 8),
  ALLOCATION_PORT: env.intFrom(8090, 0, 65_535),
  /** How often the drift check compares allocation with the ClickHouse ledger. */
  DRIFT_CHECK_SECONDS: env.intFrom(60, 5, 86_400),
  /** Alert engines (one leads by a KV lease, the others stand by); the first serves /metrics on ALERTS_METRICS_PORT, the next +1 … */
  ALERTS_INSTANCES: env.intFrom(2, 1, 8),
  /** The alert engine's /metrics, /healthz, /readyz (0 = any free port). */
  ALERTS_METRICS_PORT: env.intFrom(9480, 0, 65_535),
  /** Realtime gateways (Socket.IO) side by side, each fed from NATS; the first listens on GATEWAY_PORT, the next +1 … */
  GATEWAY_INSTANCES: env.intFrom(2, 1, 8),
  GATEWAY_PORT: env.intFrom(3100, 1, 65_535),
  /** TensorFlow.js backend: unset = tfjs-node when installed, else cpu; `wasm` on request. */
  TF_BACKEND: z.enum(['tensorflow', 'cpu', 'wasm']).optional(),
  /** Token for the web app and API; the launcher generates one for the session when unset. */
  TOWER_API_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  SIM_ENABLED: z.enum(['0', '1']).default('1'),
  SIM_RATE: env.intFrom(200, 1, 1_000_000),
  SIM_SPEED: env.intFrom(60, 1, 100_000),
  SIM_SEED: env.intFrom(42),
  /** On first start (nothing stored yet): days of simulated history to back-fill, so models and charts have data. 0 = none. */
  SIM_BACKFILL_DAYS: env.intFrom(14, 0, 365),
  SIM_BACKFILL_ORDERS_PER_DAY: env.intFrom(2_000, 1, 1_000_000),
  SIM_MALFORMED: z.coerce.number().min(0).max(1).default(0.002),
});
export type TowerConfig = z.infer<typeof TowerEnv>;

export const loadTowerConfig = () => loadConfig(TowerEnv);
export const dataPath = (cfg: TowerConfig, sub: string) => path.resolve(cfg.TOWER_DATA_DIR, sub);

/**
 * The root API token: TOWER_API_TOKEN, else the one `tower up` generated on first start and keeps in
 * TOWER_DATA_DIR/api-token (mode 0600) — so sign-in links and the tokens signed with it survive restarts.
 * `create` (the launcher) generates and stores it when there is none.
 */
export function rootToken(cfg: TowerConfig, o: { create?: boolean } = {}): string | undefined {
  if (cfg.TOWER_API_TOKEN) return cfg.TOWER_API_TOKEN;
  const file = dataPath(cfg, 'api-token');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  if (!o.create) return undefined;
  const token = randomBytes(24).toString('base64url');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}
