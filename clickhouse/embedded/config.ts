/**
 * Configuration of the embedded ClickHouse server process, parsed once at start-up (through runtime/env.ts,
 * the one reader of process.env); a bad value stops start-up naming the variable.
 */
import path from 'node:path';
import { z } from 'zod';
import { env, loadConfig } from '../../runtime/env.ts';

// An empty variable (CLICKHOUSE_EMBEDDED_PORT=) means "use the default", not 0.
const unsetIfEmpty = (v: unknown) => (v === '' ? undefined : v);

export const EmbeddedEnv = z.object({
  CLICKHOUSE_EMBEDDED_DIR: z.preprocess(unsetIfEmpty, z.string().default('.data/clickhouse')),
  /** 8123 is ClickHouse's own HTTP port, so CLICKHOUSE_URL=http://127.0.0.1:8123 works for both. 0 = any free port. */
  CLICKHOUSE_EMBEDDED_PORT: z.preprocess(unsetIfEmpty, env.intFrom(8123, 0, 65535)),
  CLICKHOUSE_EMBEDDED_HOST: z.preprocess(unsetIfEmpty, z.string().default('127.0.0.1')),
  CLICKHOUSE_USER: z.preprocess(unsetIfEmpty, z.string().default('default')),
  /** Unset or empty: no authentication (loopback only). */
  CLICKHOUSE_PASSWORD: z.preprocess(unsetIfEmpty, z.string().optional()),
  LOG_LEVEL: z.preprocess(unsetIfEmpty, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
});

export interface EmbeddedConfig {
  /** Absolute path of the chDB data directory. */
  dataDir: string;
  host: string;
  port: number;
  user: string;
  password?: string;
  logLevel: string;
}

/** Parse the environment (runtime/env.ts reads it) or `source`, for tests. */
export function loadEmbeddedConfig(source?: Record<string, string | undefined>): EmbeddedConfig {
  const e = loadConfig(EmbeddedEnv, source);
  return {
    dataDir: path.resolve(e.CLICKHOUSE_EMBEDDED_DIR),
    host: e.CLICKHOUSE_EMBEDDED_HOST,
    port: e.CLICKHOUSE_EMBEDDED_PORT,
    user: e.CLICKHOUSE_USER,
    password: e.CLICKHOUSE_PASSWORD,
    logLevel: e.LOG_LEVEL,
  };
}
