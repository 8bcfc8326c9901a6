/** Allocation instance configuration, parsed once at start-up. */
import { z } from 'zod';
import { CommonEnv, env, loadConfig } from '../runtime/env.ts';

export const AllocationEnv = CommonEnv.extend({
  /** HTTP JSON API (and /metrics, /healthz, /readyz); 0 picks a free port (printed at start). */
  ALLOCATION_PORT: env.intFrom(8090, 0, 65_535),
  ALLOCATION_HOST: z.string().default('127.0.0.1'),
  /** Bearer token for the HTTP API (the same one as the web app's, by default). */
  TOWER_API_TOKEN: z.string().min(16, 'must be at least 16 characters'),
  /** Lease time to live: how long a dead leader blocks takeover. Renewed every third of it. */
  ALLOCATION_LEASE_MS: env.intFrom(3_000, 500, 60_000),
  /** JSON file of location profiles (see allocation/locations.ts); default: the seed's two sites. */
  ALLOCATION_LOCATIONS_FILE: z.string().optional(),
  ALLOCATION_INSTANCE: z.string().regex(/^[\w.-]+$/).optional(),
  /** Log appends on the wire at once (pipelined group commit); 1 = one at a time. */
  ALLOCATION_APPENDS_IN_FLIGHT: env.intFrom(2, 1, 32),
  /** Take a state snapshot after this many changes (bounds takeover replay). */
  ALLOCATION_SNAPSHOT_EVERY: env.intFrom(100_000, 100, 100_000_000),
  /** Largest accepted HTTP body. */
  ALLOCATION_MAX_BODY_BYTES: env.intFrom(256 * 1024, 1_024, 4 * 1024 * 1024),
});
export type AllocationConfig = z.infer<typeof AllocationEnv>;

export const loadAllocationConfig = (e?: Record<string, string | undefined>) => loadConfig(AllocationEnv, e);
