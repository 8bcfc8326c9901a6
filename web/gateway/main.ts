/**
 * A realtime gateway process: `node --import tsx web/gateway/main.ts` (`tower up` runs GATEWAY_INSTANCES of them).
 * SIGTERM/SIGINT: `bye` shutdown to every socket, close them, drain NATS, exit 0.
 */
import { ensureAlertsStream } from '../../alerts/stream.ts';
import { ConfigError } from '../../runtime/env.ts';
import { createLogger } from '../../runtime/logger.ts';
import { connectNats } from '../../runtime/nats.ts';
import { loadGatewayConfig } from './config.ts';
import { startGateway } from './server.ts';
import { onShutdown } from '../../runtime/shutdown.ts';

const HELP = `Usage: node --import tsx web/gateway/main.ts   (tower up runs the gateways for you)
Pushes alert notices (stream ALERTS) and KPI ticks (kpi.tick) to Socket.IO clients at /realtime, each scoped to
its token's principal; replays missed notices on reconnect (subscribe with since). See web/gateway/README.md.
Environment (see .env.example): NATS_URL, TOWER_API_TOKEN, GATEWAY_PORT, GATEWAY_HOST, GATEWAY_ORIGINS,
GATEWAY_BATCH_MS, GATEWAY_MAX_QUEUED_PACKETS, GATEWAY_MAX_QUEUED_BYTES, GATEWAY_REPLAY_MAX, GATEWAY_REPLAY_MEMORY,
GATEWAY_REPLAY_CONCURRENCY, GATEWAY_ALERTCTL_TIMEOUT_MS, LOG_LEVEL.`;

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) { console.log(HELP); return; }
  const cfg = loadGatewayConfig();
  const log = createLogger('gateway', cfg.LOG_LEVEL).child({ pid: process.pid });
  const nc = await connectNats({ url: cfg.NATS_URL, name: `gateway-${process.pid}`, log });
  await ensureAlertsStream(nc);
  const gateway = await startGateway({
    nc, log, port: cfg.GATEWAY_PORT, host: cfg.GATEWAY_HOST, origins: cfg.GATEWAY_ORIGINS, rootToken: cfg.TOWER_API_TOKEN,
    batchMs: cfg.GATEWAY_BATCH_MS, maxQueuedPackets: cfg.GATEWAY_MAX_QUEUED_PACKETS, maxQueuedBytes: cfg.GATEWAY_MAX_QUEUED_BYTES,
    replayMax: cfg.GATEWAY_REPLAY_MAX, replayMemory: cfg.GATEWAY_REPLAY_MEMORY, replayConcurrency: cfg.GATEWAY_REPLAY_CONCURRENCY,
    alertctlTimeoutMs: cfg.GATEWAY_ALERTCTL_TIMEOUT_MS,
  });
  log.info({ port: gateway.port, path: '/realtime', origins: cfg.GATEWAY_ORIGINS }, 'listening');
  onShutdown(log, async () => {
    await gateway.close();
    await nc.drain();
  });
}

main().catch((err: Error) => {
  console.error(err instanceof ConfigError ? err.message : `gateway failed to start: ${err.message}`);
  process.exit(1);
});
