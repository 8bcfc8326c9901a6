/** The dependencies route handlers pass to server modules, built from the lazy singletons in one place. */
import { getDb } from './clickhouse.ts';
import { recordUpstreamError } from './http-metrics.ts';
import type { OverviewDeps } from './ingest-overview.ts';
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

/** Log and count a ClickHouse failure; returns the message to show. */
export function clickhouseFailed(err: unknown): string {
  recordUpstreamError('clickhouse');
  const message = `ClickHouse did not answer: ${(err as Error)?.message ?? String(err)}`;
  webLog().warn({ err: message }, 'ingest overview failed');
  return message;
}
