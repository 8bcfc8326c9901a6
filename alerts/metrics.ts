/** The alert engine's Prometheus metrics (served on ALERTS_METRICS_PORT /metrics). */
import { Registry } from '../runtime/metrics.ts';

export function createAlertsMetrics() {
  const registry = new Registry();
  return {
    registry,
    evaluations: registry.counter('alerts_evaluations_total', 'Rule evaluations fed to the book, by rule and source'),
    notices: registry.counter('alerts_notices_total', 'Notices published to ALERTS, by kind'),
    transitions: registry.counter('alerts_transitions_total', 'Alert state transitions, by target state'),
    alertctl: registry.counter('alerts_alertctl_requests_total', 'alertctl requests, by op and outcome'),
    queries: registry.counter('alerts_queries_total', 'Named alert queries run, by query and outcome'),
    publishErrors: registry.counter('alerts_publish_errors_total', 'Failed notice publishes (retried)'),
    writeErrors: registry.counter('alerts_transition_write_errors_total', 'Failed transition inserts (retried)'),
    dropped: registry.counter('alerts_transitions_dropped_total', 'Transitions dropped from a full queue'),
    eventLatencyMs: registry.histogram('alerts_event_latency_ms', 'From an event\'s JetStream publish to its evaluation',
      [1, 5, 10, 25, 50, 100, 250, 1000, 5000, 30000]),
    eventLag: registry.gauge('alerts_event_lag', 'Events waiting for the alerts-engine consumer'),
    open: registry.gauge('alerts_open', 'Listed alerts, by state'),
    scores: registry.gauge('alerts_scores', 'Latest model scores held in memory'),
  };
}

export type AlertsMetrics = ReturnType<typeof createAlertsMetrics>;
