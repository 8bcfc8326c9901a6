/** The web server's logger (pino, secrets redacted), created on first use from config. */
import { createLogger, type Logger } from '$runtime/logger.ts';
import { webConfig } from './config.ts';

let log: Logger | undefined;

export function webLog(): Logger {
  log ??= createLogger('web', webConfig().LOG_LEVEL);
  return log;
}
