/**
 * What the web server reports on /metrics: requests by route, method and status, and their durations.
 * The route label is SvelteKit's route id (a fixed set), never the raw path, so cardinality stays bounded.
 */
import { Registry } from '$runtime/metrics.ts';

export const webRegistry = new Registry();

const requests = webRegistry.counter('web_http_requests_total', 'HTTP requests answered, by route, method and status');
const seconds = webRegistry.histogram('web_http_request_seconds', 'Time to answer one HTTP request',
  [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
const upstreamErrors = webRegistry.counter('web_upstream_errors_total', 'Failed calls to ClickHouse or NATS, by upstream');

export function recordRequest(o: { route: string | null; method: string; status: number; startedMs: number }): void {
  requests.inc(1, { route: o.route ?? 'unmatched', method: o.method, status: String(o.status) });
  seconds.observe((performance.now() - o.startedMs) / 1000);
}

export function recordUpstreamError(upstream: 'clickhouse' | 'nats'): void {
  upstreamErrors.inc(1, { upstream });
}
