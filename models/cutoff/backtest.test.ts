/**
 * The simulator's injected late pickups (ground truth) must be ranked high by the backtest: the history before
 * the split holds at least one earlier late pickup to learn from, the orders after it hold the injected one.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import type { OpsEvent } from '../../contracts/index.ts';
import { createScenario } from '../../simulator/scenario.ts';
import type { GroundTruthIncident } from '../../simulator/incidents.ts';
import { loadTf, type Tf } from '../tf.ts';
import { runCutoffBacktest, type BacktestReport } from './backtest.ts';
import { auc } from './metrics.ts';
import { LABEL_DELAY_MS } from './train.ts';

const HOUR = 3_600_000;
let tf: Tf;
let events: OpsEvent[];
let injected: GroundTruthIncident;
let split: number;

beforeAll(async () => {
  ({ tf } = await loadTf());
  // Four days, ~160k events (~2 s): two 2-day incident cycles, each with one late pickup.
  const scenario = createScenario({ seed: 7, start: '2026-03-02T00:00:00Z', days: 4, ordersPerDay: 4000 });
  events = [...scenario.events()];
  const late = scenario.groundTruth().filter((i) => i.kind === 'late_pickup');
  injected = late[late.length - 1];
  // Split the evening before the injected late pickup (its startsAt is the cutoff it misses).
  split = Date.parse(injected.startsAt) - 12 * HOUR;
  expect(late.filter((i) => Date.parse(i.startsAt) + LABEL_DELAY_MS <= split).length).toBeGreaterThan(0);
});

const metric = (r: BacktestReport, checkpoint: string, method: string) =>
  r.results.find((x) => x.checkpoint === checkpoint && x.method === method)!.metrics;

describe('cutoff backtest on the simulator', () => {
  test('injected cutoff misses are ranked high: AUC ≥ 0.85 fifteen minutes before the cutoff', async () => {
    const report = await runCutoffBacktest(events, { tf, seed: 1, split });
    try {
      const model = metric(report, '15m', 'model');
      expect(model.n).toBeGreaterThan(500);
      expect(model.auc).toBeGreaterThanOrEqual(0.85);
      expect(model.auc).toBeGreaterThan(metric(report, '15m', 'rule').auc);
      expect(model.auc).toBeGreaterThan(metric(report, '15m', 'base-rate').auc);
      expect(model.brier).toBeLessThan(metric(report, '15m', 'base-rate').brier);

      // The injected incident's own orders, against every order that made its cutoff.
      const at15 = report.predictions.filter((p) => p.checkpoint === '15m');
      const hit = at15.filter((p) => p.site === injected.site && p.carrier === injected.carrier
        && Date.parse(p.promisedShipBy) === Date.parse(injected.startsAt));
      const made = at15.filter((p) => p.missed === 0);
      expect(hit.length).toBeGreaterThan(100);
      expect(hit.every((p) => p.missed === 1)).toBe(true);
      const p = [...hit, ...made].map((x) => x.pMiss), y = [...hit.map(() => 1), ...made.map(() => 0)];
      expect(auc(p, y)).toBeGreaterThanOrEqual(0.95);
      expect(hit.filter((x) => x.pMiss > 0.5).length / hit.length).toBeGreaterThan(0.9);

      // Every checkpoint is reported for the three methods, with finite numbers.
      expect(report.results).toHaveLength(5 * 3);
      for (const r of report.results) expect(Number.isFinite(r.metrics.brier)).toBe(true);
    } finally { report.model.dispose(); }
  });

  test('order-level events alone (created with promisedShipBy, shipped with handoffAt) are enough to backtest', async () => {
    const orderLevel = events.filter((e) => e.type === 'orders.created' || e.type === 'orders.shipped');
    const report = await runCutoffBacktest(orderLevel, { tf, seed: 1, split });
    try {
      // No pickup events: trucks are inferred from the handoffs of each site × promisedShipBy.
      expect(report.train.truckLateOrders).toBeGreaterThan(0);
      expect(report.test.orders).toBeGreaterThan(1000);
      expect(report.predictions.every((p) => p.carrier === undefined && Number.isFinite(p.pMiss))).toBe(true);
      // The injected late truck shows as a cutoff with nothing handed off 15 minutes before it.
      expect(metric(report, '15m', 'model').auc).toBeGreaterThanOrEqual(0.85);
    } finally { report.model.dispose(); }
  });
});
