/**
 * An allocation instance: `node --import tsx allocation/main.ts` (npm start runs two). SIGTERM/SIGINT: end the
 * term (answers in flight are sent or turned into `unavailable`), give the lease back, drain NATS, exit 0.
 */
import { hostname } from 'node:os';
import { createLogger } from '../runtime/logger.ts';
import { connectNats } from '../runtime/nats.ts';
import { ConfigError } from '../runtime/env.ts';
import { createAllocationClient } from './client.ts';
import { loadAllocationConfig } from './config.ts';
import { startHttpApi } from './http.ts';
import { loadLocations } from './locations.ts';
import { startAllocationService } from './service.ts';
import { onShutdown } from '../runtime/shutdown.ts';

const HELP = `Usage: node --import tsx allocation/main.ts   (npm start runs two instances for you)
Available-to-promise and reservations: answers on NATS (alloc.<op>) and over HTTP (POST /v1/<op>).
Run several: one leads (holds the lease and writes the log), the others stand by and forward.
Configuration is by environment (see .env.example): NATS_URL, TOWER_API_TOKEN, ALLOCATION_PORT, ALLOCATION_HOST,
ALLOCATION_LEASE_MS, ALLOCATION_APPENDS_IN_FLIGHT, ALLOCATION_SNAPSHOT_EVERY, ALLOCATION_LOCATIONS_FILE, ALLOCATION_INSTANCE, ALLOCATION_MAX_BODY_BYTES, LOG_LEVEL.`;

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) { console.log(HELP); return; }
  const cfg = loadAllocationConfig();
  const instanceId = cfg.ALLOCATION_INSTANCE ?? `${hostname()}-${process.pid}`;
  const log = createLogger('allocation', cfg.LOG_LEVEL).child({ instance: instanceId });
  const locations = loadLocations(cfg.ALLOCATION_LOCATIONS_FILE);
  const nc = await connectNats({ url: cfg.NATS_URL, name: `allocation-${instanceId}`, log });
  const service = await startAllocationService({ nc, log, locations, instanceId, leaseMs: cfg.ALLOCATION_LEASE_MS,
    maxAppendsInFlight: cfg.ALLOCATION_APPENDS_IN_FLIGHT, snapshotEvery: cfg.ALLOCATION_SNAPSHOT_EVERY });
  const http = await startHttpApi({ port: cfg.ALLOCATION_PORT, host: cfg.ALLOCATION_HOST, token: cfg.TOWER_API_TOKEN,
    maxBodyBytes: cfg.ALLOCATION_MAX_BODY_BYTES, client: createAllocationClient({ nc }), registry: service.metrics.registry, log,
    ready: () => ({ ok: !nc.isClosed(), detail: { leader: service.isLeader() } }) });
  log.info({ port: http.port, leader: service.isLeader(), locations: locations.map((l) => l.id) }, 'listening');
  onShutdown(log, async () => {
    await http.close();
    await service.stop();
    await nc.drain();
  });
}

main().catch((err: Error) => {
  console.error(err instanceof ConfigError ? err.message : `allocation failed to start: ${err.message}`);
  process.exit(1);
});
