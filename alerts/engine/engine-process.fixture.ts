/** Tests that run the alert engine as deployed: a child process on the test backbone, ready once it logs "listening". */
import { childEnv } from '../../runtime/env.ts';
import { REPO_ROOT } from '../../runtime/local-services.ts';
import type { Running, Supervisor } from '../../runtime/supervisor.ts';
import type { Backbone } from '../../test/backbone.ts';
import { alertsProcessArgs } from '../process.ts';

/** Start an engine process on `bb` (its own metrics port, no KPI ticks unless `env` says so), with extra settings. */
export function startEngineProcess(sup: Supervisor, bb: Backbone, name: string, env: Record<string, string> = {}): Promise<Running> {
  return sup.start({ name, command: process.execPath, args: alertsProcessArgs(), cwd: REPO_ROOT,
    env: childEnv({ NATS_URL: bb.natsUrl, CLICKHOUSE_URL: bb.ch.url, CLICKHOUSE_DATABASE: bb.db.database, LOG_LEVEL: 'info',
      ALERTS_METRICS_PORT: '0', ALERTS_KPI_MS: '0', ...env }),
    readyWhen: /"listening"/, output: 'quiet' });
}
