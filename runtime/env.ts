/**
 * The one place that reads process.env. Each service's config.ts declares a zod schema of the variables it
 * uses and calls loadConfig(); a bad value stops start-up with a message naming the variable and what to do.
 */
import { z } from 'zod';

export class ConfigError extends Error {}

/** Parse the environment (or a given record) against a schema; throw ConfigError listing every bad variable. */
export function loadConfig<S extends z.ZodType>(schema: S, env: Record<string, string | undefined> = process.env): z.infer<S> {
  const r = schema.safeParse(env);
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}\nSee .env.example and the README's configuration table.`);
}

/** A copy of the environment for child processes, with overrides applied. */
export function childEnv(overrides: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

const intFrom = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(def);
const optionalUrl = z.string().url().optional().or(z.literal('').transform(() => undefined));

/** Variables shared by every service that talks to NATS and ClickHouse. */
export const CommonEnv = z.object({
  NATS_URL: optionalUrl.or(z.string().regex(/^[\w.-]+:\d+(,[\w.-]+:\d+)*$/)).optional(),
  CLICKHOUSE_URL: optionalUrl,
  CLICKHOUSE_DATABASE: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier').default('tower'),
  CLICKHOUSE_USER: z.string().default('default'),
  CLICKHOUSE_PASSWORD: z.string().default(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type CommonEnv = z.infer<typeof CommonEnv>;

export const env = { intFrom, optionalUrl };
