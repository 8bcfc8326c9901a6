import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { OpsEvent } from '../../contracts/index.ts';
import { createScenario } from '../../simulator/scenario.ts';
import { loadTf, type Tf } from '../tf.ts';
import { FEATURE_COUNT, FEATURE_NAMES } from './features.ts';
import { CutoffModel } from './model.ts';
import { Replayer, timeOrder, type TimedEvent } from './replay.ts';
import { CutoffScorer } from './scorer.ts';
import { trainCutoffModel } from './train.ts';

const START = '2026-03-02T00:00:00Z';
/** Train on the first 36 hours (a Monday and Tuesday morning), score Tuesday afternoon. */
const UNTIL = '2026-03-03T12:00:00Z';
let tf: Tf;
let timed: TimedEvent[];

beforeAll(async () => {
  ({ tf } = await loadTf());
  timed = timeOrder(createScenario({ seed: 3, start: START, days: 2, ordersPerDay: 2000 }).events());
});

const train = (seed: number) => trainCutoffModel(timed, { tf, seed, until: UNTIL, epochs: 3 });
const weights = (m: CutoffModel) => m.net.getWeights().flatMap((w) => Array.from(w.dataSync()));

describe('cutoff model', () => {
  test('the same seed gives the same weights and probabilities; another seed other weights', async () => {
    const a = await train(1), b = await train(1), c = await train(2);
    try {
      expect(weights(b)).toEqual(weights(a));
      expect(b.meta.calibration).toEqual(a.meta.calibration);
      expect(weights(c)).not.toEqual(weights(a));
      const rows = new Replayer(timed.slice(0, 20_000));
      rows.runUntil();
      const x = rows.rows.x.subarray(0, rows.rows.length * FEATURE_COUNT);
      expect(Array.from(b.pMiss(x, rows.rows.length, rows.rows.pTruck))).toEqual(Array.from(a.pMiss(x, rows.rows.length, rows.rows.pTruck)));
    } finally { [a, b, c].forEach((m) => m.dispose()); }
  });

  test('shapes: metadata, per-order risks and per-cutoff aggregates; save and load give the same scores', async () => {
    const model = await train(1);
    expect(model.meta.featureNames).toEqual([...FEATURE_NAMES]);
    expect(model.meta.mean).toHaveLength(FEATURE_COUNT);
    expect(model.meta.dataWindow.to).toBe(new Date(UNTIL).toISOString());
    expect(model.net.outputs[0].shape).toEqual([null, 1]);

    const scorer = new CutoffScorer({ model });
    const at = Date.parse('2026-03-03T20:30:00Z'); // 15:30 in New York, 12:30 in Los Angeles
    for (const { ev, ms } of timed) { if (ms > at) break; scorer.ingest(ev as OpsEvent); }
    const orders = scorer.scoreOrders({ at });
    expect(orders.length).toBeGreaterThan(100);
    for (const r of orders.slice(0, 50)) {
      expect(Object.keys(r).sort()).toEqual(['carrier', 'cutoffAt', 'minutesToCutoff', 'orderId', 'pFloor', 'pMiss', 'pMissBaseline',
        'pTruck', 'predictedCompletionAt', 'promisedShipBy', 'scoredAt', 'site'].sort());
      expect(r.pMiss).toBeGreaterThanOrEqual(0);
      expect(r.pMiss).toBeLessThanOrEqual(1);
      expect(r.cutoffAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0[578]:00$/);
      expect(r.scoredAt).toBe(new Date(at).toISOString());
    }
    expect(orders.map((r) => r.pMiss)).toEqual([...orders.map((r) => r.pMiss)].sort((a, b) => b - a));
    const cutoffs = scorer.scoreCutoffs({ at });
    expect(cutoffs.reduce((n, c) => n + c.openOrders, 0)).toBe(orders.length);
    const wave = cutoffs[0];
    const mine = orders.filter((r) => r.site === wave.site && r.carrier === wave.carrier && r.cutoffAt === wave.cutoffAt);
    expect(wave.expectedMisses).toBeCloseTo(mine.reduce((s, r) => s + r.pMiss, 0), 6);
    expect(wave.explanation).toContain(wave.site);

    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'ct-cutoff-')), 'model');
    await model.save(dir);
    expect(readdirSync(dir).sort()).toEqual(['metadata.json', 'model.json', 'weights.bin']);
    const loaded = await CutoffModel.load(dir, { tf });
    try {
      expect(loaded.meta).toEqual(model.meta);
      const again = new CutoffScorer({ model: loaded });
      for (const { ev, ms } of timed) { if (ms > at) break; again.ingest(ev as OpsEvent); }
      expect(again.scoreOrders({ at }).map((r) => r.pMiss)).toEqual(orders.map((r) => r.pMiss));
    } finally { loaded.dispose(); model.dispose(); }
  });
});
