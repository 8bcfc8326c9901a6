/** Alert engine configuration, parsed once at start-up. */
import { z } from 'zod';
import { CommonEnv, env, loadConfig } from '../runtime/env.ts';

export const AlertsEnv = CommonEnv.extend({
  /** /metrics, /healthz, /readyz; 0 picks a free port (logged at start). */
  ALERTS_METRICS_PORT: env.intFrom(9480, 0, 65_535),
  /** The rule set stored on first start (afterwards the rules live in KV ALERT_RULES and change through alertctl). */
  ALERTS_RULES_FILE: z.string().optional(),
  /** Clock tick: repeats, group windows, silences and due evaluations are checked this often. */
  ALERTS_TICK_MS: env.intFrom(1_000, 100, 60_000),
  /** State snapshots (KV ALERT_STATE) at most this often while it changes. At most 5 s: OPS events wait for the saved state that includes them before their ack (ack wait 10 s). */
  ALERTS_SNAPSHOT_MS: env.intFrom(2_000, 100, 5_000),
  /** KPI ticks on `kpi.tick`; 0 = none. */
  ALERTS_KPI_MS: env.intFrom(5_000, 0, 600_000),
  /** Model scores written this many hours back seed the score source at start. */
  ALERTS_SCORE_SEED_HOURS: env.intFrom(6, 1, 24 * 30),
  /**
   * Leader lease (KV ALERT_LEADER): with several engines one leads, the others stand by; a dead leader's lease ages
   * out after this long and a standby takes over (renewed every third of it).
   */
  ALERTS_LEASE_MS: env.intFrom(3_000, 500, 60_000),
});
export type AlertsConfig = z.infer<typeof AlertsEnv>;
export const loadAlertsConfig = (e?: Record<string, string | undefined>) => loadConfig(AlertsEnv, e);
