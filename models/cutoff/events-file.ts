/**
 * Reading a history for the cutoff model from NDJSON: one contract event per line, validated with parseEvent
 * (contracts/events.ts). Bad lines are reported with their number and reason and skipped; events the model does
 * not read (stock, returns, purchase orders…) are validated and dropped, so a month of history fits in memory.
 */
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseEvent, type OpsEvent } from '../../contracts/index.ts';
import { CUTOFF_EVENT_TYPES } from './feature-builder.ts';

export interface ReadEventsOptions {
  /** Called for each bad line (1-based number); return false to stop reading. */
  onBadLine?: (line: number, reason: string) => boolean | void;
  /** Called every 4,096 lines with the bytes read so far and the file size. */
  onProgress?: (bytes: number, size: number) => void;
}

export interface ReadEventsResult {
  events: OpsEvent[];
  lines: number;
  valid: number;
  bad: number;
  stopped: boolean;
}

export async function readEventsFile(file: string, o: ReadEventsOptions = {}): Promise<ReadEventsResult> {
  const size = statSync(file).size;
  const events: OpsEvent[] = [];
  let lines = 0, valid = 0, bad = 0, bytes = 0, stopped = false;
  const input = createReadStream(file, { encoding: 'utf8' });
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    lines++;
    bytes += Buffer.byteLength(line) + 1;
    if ((lines & 0xfff) === 0) o.onProgress?.(bytes, size);
    if (line.trim() === '') continue;
    let json: unknown;
    try { json = JSON.parse(line); } catch (err) {
      bad++;
      if (o.onBadLine?.(lines, `invalid JSON: ${(err as Error).message}`) === false) { stopped = true; break; }
      continue;
    }
    const r = parseEvent(json);
    if (!r.ok) {
      bad++;
      if (o.onBadLine?.(lines, r.reason) === false) { stopped = true; break; }
      continue;
    }
    valid++;
    if (CUTOFF_EVENT_TYPES.has(r.event.type)) events.push(r.event);
  }
  input.destroy();
  o.onProgress?.(size, size);
  return { events, lines, valid, bad, stopped };
}
