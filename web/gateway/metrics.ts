/** What a realtime gateway exposes on /metrics. */
import { Registry } from '../../runtime/metrics.ts';

export function createGatewayMetrics() {
  const registry = new Registry();
  return {
    registry,
    connections: registry.gauge('gateway_connections', 'Authenticated sockets connected now'),
    subscriptions: registry.gauge('gateway_subscriptions', 'Sockets with a live alert subscription'),
    audiences: registry.gauge('gateway_audiences', 'Distinct (scope, role, filter) rooms'),
    refused: registry.counter('gateway_refused_handshakes_total', 'Handshakes refused, by reason'),
    noticesIn: registry.counter('gateway_notices_in_total', 'Notices read from ALERTS, by outcome (valid, invalid)'),
    noticesOut: registry.counter('gateway_notices_out_total', 'Notices written to sockets (one per recipient), by path (live, replay)'),
    batches: registry.counter('gateway_batches_total', 'Alert batches emitted to a room or a socket'),
    batchSize: registry.histogram('gateway_batch_notices', 'Notices per live feed flush', [1, 2, 5, 10, 25, 50, 100, 200]),
    feedDelay: registry.histogram('gateway_feed_delay_seconds', 'From stored in ALERTS to emitted by this gateway',
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5]),
    replays: registry.counter('gateway_replays_total', 'Subscriptions that replayed, by source (memory, stream) and outcome'),
    slowConsumers: registry.counter('gateway_slow_consumer_disconnects_total', 'Sockets dropped because their queue passed the limit'),
    expired: registry.counter('gateway_token_expired_disconnects_total', 'Sockets dropped when their token expired'),
    requests: registry.counter('gateway_requests_total', 'Inbound socket events, by event and outcome'),
    kpiTicks: registry.counter('gateway_kpi_ticks_total', 'KPI ticks received, by outcome (valid, invalid)'),
    feedSeq: registry.gauge('gateway_feed_seq', 'Last ALERTS stream sequence the live feed read'),
  };
}
export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
