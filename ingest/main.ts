/**
 * An ingest process: `node --import tsx ingest/main.ts`. Run as many as you like; they share the durable
 * consumer. SIGTERM/SIGINT: stop consuming, write and settle what is buffered, drain NATS, exit 0.
 */
import { connectClickHouse, closeClickHouse } from '../clickhouse/client.ts';
import { createLogger } from '../runtime/logger.ts';
import { connectNats } from '../runtime/nats.ts';
import { onShutdown } from '../runtime/shutdown.ts';
import { startProbeServer } from '../runtime/http-probe.ts';
import { ConfigError } from '../runtime/env.ts';
import { loadIngestConfig } from './config.ts';
import { createIngestMetrics } from './metrics.ts';
import { startIngest } from './ops.consumer.ts';

const HELP = `Usage: node --import tsx ingest/main.ts   (or: npm run tower -- up, which starts it for you)
Consumes ops.> from JetStream and writes validated events to ClickHouse exactly once.
Configuration is by environment (see .env.example): NATS_URL, CLICKHOUSE_URL, CLICKHOUSE_DATABASE,
INGEST_BATCH_SIZE, INGEST_FLUSH_MS, INGEST_ACK_WAIT_MS, INGEST_MAX_ACK_PENDING, INGEST_METRICS_PORT, INGEST_DURABLE.`;

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) { console.log(HELP); return; }
  const cfg = loadIngestConfig();
  const log = createLogger('ingest', cfg.LOG_LEVEL);
  if (!cfg.CLICKHOUSE_URL) throw new ConfigError('CLICKHOUSE_URL is required for ingest (npm start sets it to the embedded server).');
  const nc = await connectNats({ url: cfg.NATS_URL, name: `ingest-${process.pid}`, log });
  const db = connectClickHouse({ url: cfg.CLICKHOUSE_URL, database: cfg.CLICKHOUSE_DATABASE, user: cfg.CLICKHOUSE_USER,
    password: cfg.CLICKHOUSE_PASSWORD, log });
  const metrics = createIngestMetrics();
  const ingest = await startIngest({
    nc, db, log, metrics, durable: cfg.INGEST_DURABLE, batchSize: cfg.INGEST_BATCH_SIZE, flushMs: cfg.INGEST_FLUSH_MS,
    consumer: { ackWaitMs: cfg.INGEST_ACK_WAIT_MS, maxAckPending: cfg.INGEST_MAX_ACK_PENDING },
    // Exit so the supervisor (or systemd/k8s) restarts us; unacked events are redelivered to the others.
    onFatal: (err) => { log.fatal({ err: err.message }, 'consumer stopped; exiting'); process.exit(1); },
  });
  const probe = await startProbeServer({ port: cfg.INGEST_METRICS_PORT, registry: metrics.registry,
    ready: () => ({ ok: ingest.healthy() && !nc.isClosed() }) });
  log.info({ metricsPort: probe.port }, 'listening');
  onShutdown(log, async () => {
    await ingest.stop();
    await nc.drain();
    await closeClickHouse(db);
    await probe.close();
  });
}

main().catch((err: Error) => {
  console.error(err instanceof ConfigError ? err.message : `ingest failed to start: ${err.message}`);
  process.exit(1);
});
