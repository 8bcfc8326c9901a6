/**
 * The forecaster against the simulator's demand: 84 days of orders for 150 SKUs at two sites (300 series), the
 * last 14 days held out. The chosen forecaster must beat the seasonal naive by ≥ 10% RMSSE there, and so must
 * the global TF.js model on its own. Training is cut down (4,000 windows, 6 + 2 epochs) to stay within seconds;
 * the full defaults do better (see the backtest figures in methods.ts).
 */
import { describe, expect, test } from 'vitest';
import { covered, meanFinite, rmsse } from '../backtest/metrics.ts';
import { seasonalNaive } from './baselines.ts';
import { predictGlobal } from './global-model.ts';
import { truncateSeries } from './series.ts';
import { simulatedDemand } from './simulated-history.ts';
import { forecastDemand, trainDemandModel } from './train.ts';

const H = 14;

describe('demand forecast on simulated history', () => {
  test('beats the seasonal naive by at least 10% RMSSE on the held-out 14 days', async () => {
    const all = simulatedDemand({ seed: 11, start: '2026-01-05', days: 84, skus: 150, ordersPerDay: 1000 });
    expect(all).toHaveLength(300);
    const n = 84 - H;
    // History up to the holdout; promotions are kept into it (planned in advance, as a promotion calendar is).
    const train = all.map((s) => truncateSeries(s, n, H));
    const actual = all.map((s) => s.values.slice(n));
    const model = await trainDemandModel({ series: train, seed: 1, maxWindows: 4000, epochs: 6, refitEpochs: 2 });
    const chosen = forecastDemand(model, train);
    const global = predictGlobal(model.global, train);
    const naive = train.map((s) => seasonalNaive(s.values, { horizon: H, season: 7 }));

    const score = (fs: { mean: number[] }[]) => meanFinite(fs.map((f, i) => rmsse(train[i].values, actual[i], f.mean)));
    const naiveRmsse = score(naive);
    expect(naiveRmsse.n).toBeGreaterThan(290);
    const ratio = score(chosen).mean / naiveRmsse.mean;
    const globalRatio = score(global).mean / naiveRmsse.mean;
    console.log(`held-out RMSSE: seasonal naive ${naiveRmsse.mean.toFixed(3)}, chosen ${score(chosen).mean.toFixed(3)}` +
      ` (×${ratio.toFixed(3)}), global ${score(global).mean.toFixed(3)} (×${globalRatio.toFixed(3)})`);
    expect(ratio).toBeLessThanOrEqual(0.9);
    expect(globalRatio).toBeLessThanOrEqual(0.9);

    // The quantiles mean something: P10–P90 holds most actuals, not all (nominal 80%).
    const inside = chosen.reduce((sum, f, i) => sum + covered(actual[i], f.p10, f.p90), 0) / (300 * H);
    expect(inside).toBeGreaterThan(0.65);
    expect(inside).toBeLessThan(0.95);
  });
});
