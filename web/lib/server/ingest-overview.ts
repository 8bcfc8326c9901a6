/**
 * Everything the live ingest page shows, in one call: four ClickHouse queries (run one after another by
 * the embedded engine anyway) and the consumer lag from JetStream, asked concurrently. ClickHouse failing
 * fails the call (the route answers 503); NATS failing only blanks the lag and adds a warning.
 */
import type { Db } from '$clickhouse/client.ts';
import { getIngestRate, type IngestRate } from '$clickhouse/queries/getIngestRate.ts';
import { getLandedTotals } from '$clickhouse/queries/getLandedTotals.ts';
import { getRecentRejects } from '$clickhouse/queries/getRecentRejects.ts';
import { getRejectReasons } from '$clickhouse/queries/getRejectReasons.ts';
import { FAMILIES } from '$contracts/events.ts';
import type { IngestOverview, IngestOverviewQuery, RateSeriesKey } from '$contracts/api/ingest-overview.ts';
import type { NatsConnection } from '$runtime/nats.ts';
import { getConsumerLag } from './consumer-lag.ts';

/** 5 s buckets: 120 points over 10 minutes, smooth enough to read and small enough to send every 2 s. */
const STEP_SECONDS = 5;
const REASONS_LIMIT = 20;
const RECENT_LIMIT = 10;
const SOURCES_LIMIT = 20;
const SERIES_ORDER: RateSeriesKey[] = [...FAMILIES, 'rejected'];

export interface OverviewDeps {
  db: Db;
  nats: () => Promise<NatsConnection>;
  onNatsError?: (err: Error) => void;
  now?: () => number;
}

export async function loadIngestOverview(deps: OverviewDeps, q: IngestOverviewQuery): Promise<IngestOverview> {
  const now = deps.now?.() ?? Date.now();
  const warnings: string[] = [];
  const lag = getConsumerLag({ nats: deps.nats }).catch((err: Error) => {
    deps.onNatsError?.(err);
    warnings.push(`consumer lag unavailable: ${err.message}`);
    return null;
  });
  const rate = await getIngestRate(deps.db, { since: q.minutes, step: STEP_SECONDS });
  const landed = await getLandedTotals(deps.db);
  const rejectReasons = await getRejectReasons(deps.db, { limit: REASONS_LIMIT });
  const recentRejects = await getRecentRejects(deps.db, { limit: RECENT_LIMIT });
  return {
    generatedAt: now, windowMinutes: q.minutes, rate: rateSeries(rate, q.minutes, now), landed, lag: await lag,
    rejectReasons, recentRejects, warnings,
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * A gap-free grid of buckets across the window (the chart stacks series, which needs aligned points), by
 * this server's clock: a few seconds of skew against ClickHouse only shifts which bucket is the newest.
 */
export function rateSeries(rate: IngestRate, minutes: number, nowMs: number): IngestOverview['rate'] {
  const step = rate.stepSeconds;
  const end = Math.floor(nowMs / 1000 / step) * step;
  const start = Math.floor((nowMs / 1000 - minutes * 60) / step) * step;
  const buckets: number[] = [];
  for (let t = start; t < end; t += step) buckets.push(t);
  const index = new Map(buckets.map((t, i) => [t, i]));
  const series = new Map<string, number[]>();
  for (const b of rate.buckets) {
    const i = index.get(b.t);
    if (i === undefined) continue;
    let values = series.get(b.family);
    if (!values) series.set(b.family, (values = buckets.map(() => 0)));
    values[i]! += b.events / step;
  }
  const last = buckets.length - 1;
  const newest = (keys: string[]) => keys.reduce((n, k) => n + (series.get(k)?.[last] ?? 0), 0);
  return {
    stepSeconds: step,
    nowPerSecond: round2(newest(FAMILIES)),
    rejectedPerSecond: round2(newest(['rejected'])),
    buckets: buckets.map((t) => t * 1000),
    byFamily: SERIES_ORDER.filter((k) => series.has(k)).map((family) => ({ family, perSecond: series.get(family)!.map(round2) })),
    bySource: rate.sources
      .map((s) => ({ source: s.source, perSecond: round2(s.lastMinute / 60), events: s.events }))
      .sort((a, b) => b.perSecond - a.perSecond || b.events - a.events)
      .slice(0, SOURCES_LIMIT),
  };
}
