/** The dependencies route handlers pass to server modules, built from the lazy singletons in one place. */
import type { AlertHistoryDeps } from './alert-history.ts';
import type { AlertStatsDeps } from './alert-stats.ts';
import type { AlertctlDeps } from './alertctl.ts';
import { getDb } from './clickhouse.ts';
import { recordUpstreamError } from './http-metrics.ts';
import type { OverviewDeps } from './ingest-overview.ts';
import type { InventoryDeps } from './inventory.ts';
import { webLog } from './log.ts';
import { getNats } from './nats.ts';

export function overviewDeps(): OverviewDeps {
  return {
    db: getDb(),
    nats: getNats,
    onNatsError: (err) => {
      recordUpstreamError('nats');
      webLog().warn({ err: err.message }, 'consumer lag unavailable');
    },
  };
}

export function alertctlDeps(): AlertctlDeps {
  return {
    nats: getNats,
    onUnavailable: (why) => {
      recordUpstreamError('nats');
      webLog().warn({ err: why }, 'alert engine unavailable');
    },
  };
}

export function alertHistoryDeps(): AlertHistoryDeps {
  return { db: getDb() };
}

export function alertStatsDeps(): AlertStatsDeps {
  return { db: getDb() };
}

export function inventoryDeps(): InventoryDeps {
  return { db: getDb() };
}

/** Log and count a ClickHouse failure (`what` names the data, for the log); returns the message to show. */
export function clickhouseFailed(err: unknown, what = 'ingest overview'): string {
  recordUpstreamError('clickhouse');
  const message = `ClickHouse did not answer: ${(err as Error)?.message ?? String(err)}`;
  webLog().warn({ err: message }, `${what} failed`);
  return message;
}
