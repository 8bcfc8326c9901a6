/**
 * `tower import FILE.ndjson`: publish contract events from a file, e.g. to replay a real history.
 * Each bad line is reported with its number and reason; good lines still go through.
 */
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import cliProgress from 'cli-progress';
import { parseEvent, subjectFor } from '../../contracts/index.ts';
import { createPublisher } from '../../ingest/publish.ts';
import { ensureStreams } from '../../ingest/streams.ts';
import { connectNats } from '../../runtime/nats.ts';
import { numberOption, parseOptions, UsageError, type Command } from '../command.ts';
import { loadTowerConfig } from '../config.ts';

export const importCommand: Command = {
  name: 'import',
  summary: 'publish contract events from an NDJSON file (one event per line)',
  help: `Usage: tower import FILE.ndjson [options]

Validates every line against the event contracts (contracts/, JSON Schema in contracts/json-schema/) and
publishes the valid ones to ops.<type> with msgID = event id, so importing the same file twice is harmless
within JetStream's duplicate window (2 min) and deduplicated by ClickHouse after it.
Bad lines are reported as FILE:LINE: reason and skipped; the exit code is 3 when any line was bad.

Options:
  --nats URL          NATS server (default: NATS_URL, else nats://127.0.0.1:4222)
  --dry-run           validate only, publish nothing
  --max-errors N      stop after N bad lines (default: 1000)
  --quiet             do not print each bad line, only the summary
  -h, --help          show this help

Example:
  tower import history/2026-11.ndjson --max-errors 50`,
  async run(args) {
    const { values, positionals } = parseOptions(args, {
      nats: { type: 'string' }, 'dry-run': { type: 'boolean', default: false },
      'max-errors': { type: 'string' }, quiet: { type: 'boolean', default: false },
    });
    const file = positionals[0];
    if (!file) throw new UsageError('FILE is required');
    let size: number;
    try { size = statSync(file).size; } catch { throw new UsageError(`cannot read ${file}`); }
    const maxErrors = numberOption('max-errors', values['max-errors'], 1000, 1);
    const cfg = loadTowerConfig();
    const nc = values['dry-run'] ? undefined : await connectNats({ url: values.nats ?? cfg.NATS_URL, name: 'tower-import' });
    if (nc) await ensureStreams(nc);
    const publisher = nc ? createPublisher({ nc }) : undefined;
    const bar = process.stderr.isTTY ? new cliProgress.SingleBar({ format: 'import [{bar}] {percentage}% | {good} ok, {bad} bad' },
      cliProgress.Presets.shades_classic) : undefined;
    bar?.start(size, 0, { good: 0, bad: 0 });
    let lineNo = 0, good = 0, bad = 0, bytes = 0;
    const stream = createReadStream(file, { encoding: 'utf8' });
    for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
      lineNo++;
      bytes += Buffer.byteLength(line) + 1;
      if (line.trim() === '') continue;
      const reason = checkLine(line);
      if (typeof reason === 'string') {
        bad++;
        if (!values.quiet) { bar?.stop(); console.error(`${file}:${lineNo}: ${reason}`); }
        if (bad >= maxErrors) { console.error(`stopping after ${bad} bad lines (--max-errors)`); break; }
        continue;
      }
      await publisher?.publish({ subject: subjectFor(reason.type), id: reason.id, data: line });
      good++;
      if (lineNo % 1000 === 0) bar?.update(bytes, { good, bad });
    }
    await publisher?.flush();
    bar?.update(size, { good, bad });
    bar?.stop();
    await nc?.drain();
    const dup = publisher?.duplicates ?? 0;
    console.log(`${values['dry-run'] ? 'validated' : 'published'} ${good} event(s)${dup ? ` (${dup} already in the stream)` : ''}, ${bad} bad line(s), ${lineNo} line(s) read`);
    return bad > 0 ? 3 : 0;
  },
};

/** The reason a line is not a valid event, or the event's routing fields. */
function checkLine(line: string): string | { type: string; id: string } {
  let input: unknown;
  try { input = JSON.parse(line); } catch (err) { return `invalid JSON: ${(err as Error).message}`; }
  const r = parseEvent(input);
  return r.ok ? { type: r.event.type, id: r.event.id } : r.reason;
}
