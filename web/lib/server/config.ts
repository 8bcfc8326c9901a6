/**
 * The web app's configuration, parsed once (on first use; hooks.server.ts `init` calls it at start-up so a bad
 * value stops the server with a message naming the variable). adapter-node reads PORT, HOST and ORIGIN itself.
 */
import { z } from 'zod';
import { CommonEnv, loadConfig } from '$runtime/env.ts';

export const WebEnv = CommonEnv.extend({
  CLICKHOUSE_URL: z.string().url('must be the ClickHouse HTTP URL (npm start sets it to the embedded server)'),
  /** Signs in people (/login?token=…) and API clients (Authorization: Bearer …); also keys session signatures. */
  TOWER_API_TOKEN: z.string().min(16, 'must be at least 16 characters'),
});
export type WebConfig = z.infer<typeof WebEnv>;

let config: WebConfig | undefined;

/** The parsed configuration; throws ConfigError on the first call if the environment is invalid. */
export function webConfig(): WebConfig {
  config ??= loadConfig(WebEnv);
  return config;
}
