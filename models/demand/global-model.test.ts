/** The global model's shapes and determinism, the trained demand model's API, and its files on disk. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadTf, type Tf } from '../tf.ts';
import { featureWidth } from './features.ts';
import { buildNet, predictGlobal, trainGlobalModel, type GlobalConfig } from './global-model.ts';
import { seededRandom } from './random.ts';
import type { DemandSeries, Forecast } from './series.ts';
import { loadDemandModel, saveDemandModel } from './store.ts';
import { forecastDemand, trainDemandModel } from './train.ts';

/** Poisson demand with a weekly shape and a level per series; a few series are intermittent. */
function syntheticSeries(o: { n: number; length: number; seed: number; grain?: 'day' | 'week' }): DemandSeries[] {
  const random = seededRandom(o.seed);
  const poisson = (mean: number) => { let k = 0, p = Math.exp(-mean), cdf = p; const u = random(); while (u > cdf && k < 500) { k++; p *= mean / k; cdf += p; } return k; };
  return Array.from({ length: o.n }, (_, i) => {
    const level = i % 5 === 0 ? 0.3 : 1 + 20 * random();
    const values = Array.from({ length: o.length }, (_, t) => poisson(level * (o.grain === 'week' ? 7 : t % 7 === 5 ? 1.5 : 1)));
    return { id: `S${i}`, start: '2026-01-05', grain: o.grain ?? 'day', values };
  });
}

const config: GlobalConfig = { grain: 'day', lags: 14, horizon: 14, hidden: [16] };
let tf: Tf;
beforeAll(async () => { ({ tf } = await loadTf()); });

describe('global model', () => {
  const series = syntheticSeries({ n: 40, length: 60, seed: 3 });
  const train = (seed: number) => trainGlobalModel({ tf, series, config, seed, epochs: 2, maxWindows: 1200 });

  test('the network maps a row of features to H means and a slope and offset per quantile', () => {
    const net = buildNet(tf, config, 1);
    expect(net.inputs[0].shape).toEqual([null, featureWidth(config)]);
    expect(net.outputs[0].shape).toEqual([null, 14 + 6]);
  });

  test('the same seed gives the same predictions; another seed does not', async () => {
    const a = predictGlobal(await train(7), series);
    const b = predictGlobal(await train(7), series);
    const c = predictGlobal(await train(8), series);
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });

  test('one forecast per series, H periods each, quantiles ordered and non-negative', async () => {
    const forecasts = predictGlobal(await train(7), series);
    expect(forecasts).toHaveLength(40);
    for (const f of forecasts) {
      for (const key of ['mean', 'p10', 'p50', 'p90'] as const) expect(f[key]).toHaveLength(14);
      f.p10.forEach((p10, h) => {
        expect(p10).toBeGreaterThanOrEqual(0);
        expect(f.p50[h]).toBeGreaterThanOrEqual(p10);
        expect(f.p90[h]).toBeGreaterThanOrEqual(f.p50[h]);
      });
    }
  });
});

describe('trainDemandModel / forecastDemand', () => {
  const series = syntheticSeries({ n: 30, length: 56, seed: 5 });
  const small = { epochs: 2, refitEpochs: 1, maxWindows: 800, seed: 11 };

  test('a method per series, forecasts from the day after the history, metadata filled in', async () => {
    const model = await trainDemandModel({ series, ...small });
    expect(Object.keys(model.choice)).toHaveLength(30);
    expect(model.metadata.dataWindow).toEqual({ from: '2026-01-05', to: '2026-03-01' });
    expect(model.metadata.selection.rmsse.snaive).toBeGreaterThan(0);
    const newSku: DemandSeries = { id: 'NEW', start: '2026-02-25', grain: 'day', values: [2, 0, 3, 1, 4] };
    const unsold: DemandSeries = { id: 'EMPTY', start: '2026-03-02', grain: 'day', values: [] };
    const out = forecastDemand(model, [...series, newSku, unsold]);
    expect(out[0]).toMatchObject({ id: 'S0', start: '2026-03-02', method: model.choice.S0 });
    expect(out[30]).toMatchObject({ id: 'NEW', start: '2026-03-02', method: 'global' });
    expect(out[31]).toMatchObject({ method: 'zero', mean: new Array(14).fill(0) });
    expect(out[30].mean.every((x) => x > 0)).toBe(true);
  });

  test('saved and loaded, the model forecasts the same numbers', async () => {
    const model = await trainDemandModel({ series, ...small });
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'ct-demand-')), 'model');
    await saveDemandModel(model, dir);
    const loaded = await loadDemandModel(dir, { tf });
    expect(loaded.metadata).toEqual(model.metadata);
    expect(loaded.choice).toEqual(model.choice);
    const strip = (fs: Forecast[]) => fs.map(({ mean, p10, p50, p90 }) => ({ mean, p10, p50, p90 }));
    expect(strip(forecastDemand(loaded, series))).toEqual(strip(forecastDemand(model, series)));
  });

  test('histories shorter than the horizon: nothing to train the global model on, TSB stands in', async () => {
    const short = series.map((s) => ({ ...s, values: s.values.slice(0, 10) }));
    const model = await trainDemandModel({ series: short, ...small });
    expect(model.fallback).toBe('tsb');
    expect(new Set(Object.values(model.choice))).toEqual(new Set(['tsb']));
    expect(forecastDemand(model, short)[1].mean.every((x) => Number.isFinite(x))).toBe(true);
  });

  test('a malformed series is refused with its id and the reason', async () => {
    const bad = [...series.slice(0, 3), { id: 'X', start: '2026-01-05', grain: 'day' as const, values: [1, NaN, 2] }];
    await expect(trainDemandModel({ series: bad, ...small })).rejects.toThrow('series "X": values[1] is NaN, not a number ≥ 0');
  });

  test('weekly grain: 8 weeks ahead, naive as the seasonal baseline', async () => {
    const weekly = syntheticSeries({ n: 20, length: 40, seed: 9, grain: 'week' });
    const model = await trainDemandModel({ series: weekly, ...small });
    expect(model.horizon).toBe(8);
    const out = forecastDemand(model, weekly);
    expect(out[0].mean).toHaveLength(8);
    expect(out[0].start).toBe('2026-10-12'); // 2026-01-05 + 40 weeks
  });
});
