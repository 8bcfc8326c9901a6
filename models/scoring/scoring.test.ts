/**
 * Training and scoring end to end on the real engines: three weeks of simulated history in ClickHouse, the
 * allocation service fed by the same stock events, `trainAll` stores a version of each model, `scoreOnce` writes
 * stockout, cutoff and anomaly scores to risk_scores and publishes them on NATS — and a second pass publishes
 * only what changed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createAllocationClient } from '../../allocation/client.ts';
import { DEFAULT_LOCATIONS } from '../../allocation/locations.ts';
import { startAllocationService, type AllocationService } from '../../allocation/service.ts';
import { insertJsonLines, selectRows } from '../../clickhouse/client.ts';
import { EVENT_TABLES, eventRowLine } from '../../clickhouse/event-rows.ts';
import { RiskScoreSchema, familyOf, type OpsEvent, type RiskScore } from '../../contracts/index.ts';
import { createLogger } from '../../runtime/logger.ts';
import { publishEvents, startBackbone, waitFor, type Backbone } from '../../test/backbone.ts';
import { createScenario } from '../../simulator/scenario.ts';
import { listVersions } from '../registry/registry.ts';
import { loadTf } from '../tf.ts';
import { scoreOnce, trainAll } from './run.ts';
import { ScoreChanges } from './score-changes.ts';

const DAY = 86_400_000;
const NOW = Math.floor(Date.now() / DAY) * DAY + 15 * 3_600_000; // today 15:00 UTC: the east coast's afternoon
let bb: Backbone;
let service: AllocationService;
let dir: string;
const log = createLogger('test', 'silent');

beforeAll(async () => {
  bb = await startBackbone();
  dir = mkdtempSync(path.join(tmpdir(), 'ct-models-'));
  const scenario = createScenario({ seed: 5, start: NOW - 21 * DAY, days: 21, skus: 40, ordersPerDay: 500 });
  const events: OpsEvent[] = [...scenario.events()];
  const byTable = new Map<string, string[]>();
  events.forEach((e, i) => {
    const t = EVENT_TABLES[familyOf(e.type)!];
    (byTable.get(t) ?? byTable.set(t, []).get(t)!).push(eventRowLine(e, i + 1, JSON.stringify(e)));
  });
  for (const [table, lines] of byTable) for (let i = 0; i < lines.length; i += 20_000) await insertJsonLines(bb.db, table, lines.slice(i, i + 20_000));
  service = await startAllocationService({ nc: bb.nc, log, locations: DEFAULT_LOCATIONS, instanceId: 'models-test', leaseMs: 1_000 });
  const stock = events.filter((e) => e.type.startsWith('stock.') || e.type.startsWith('purchase_orders.') || e.type.startsWith('returns.'));
  await publishEvents(bb.nc, stock);
  const client = createAllocationClient({ nc: bb.nc });
  await waitFor('stock applied', async () => {
    const p = await client.positions();
    return p.ok && p.result.positions.length >= 40;
  }, 30_000, 200);
}, 180_000);

afterAll(async () => {
  await service?.stop();
  await bb?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('trains every model into the registry, scores all three kinds, and publishes only changes', async () => {
  const { tf, backend } = await loadTf();
  const trained = await trainAll({ db: bb.db, dir, tf, backend, now: NOW, seed: 1, days: { demand: 21 } });
  expect(trained.demand?.version).toBe(1);
  expect(trained.cutoff?.version).toBe(1);
  expect(trained.anomalies?.version).toBe(1);
  expect((await listVersions({ dir, name: 'demand' }))[0]!.metrics.series).toBeGreaterThan(40);

  const received: RiskScore[] = [];
  const sub = bb.nc.subscribe('risk.>', { callback: (_e, m) => { received.push(RiskScoreSchema.parse(m.json())); } });
  const changes = new ScoreChanges({ nc: bb.nc });
  const allocation = createAllocationClient({ nc: bb.nc });
  const first = await scoreOnce({ db: bb.db, dir, tf, now: NOW, allocation, changes, log });
  const by = Object.fromEntries(first.map((s) => [s.kind, s]));
  expect(by.stockout!.skipped).toBeUndefined();
  expect(by.stockout!.scored).toBeGreaterThanOrEqual(40);
  expect(by.cutoff!.skipped).toBeUndefined();
  expect(by.anomaly!.skipped).toBeUndefined();

  const stored = await selectRows<{ kind: string; n: string }>(bb.db, 'count', 'SELECT kind, count() AS n FROM risk_scores GROUP BY kind');
  const counts = Object.fromEntries(stored.map((r) => [r.kind, Number(r.n)]));
  expect(counts.stockout).toBe(by.stockout!.scored);
  await bb.nc.flush();
  await waitFor('published', async () => received.length >= by.stockout!.published, 5_000, 20);
  const stockouts = received.filter((r) => r.kind === 'stockout');
  expect(stockouts.length).toBe(by.stockout!.scored); // first pass: everything is new
  expect(stockouts.every((r) => r.score >= 0 && r.score <= 1 && r.explanation.length > 0)).toBe(true);

  // Nothing changed: the second pass stores again but publishes (almost) nothing.
  const second = await scoreOnce({ db: bb.db, dir, tf, now: NOW, allocation, changes, log, only: ['stockout'] });
  expect(second[0]!.scored).toBe(by.stockout!.scored);
  expect(second[0]!.published).toBe(0);
  sub.unsubscribe();
}, 240_000);
