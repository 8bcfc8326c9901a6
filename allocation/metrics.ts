/** What an allocation instance exposes on /metrics. */
import { Registry } from '../runtime/metrics.ts';

export function createAllocationMetrics() {
  const registry = new Registry();
  return {
    registry,
    requests: registry.counter('allocation_requests_total', 'Requests answered, by op and outcome (ok, refused, or an error code)'),
    latency: registry.histogram('allocation_request_seconds', 'From request received to answer sent (leader)',
      [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]),
    appendLatency: registry.histogram('allocation_log_append_seconds', 'One group-commit append to the log',
      [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1]),
    batchChanges: registry.histogram('allocation_log_batch_changes', 'Changes per log append (group commit)', [1, 2, 5, 10, 25, 50, 100, 250, 1000]),
    leader: registry.gauge('allocation_leader', '1 while this instance holds the lease and serves requests'),
    logSeq: registry.gauge('allocation_log_seq', 'Last log sequence applied'),
    opsSeq: registry.gauge('allocation_feed_ops_seq', 'Last OPS stream sequence the feed applied'),
    emitted: registry.counter('allocation_events_emitted_total', 'inventory.moved events published'),
    feedEvents: registry.counter('allocation_feed_events_total', 'Operational events that changed a position'),
    expiredHolds: registry.counter('allocation_holds_expired_total', 'Holds released at their expiry'),
    replaySeconds: registry.gauge('allocation_replay_seconds', 'How long the last takeover took to replay the log'),
    takeovers: registry.counter('allocation_takeovers_total', 'Times this instance became leader'),
  };
}
export type AllocationMetrics = ReturnType<typeof createAllocationMetrics>;
