/** Graceful shutdown of a service process: on SIGTERM or SIGINT run `stop` once, then exit 0 (1 if it failed). */
import type { Logger } from './logger.ts';

export function onShutdown(log: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    try {
      await stop();
      process.exit(0);
    } catch (err) {
      log.error({ err: (err as Error).message }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
