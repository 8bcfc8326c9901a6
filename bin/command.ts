/** The shape of a `tower` sub-command: its own --help text and a run() that returns the exit code. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface Command {
  name: string;
  summary: string;
  /** Full --help text: usage line, options with defaults, an example. */
  help: string;
  run(args: string[]): Promise<number>;
}

export class UsageError extends Error {}

/** parseArgs with strict checking; an unknown or malformed option becomes a UsageError naming it. */
export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** Parse a numeric option, failing with the option's name. */
export function numberOption(name: string, raw: string | undefined, def: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (raw === undefined) return def;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${name} must be a number between ${min} and ${max}, got ${raw}`);
  return n;
}
