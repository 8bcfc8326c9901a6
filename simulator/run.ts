/**
 * Run the scenario against NATS: back-fill a window of history as fast as JetStream acks, or play it live from
 * now at `speed`× time, sized so the mean rate is `rate` events/s. Publishes through the bounded publisher
 * (msgID = event id), optionally mixing in malformed payloads, and stops cleanly on the AbortSignal: what was
 * handed to the publisher is flushed before returning. The counts it returns are what JetStream accepted.
 */
import { subjectFor, type OpsEventType, type Family, FAMILIES, familyOf } from '../contracts/index.ts';
import { createPublisher, type Publishable } from '../ingest/publish.ts';
import { ensureStreams } from '../ingest/streams.ts';
import type { Logger } from '../runtime/logger.ts';
import type { NatsConnection } from '../runtime/nats.ts';
import type { GroundTruthIncident } from './incidents.ts';
import { malform, type MalformedKind } from './malformed.ts';
import { Random, deriveSeed } from './random.ts';
import { createScenario, DEFAULT_ORDERS_PER_DAY, DEFAULT_SKUS, EVENTS_PER_ORDER } from './scenario.ts';
import { DAY } from './time-zones.ts';
import type { AllocationClient } from '../allocation/client.ts';
import { createAllocationBridge } from './allocation.bridge.ts';

export type SimulationMode = 'backfill' | 'live';

export const SIMULATION_DEFAULTS = {
  mode: 'backfill' as SimulationMode, seed: 1, days: 7, rate: 200, speed: 60, malformed: 0,
  skus: DEFAULT_SKUS, ordersPerDay: DEFAULT_ORDERS_PER_DAY,
};

export interface SimulationOptions {
  nc: NatsConnection;
  mode: SimulationMode;
  seed: number;
  /** Back-fill: days of history (default 7). */
  days?: number;
  /** Back-fill: first instant (default: UTC midnight `days` days ago, so a re-run the same day repeats it). */
  start?: number | string | Date;
  /** Live: mean events per second (default 200); it sizes the business, the diurnal profile shapes it. */
  rate?: number;
  /** Live: simulated seconds per wall second (default 60: one simulated minute per second). */
  speed?: number;
  /** Stop after this many messages, malformed ones included (default: no limit). */
  count?: number;
  /** Extra malformed payloads per valid event, 0–1 (default 0). */
  malformed?: number;
  skus?: number;
  /** Back-fill volume (default 20,000 orders a day). */
  ordersPerDay?: number;
  signal?: AbortSignal;
  onProgress?: (p: SimulationProgress) => void;
  log?: Logger;
  maxInFlight?: number;
  /** Reserve, commit and release the simulated orders through this allocation service (as an OMS would). */
  allocation?: AllocationClient;
}

export interface SimulationProgress {
  published: number;
  /** Share of the window (or of --count) done, 0–1; NaN for an endless live run. */
  fraction: number;
  simulatedAt: string;
  eventsPerSecond: number;
}

export interface SimulationResult {
  /** Valid events published, per type. */
  counts: Partial<Record<OpsEventType, number>>;
  families: Record<Family, number>;
  malformed: Partial<Record<MalformedKind, number>>;
  /** Messages handed to JetStream (valid + malformed) and how many it reported as duplicates. */
  published: number;
  duplicates: number;
  incidents: GroundTruthIncident[];
  start: string;
  simulatedUntil: string;
  elapsedMs: number;
  aborted: boolean;
}

/** UTC midnight `days` days before today: the default back-fill start. */
export function defaultBackfillStart(days: number, now = Date.now()): number {
  return Math.floor(now / DAY) * DAY - Math.ceil(days) * DAY;
}

/** Batch size handed to publishMany: one socket flush per batch, not per event. */
const BATCH = 500;
const PROGRESS_EVERY_MS = 250;
const LIVE_LOG_EVERY_MS = 10_000;

export async function runSimulation(o: SimulationOptions): Promise<SimulationResult> {
  const live = o.mode === 'live';
  const d = SIMULATION_DEFAULTS;
  const days = o.days ?? d.days;
  const speed = o.speed ?? d.speed;
  const rate = o.rate ?? d.rate;
  const limit = o.count ?? Infinity;
  const malformedShare = o.malformed ?? d.malformed;
  const start = live ? Date.now() : o.start !== undefined ? toMs(o.start) : defaultBackfillStart(days);
  // Live: orders a day such that the mean event rate at this speed is `rate`.
  const ordersPerDay = live ? (rate * 86_400) / speed / EVENTS_PER_ORDER : o.ordersPerDay ?? d.ordersPerDay;
  const scenario = createScenario({ seed: o.seed, start, days: live ? undefined : days, skus: o.skus ?? d.skus, ordersPerDay });

  await ensureStreams(o.nc);
  const publisher = createPublisher({ nc: o.nc, maxInFlight: o.maxInFlight });
  const rng = new Random(deriveSeed(o.seed, 'malformed'));
  const counts: Partial<Record<OpsEventType, number>> = {};
  const malformed: Partial<Record<MalformedKind, number>> = {};
  const batch: Publishable[] = [];
  const bridge = o.allocation ? createAllocationBridge(o.allocation, (msg) => o.log?.warn({ msg }, 'allocation call failed')) : undefined;
  const wall0 = Date.now();
  let sent = 0;
  let lastProgress = 0;
  let lastLog = wall0;
  let incidentsSeen = 0;
  let completed = true;

  const progress = (force = false) => {
    const t = Date.now();
    if (!force && t - lastProgress < PROGRESS_EVERY_MS) return;
    lastProgress = t;
    const windowDone = live ? NaN : (scenario.now - scenario.start) / (scenario.end - scenario.start);
    const countDone = Number.isFinite(limit) ? sent / limit : NaN;
    o.onProgress?.({
      published: sent, fraction: Math.min(1, Number.isNaN(windowDone) ? countDone : Math.max(windowDone, countDone || 0)),
      simulatedAt: new Date(scenario.now).toISOString(), eventsPerSecond: sent / Math.max(0.001, (t - wall0) / 1000),
    });
    if (live && t - lastLog >= LIVE_LOG_EVERY_MS) {
      lastLog = t;
      const eventsPerSecond = Math.round(sent / ((t - wall0) / 1000));
      // How far behind the simulated clock publishing runs (NATS slower than the requested rate).
      const lagMs = Math.max(0, Math.round(t - (wall0 + (scenario.now - start) / speed)));
      o.log?.info({ published: sent, eventsPerSecond, lagMs, simulatedAt: new Date(scenario.now).toISOString(),
        ...(bridge ? { allocation: bridge.stats } : {}) }, 'simulating');
      const truth = scenario.groundTruth(scenario.now);
      for (const inc of truth.slice(incidentsSeen)) o.log?.info({ incident: inc }, 'incident injected');
      incidentsSeen = truth.length;
    }
  };

  const send = async () => {
    await publisher.publishMany(batch);
    batch.length = 0;
  };

  try {
    for (const ev of scenario.events()) {
      if (o.signal?.aborted) { completed = false; break; }
      if (live) {
        const wait = wall0 + (scenario.now - start) / speed - Date.now();
        if (wait > 5) {
          await send();
          await sleep(wait, o.signal);
          if (o.signal?.aborted) { completed = false; break; }
        }
      }
      batch.push({ subject: subjectFor(ev.type), id: ev.id, data: JSON.stringify(ev) });
      if (bridge) {
        // The order's own event goes out first: a reservation must not reach the ledger before its order.
        if (ev.type === 'orders.allocated' || ev.type === 'orders.shipped' || ev.type === 'orders.cancelled') await send();
        await bridge.observe(ev);
      }
      counts[ev.type] = (counts[ev.type] ?? 0) + 1;
      sent++;
      if (malformedShare > 0 && sent < limit && rng.chance(malformedShare)) {
        const bad = malform(ev, rng);
        batch.push(bad);
        malformed[bad.kind] = (malformed[bad.kind] ?? 0) + 1;
        sent++;
      }
      if (batch.length >= BATCH) { await send(); progress(); }
      if (sent >= limit) { completed = false; break; }
    }
  } finally {
    // Whatever was handed over is flushed, on abort too: a stopped run still reports what JetStream holds.
    await send().catch(() => undefined);
    await bridge?.settle();
    await publisher.flush().finally(() => progress(true));
  }

  const families = Object.fromEntries(FAMILIES.map((f) => [f, 0])) as Record<Family, number>;
  for (const [type, n] of Object.entries(counts)) families[familyOf(type)!] += n;
  return {
    counts, families, malformed, published: publisher.published + publisher.duplicates, duplicates: publisher.duplicates,
    incidents: scenario.groundTruth(completed && !live ? scenario.end : scenario.now),
    start: new Date(start).toISOString(), simulatedUntil: new Date(scenario.now).toISOString(),
    elapsedMs: Date.now() - wall0, aborted: o.signal?.aborted ?? false,
  };
}

function toMs(t: number | string | Date): number {
  const ms = typeof t === 'number' ? t : new Date(t).getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`invalid start: ${String(t)}`);
  return ms;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => { clearTimeout(timer); signal?.removeEventListener('abort', done); resolve(); };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
