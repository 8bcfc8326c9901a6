/** Ingest process configuration, parsed once at start-up. */
import { z } from 'zod';
import { CommonEnv, env, loadConfig } from '../runtime/env.ts';

export const IngestEnv = CommonEnv.extend({
  INGEST_BATCH_SIZE: env.intFrom(10_000, 1, 100_000),
  INGEST_FLUSH_MS: env.intFrom(250, 10, 60_000),
  INGEST_ACK_WAIT_MS: env.intFrom(30_000, 1_000, 600_000),
  INGEST_MAX_ACK_PENDING: env.intFrom(40_000, 1_000, 1_000_000),
  /** /metrics, /healthz, /readyz; 0 picks a free port (printed at start). */
  INGEST_METRICS_PORT: env.intFrom(9464, 0, 65_535),
  INGEST_DURABLE: z.string().regex(/^[\w-]+$/).default('ingest-clickhouse'),
});
export type IngestConfig = z.infer<typeof IngestEnv>;

export const loadIngestConfig = (e?: Record<string, string | undefined>) => loadConfig(IngestEnv, e);
