/** What an ingest process reports on /metrics. */
import { Registry } from '../runtime/metrics.ts';

export function createIngestMetrics() {
  const registry = new Registry();
  return {
    registry,
    received: registry.counter('ingest_events_in_total', 'Messages received from JetStream'),
    written: registry.counter('ingest_events_written_total', 'Valid events written to ClickHouse and acked'),
    rejected: registry.counter('ingest_events_rejected_total', 'Invalid events dead-lettered with a reason'),
    duplicatesDropped: registry.counter('ingest_duplicates_dropped_total', 'Redelivered events already stored, acked without a write'),
    writeErrors: registry.counter('ingest_write_errors_total', 'Failed batch write attempts (retried)'),
    batchSeconds: registry.histogram('ingest_batch_seconds', 'Time to write and settle one batch',
      [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]),
    lag: registry.gauge('ingest_consumer_lag', 'Messages in the stream not yet delivered to the consumer'),
    ackPending: registry.gauge('ingest_consumer_ack_pending', 'Messages delivered but not yet acknowledged'),
    buffered: registry.gauge('ingest_buffered_events', 'Events held in memory awaiting a write'),
  };
}
export type IngestMetrics = ReturnType<typeof createIngestMetrics>;
