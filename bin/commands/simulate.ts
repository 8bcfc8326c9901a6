/**
 * `tower simulate`: publish the seed article's operating scenario — back-filled history or a live feed —
 * with injected incidents whose ground truth can be written to a file for scoring detectors.
 */
import { writeFileSync } from 'node:fs';
import { createAllocationClient } from '../../allocation/client.ts';
import cliProgress from 'cli-progress';
import { connectNats } from '../../runtime/nats.ts';
import { createLogger } from '../../runtime/logger.ts';
import { loadSimulatorConfig } from '../../simulator/config.ts';
import { defaultBackfillStart, runSimulation, SIMULATION_DEFAULTS as D, type SimulationMode, type SimulationResult }
  from '../../simulator/run.ts';
import { numberOption, parseOptions, UsageError, type Command } from '../command.ts';

export const simulate: Command = {
  name: 'simulate',
  summary: 'publish the operating scenario: back-filled history or a live feed, with injected incidents',
  help: `Usage: tower simulate [options]

Generates internally consistent events (orders, stock, carriers, returns, purchase orders, warehouse) for a
brand selling on dtc-web, two marketplaces and a wholesale portal from wh-east and 3pl-west, and publishes
them to ops.<type> with msgID = event id. The same seed and window give the same events and ids, so
re-running a back-fill is harmless. Incidents (feed delay, supplier delay, late pickup, shrink, returns
surge) are injected at seeded times; --ground-truth writes them as JSON.

Options:
  --mode live|backfill   backfill: publish N days of history as fast as possible; live: play from now
                         (default: ${D.mode})
  --seed N               scenario seed (default: ${D.seed})
  --days N               back-fill: days of history, ending at today's UTC midnight (default: ${D.days})
  --start ISO            back-fill: first instant instead (e.g. 2026-11-01T00:00:00Z)
  --orders-per-day N     back-fill: mean orders a day before promotions (default: ${D.ordersPerDay})
  --rate N               live: mean events per second (default: ${D.rate})
  --speed N              live: simulated seconds per second; 60 = one simulated minute a second (default: ${D.speed})
  --count N              stop after N messages, malformed ones included (default: no limit)
  --malformed F          add F malformed payloads per event, 0–1, e.g. 0.01 (default: ${D.malformed})
  --skus N               catalog size (default: ${D.skus})
  --ground-truth FILE    write the injected incidents to FILE as JSON (default: not written)
  --nats URL             NATS server (default: NATS_URL, else nats://127.0.0.1:4222)
  --allocate             reserve, commit and release the simulated orders through the allocation service
                         (alloc.<op> on the same NATS), as an OMS would; npm start turns it on
  -h, --help             show this help

Examples:
  tower simulate --mode backfill --days 2 --seed 7 --ground-truth truth.json
  tower simulate --mode live --rate 500 --speed 60 --malformed 0.01`,
  async run(args) {
    const { values } = parseOptions(args, {
      mode: { type: 'string' }, seed: { type: 'string' }, days: { type: 'string' }, start: { type: 'string' },
      'orders-per-day': { type: 'string' }, rate: { type: 'string' }, speed: { type: 'string' }, count: { type: 'string' },
      malformed: { type: 'string' }, skus: { type: 'string' }, 'ground-truth': { type: 'string' }, nats: { type: 'string' },
      allocate: { type: 'boolean', default: false },
    });
    const mode = (values.mode ?? D.mode) as SimulationMode;
    if (mode !== 'live' && mode !== 'backfill') throw new UsageError(`--mode must be live or backfill, got ${values.mode}`);
    const days = numberOption('days', values.days, D.days, 0.01, 3650);
    let start: number | undefined;
    if (values.start !== undefined) {
      start = Date.parse(values.start);
      if (!Number.isFinite(start) || !/[zZ]|[+-]\d\d:\d\d$/.test(values.start)) {
        throw new UsageError(`--start must be an ISO-8601 instant with an offset, got ${values.start}`);
      }
    }
    const count = values.count === undefined ? undefined : numberOption('count', values.count, 0, 1);
    const seed = numberOption('seed', values.seed, D.seed, 0, 0xffff_ffff);
    const rate = numberOption('rate', values.rate, D.rate, 0.01, 1_000_000);
    const speed = numberOption('speed', values.speed, D.speed, 0.001, 1_000_000);
    const cfg = loadSimulatorConfig();
    const log = createLogger('simulator', cfg.LOG_LEVEL);
    const nc = await connectNats({ url: values.nats ?? cfg.NATS_URL, name: `tower-simulate-${mode}`, log });
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);

    const bar = mode === 'backfill' && process.stdout.isTTY
      ? new cliProgress.SingleBar({ format: 'backfill [{bar}] {percentage}% | {published} msgs | {rate}/s | at {at}' },
        cliProgress.Presets.shades_classic)
      : undefined;
    bar?.start(1000, 0, { published: 0, rate: 0, at: '' });
    if (mode === 'live') log.info({ rate, speed, seed }, 'live simulation started');
    let result: SimulationResult;
    try {
      result = await runSimulation({
        nc, mode, days, start: start ?? (mode === 'backfill' ? defaultBackfillStart(days) : undefined), count,
        seed, rate, speed,
        malformed: numberOption('malformed', values.malformed, D.malformed, 0, 1),
        skus: numberOption('skus', values.skus, D.skus, 10, 1_000_000),
        ordersPerDay: numberOption('orders-per-day', values['orders-per-day'], D.ordersPerDay, 1, 100_000_000),
        signal: controller.signal, log,
        ...(values.allocate ? { allocation: createAllocationClient({ nc }) } : {}),
        onProgress: (p) => bar?.update(Math.round((Number.isNaN(p.fraction) ? 0 : p.fraction) * 1000),
          { published: p.published, rate: Math.round(p.eventsPerSecond), at: p.simulatedAt.slice(0, 16) }),
      });
    } finally {
      bar?.stop();
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      await nc.drain().catch(() => undefined);
    }
    if (values['ground-truth']) writeFileSync(values['ground-truth'], JSON.stringify(result.incidents, null, 2) + '\n');
    console.log(summary(result, values['ground-truth']));
    if (mode === 'live') log.info({ published: result.published, aborted: result.aborted }, 'live simulation stopped');
    return 0;
  },
};

function summary(r: SimulationResult, truthFile: string | undefined): string {
  const valid = Object.values(r.counts).reduce((a, b) => a + (b ?? 0), 0);
  const bad = Object.values(r.malformed).reduce((a, b) => a + (b ?? 0), 0);
  const lines = [
    `${r.aborted ? 'stopped' : 'done'}: ${valid} event(s) from ${r.start} to ${r.simulatedUntil}` +
      ` in ${(r.elapsedMs / 1000).toFixed(1)} s (${Math.round((valid + bad) / Math.max(0.001, r.elapsedMs / 1000))} msgs/s)` +
      (r.duplicates ? `, ${r.duplicates} already in the stream` : ''),
    '', 'events per family:',
    ...Object.entries(r.families).map(([f, n]) => `  ${f.padEnd(16)} ${String(n).padStart(10)}`),
  ];
  if (bad) lines.push('', `malformed payloads: ${bad}`, ...Object.entries(r.malformed).map(([k, n]) => `  ${k.padEnd(16)} ${String(n).padStart(10)}`));
  lines.push('', `incidents (${r.incidents.length})${truthFile ? `, written to ${truthFile}` : ''}:`,
    ...r.incidents.map((i) => `  ${i.startsAt.slice(0, 16)} → ${i.endsAt.slice(0, 16)}  ${i.kind.padEnd(15)} ${i.description}`));
  return lines.join('\n');
}
