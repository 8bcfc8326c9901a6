/** Structured JSON logs (pino) with secrets redacted wherever they might appear in a logged object. */
import { pino, type Logger } from 'pino';

export type { Logger };

const REDACT = ['password', '*.password', 'token', '*.token', 'authorization', '*.authorization', 'headers.authorization'];

export function createLogger(name: string, level = 'info'): Logger {
  return pino({ name, level, redact: { paths: REDACT, censor: '[redacted]' }, base: { svc: name } });
}
