/**
 * Training and scoring time of the SKU-location risk models at 50k SKU-locations (issue 4: train ≤ 2 min, score
 * ≤ 5 s on this machine), per stage: synthetic daily demand (90 days; weekly pattern, slow and intermittent
 * movers, promotions, Poisson noise — seeded), demand model training (global TF.js model + per-series method
 * choice by backtest), forecasting every series, and stockout risk for every SKU-location. Scoring = forecast +
 * stockout (what a scoring pass does per SKU-location). Also prints the TF.js backend and the limit it is held
 * to: a raw batched predict of the same network on the same rows, measured in the same run.
 * Run: npm run bench:models [-- --series N --days D --seed S]
 */
import { parseArgs } from 'node:util';
import { forecastDemand, trainDemandModel, type DemandSeries } from '../models/demand/index.ts';
import { buildStockoutInputs } from '../models/stockout/inputs.ts';
import { scoreStockout } from '../models/stockout/stockout.ts';
import { loadTf } from '../models/tf.ts';

const { values } = parseArgs({ options: { series: { type: 'string' }, days: { type: 'string' }, seed: { type: 'string' }, help: { type: 'boolean' } } });
if (values.help) {
  console.log('Usage: npm run bench:models [-- --series 50000 --days 90 --seed 1]\nPrints per-stage times and one JSON line {"bench":"models","trainSeconds":…,"scoreSeconds":…}.');
  process.exit(0);
}
const N = Number(values.series ?? 50_000);
const DAYS = Number(values.days ?? 90);
const SEED = Number(values.seed ?? 1);
const DAY = 86_400_000;

/** mulberry32: a small seeded generator, so every run benchmarks the same data. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}
function poisson(r: () => number, mean: number): number {
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * Math.sqrt(-2 * Math.log(r() || 1e-12)) * Math.cos(2 * Math.PI * r())));
  const l = Math.exp(-mean); let k = 0; let p = 1;
  do { k++; p *= r(); } while (p > l);
  return k - 1;
}

function syntheticSeries(): DemandSeries[] {
  const r = rng(SEED);
  const start = new Date(Math.floor(Date.now() / DAY) * DAY - DAYS * DAY).toISOString().slice(0, 10);
  const weekly = [0.8, 1.1, 1.05, 1.0, 1.0, 1.15, 0.9];
  return Array.from({ length: N }, (_, i) => {
    // Zipf-like levels: a few fast movers, a long tail of slow and intermittent ones.
    const level = 40 / Math.pow(1 + i % 5_000, 0.8) + 0.05 + r() * 0.3;
    const promo = new Array<number>(DAYS).fill(0);
    if (r() < 0.2) { const d = Math.floor(r() * (DAYS - 5)); for (let k = d; k < d + 3; k++) promo[k] = 1; }
    const values = Array.from({ length: DAYS }, (_, d) => poisson(r, level * weekly[(d + 3) % 7]! * (promo[d] ? 2.5 : 1)));
    return { id: `SKU-${String(i >> 1).padStart(6, '0')}@${i % 2 ? '3pl-west' : 'wh-east'}`, start, grain: 'day' as const, values, promo };
  });
}

const secs = (t: number) => (performance.now() - t) / 1000;
const line = (stage: string, s: number, note = '') => console.log(`${stage.padEnd(16)} ${s.toFixed(2).padStart(8)} s  ${note}`);

const { tf, backend } = await loadTf();
console.log(`bench models: ${N.toLocaleString('en-US')} SKU-locations × ${DAYS} days, seed ${SEED}, TF.js backend ${backend}`);
let t = performance.now();
const series = syntheticSeries();
line('generate', secs(t), `${series.length.toLocaleString('en-US')} series`);

t = performance.now();
let lastStage = '';
const model = await trainDemandModel({ series, seed: SEED, tf, onProgress: (p) => {
  const s = `${p.stage} ${p.epoch}/${p.epochs}`;
  if (s !== lastStage && process.stderr.isTTY) process.stderr.write(`\r  training: ${s} loss ${p.loss.toFixed(4)}   `);
  lastStage = s;
} });
if (process.stderr.isTTY) process.stderr.write('\n');
const trainSeconds = secs(t);
line('train demand', trainSeconds, `chosen ${JSON.stringify(model.metadata.selection.chosen)}`);

t = performance.now();
const forecasts = forecastDemand(model, series);
const forecastSeconds = secs(t);
line('forecast', forecastSeconds, `${forecasts.length.toLocaleString('en-US')} series × ${model.horizon} days`);

// The limit: one batched predict of the same network over the same number of rows, nothing else.
const width = (model.global.net.inputs[0]!.shape[1] as number);
const x = tf.randomNormal([N, width]);
t = performance.now();
const y = model.global.net.predict(x) as import('@tensorflow/tfjs').Tensor;
await y.data();
const rawPredict = secs(t);
x.dispose(); y.dispose();
line('raw predict', rawPredict, `(limit: the network alone on ${N.toLocaleString('en-US')} rows)`);

t = performance.now();
const today = Math.floor(Date.now() / DAY) * DAY;
const r = rng(SEED + 1);
const positions = series.map((s) => { const [sku, location] = s.id.split('@') as [string, string]; return { sku, location, atp: Math.floor(r() * 60) }; });
const inbound = positions.filter(() => r() < 0.3).map((p, i) => ({ site: p.location, sku: p.sku, poId: `PO-${i}`, openQty: 50, expectedAt: today + Math.floor(r() * 20) * DAY, confirmed: true }));
const { inputs } = buildStockoutInputs({ positions, forecasts: new Map(forecasts.map((f) => [f.id, f])), inbound, now: today,
  leadTime: () => (r() < 0.7 ? { meanDays: 7, sdDays: 2 } : { meanDays: 40, sdDays: 8 }) });
const scores = scoreStockout(inputs, { today: new Date(today).toISOString().slice(0, 10) });
const stockoutSeconds = secs(t);
const atRisk = scores.filter((s) => s.probability >= 0.5).length;
line('stockout', stockoutSeconds, `${scores.length.toLocaleString('en-US')} scored, ${atRisk.toLocaleString('en-US')} at ≥ 50% risk`);

const scoreSeconds = forecastSeconds + stockoutSeconds;
console.log(`score total      ${scoreSeconds.toFixed(2).padStart(8)} s  (forecast + stockout; ratio to raw predict ${(scoreSeconds / rawPredict).toFixed(1)}×)`);
console.log(`targets: train <= 120 s (${(trainSeconds / 120).toFixed(2)} of it), score <= 5 s (${(scoreSeconds / 5).toFixed(2)} of it)`);
console.log(JSON.stringify({ bench: 'models', trainSeconds: Math.round(trainSeconds * 10) / 10, scoreSeconds: Math.round(scoreSeconds * 100) / 100,
  forecastSeconds: Math.round(forecastSeconds * 100) / 100, stockoutSeconds: Math.round(stockoutSeconds * 100) / 100,
  rawPredictSeconds: Math.round(rawPredict * 100) / 100, series: N, days: DAYS, backend }));
