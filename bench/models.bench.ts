/**
 * Training and scoring time of the SKU-location risk models at 50k SKU-locations (issue 4: train ≤ 2 min, score
 * ≤ 5 s on this machine), per stage: synthetic daily demand (models/demand/synthetic-history.ts: 90 days,
 * weekly shape, intermittent series, promotions, negative-binomial noise — seeded), demand model training (global TF.js model + per-series method
 * choice by backtest), forecasting every series, and stockout risk for every SKU-location. Scoring = forecast +
 * stockout (what a scoring pass does per SKU-location). Also prints the TF.js backend and the limit it is held
 * to: a raw batched predict of the same network on the same rows, measured in the same run.
 * Run: npm run bench:models [-- --series N --days D --seed S]
 */
import { parseArgs } from 'node:util';
import { forecastDemand, trainDemandModel } from '../models/demand/index.ts';
import { buildStockoutInputs } from '../models/stockout/inputs.ts';
import { scoreStockout } from '../models/stockout/stockout.ts';
import { syntheticDemand } from '../models/demand/synthetic-history.ts';
import { seededRandom } from '../models/stats.ts';
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

const secs = (t: number) => (performance.now() - t) / 1000;
const line = (stage: string, s: number, note = '') => console.log(`${stage.padEnd(16)} ${s.toFixed(2).padStart(8)} s  ${note}`);

const { tf, backend } = await loadTf();
console.log(`bench models: ${N.toLocaleString('en-US')} SKU-locations × ${DAYS} days, seed ${SEED}, TF.js backend ${backend}`);
let t = performance.now();
const series = syntheticDemand({ series: N, days: DAYS, seed: SEED, start: new Date(Math.floor(Date.now() / DAY) * DAY - DAYS * DAY).toISOString().slice(0, 10) });
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
const r = seededRandom(SEED + 1);
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
