/**
 * The web app's configuration, parsed once (on first use; hooks.server.ts `init` calls it at start-up so a bad
 * value stops the server with a message naming the variable). adapter-node reads PORT, HOST and ORIGIN itself.
 */
import { z } from 'zod';
import { CommonEnv, loadConfig } from '$runtime/env.ts';

export const WebEnv = CommonEnv.extend({
  CLICKHOUSE_URL: z.string().url('must be the ClickHouse HTTP URL (npm start sets it to the embedded server)'),
  /** The root token (the admin principal, /login?token=… and Bearer); also keys every signed token (runtime/access.ts). */
  TOWER_API_TOKEN: z.string().min(16, 'must be at least 16 characters'),
  /**
   * Where browsers reach the realtime gateway, comma-separated: each ticket names one at random, so several
   * gateways share the sockets. Their origins are added to the pages' CSP connect-src.
   */
  GATEWAY_PUBLIC_URLS: z.string().default('http://127.0.0.1:3100')
    .transform((s) => s.split(',').map((u) => u.trim().replace(/\/+$/, '')).filter(Boolean))
    .pipe(z.array(z.string().regex(/^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/, 'must be http(s) URLs, comma-separated')).min(1).max(32)),
});
export type WebConfig = z.infer<typeof WebEnv>;

let config: WebConfig | undefined;

/** The parsed configuration; throws ConfigError on the first call if the environment is invalid. */
export function webConfig(): WebConfig {
  config ??= loadConfig(WebEnv);
  return config;
}
