/**
 * Training: replay a history, keep the snapshots of orders whose outcome was known by the training horizon,
 * hold out 20% of the orders (seeded) for calibration, fit the network on the rest — at most `maxRows`
 * snapshots (30,000), 10 epochs of Adam in batches of 2,048: ~5 s for 21k snapshots on the cpu backend of this
 * shared 2-core machine (measured) — then fit Platt scaling of its logit and of the rule baseline, and the
 * base-rate table. Orders behind a late truck are left to the pickup model (./pickup-risk.ts). Same events +
 * seed → the same model.
 */
import type { OpsEvent } from '../../contracts/index.ts';
import type { Tf } from '../tf.ts';
import { fitPlatt } from './calibration.ts';
import { FEATURE_COUNT, FEATURE_NAMES } from './features.ts';
import { MISS_GRACE_MS } from './miss.ts';
import { buildNetwork, CutoffModel, DEFAULT_HIDDEN_UNITS, MODEL_FORMAT, moments, standardize, type CutoffModelMetadata } from './model.ts';
import { seededRandom, shuffledIndex } from './random.ts';
import type { CutoffFeatureBuilder } from './feature-builder.ts';
import { Replayer, timeOrder, type RowStore, type TimedEvent } from './replay.ts';

/** An order is a training example once its deadline + grace + one 15-minute tick is behind the horizon. */
export const LABEL_DELAY_MS = MISS_GRACE_MS + 15 * 60_000;
const CALIBRATION_SHARE = 0.2;
const SLOT_PRIOR = 20;
/** Rows per Adam step (lr 0.01): each step's fixed cost dominates on the cpu backend; 2,048 cut fit time ~30% vs 1,024 at the same AUC. */
const BATCH_SIZE = 2048;

export interface FitOptions {
  tf: Tf;
  seed?: number;
  /** Cap on the snapshots the network is fitted on (default 30,000); a seeded sample when there are more. */
  maxRows?: number;
  epochs?: number;
  /** Hidden units of the network (default 16; 0 = logistic regression). */
  hidden?: number;
  onProgress?: (p: { stage: 'train'; done: number; total: number }) => void;
}

export interface TrainOptions extends FitOptions {
  /** Training horizon: only events up to this instant are read (default: all of them). */
  until?: number | string | Date;
  onReplay?: (done: number, total: number) => void;
}

/**
 * Rows usable for training at horizon `asOf` (call with the builder's state at `asOf`): outcome known (made or
 * missed) by then, order created before; each marked when its truck came after the cutoff.
 */
export function trainingRows(rows: RowStore, asOf: number, builder: CutoffFeatureBuilder): RowStore {
  const out = rows.select((i) => {
    const o = rows.orders[i];
    return o.createdMs < asOf && o.deadlineMs + LABEL_DELAY_MS <= asOf && o.resolvedMs <= asOf
      && (o.outcome === 'made' || o.outcome === 'missed');
  });
  const late = new Map<string, boolean>();
  out.truckLate = out.orders.map((o) => {
    let v = late.get(o.orderId);
    if (v === undefined) late.set(o.orderId, (v = builder.truckOutcome(o, asOf) === 'late'));
    return v;
  });
  return out;
}

/** Train on a history (contract events, any order): replay up to `until`, then `fitCutoffModel`. */
export async function trainCutoffModel(events: Iterable<OpsEvent> | TimedEvent[], o: TrainOptions): Promise<CutoffModel> {
  const timed = Array.isArray(events) && events.length && 'ms' in events[0] ? events as TimedEvent[] : timeOrder(events as Iterable<OpsEvent>);
  const until = o.until === undefined ? Infinity : new Date(o.until).getTime();
  const replayer = new Replayer(timed, { onProgress: o.onReplay });
  replayer.runUntil(until);
  const last = timed.length ? timed[timed.length - 1].ms : 0;
  const asOf = Math.min(until, last);
  return fitCutoffModel(trainingRows(replayer.rows, asOf, replayer.builder), {
    ...o, dataWindow: { from: timed[0]?.ms ?? 0, to: asOf }, pickupLeads: replayer.builder.pickupHistory.globalLeads(),
  });
}

/**
 * Fit the network, its calibration and the baselines on labelled snapshots (from `trainingRows`). Orders whose
 * truck came late are kept out of the network and its calibration: that cause is the pickup model's
 * (./pickup-risk.ts), whose history (`pickupLeads`, minutes) is kept in the metadata to seed fresh scorers.
 */
export async function fitCutoffModel(rows: RowStore, o: FitOptions & { dataWindow: { from: number; to: number }; pickupLeads?: number[] }): Promise<CutoffModel> {
  const { tf } = o;
  const seed = o.seed ?? 1;
  const rand = seededRandom(seed);
  const y: number[] = rows.orders.map((order) => (order.outcome === 'missed' ? 1 : 0));
  if (!rows.length || !y.some((v) => v === 1) || !y.some((v) => v === 0)) {
    throw new Error(`cannot train the cutoff model: ${rows.length} labelled snapshot(s), ${y.filter((v) => v === 1).length} miss(es); need both outcomes`);
  }
  // Hold out whole orders, so no order has snapshots on both sides.
  const held = new Map<string, boolean>();
  for (const order of rows.orders) if (!held.has(order.orderId)) held.set(order.orderId, rand() < CALIBRATION_SHARE);
  const fitIdx: number[] = [], calIdx: number[] = [];
  rows.orders.forEach((order, i) => { if (!rows.truckLate[i]) (held.get(order.orderId) ? calIdx : fitIdx).push(i); });
  const floorY = fitIdx.map((i) => y[i]);
  if (!floorY.some((v) => v === 1) || !floorY.some((v) => v === 0)) {
    throw new Error('cannot train the cutoff model: every miss in the history is a late truck; give it a longer history');
  }
  const sample = shuffledIndex(fitIdx.length, rand).slice(0, o.maxRows ?? 30_000).map((k) => fitIdx[k]);

  const n = sample.length;
  const x = new Float32Array(n * FEATURE_COUNT), yy = new Float32Array(n);
  sample.forEach((i, k) => { x.set(rows.x.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT), k * FEATURE_COUNT); yy[k] = y[i]; });
  const { mean, std } = moments(x, n);
  const net = buildNetwork(tf, seed, o.hidden);
  net.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy' });
  const epochs = o.epochs ?? 10;
  const xs = tf.tensor2d(standardize(x, n, mean, std), [n, FEATURE_COUNT]);
  const ys = tf.tensor2d(yy, [n, 1]);
  try {
    await net.fit(xs, ys, { epochs, batchSize: BATCH_SIZE, shuffle: false, verbose: 0,
      callbacks: { onEpochEnd: async (epoch) => { o.onProgress?.({ stage: 'train', done: epoch + 1, total: epochs }); } } });
  } finally {
    xs.dispose();
    ys.dispose();
  }

  const globalRate = y.reduce((a, b) => a + b, 0) / y.length;
  const misses = new Set(rows.orders.filter((x) => x.outcome === 'missed').map((x) => x.orderId)).size;
  const meta: CutoffModelMetadata = {
    format: MODEL_FORMAT, trainedAt: new Date().toISOString(),
    dataWindow: { from: new Date(o.dataWindow.from).toISOString(), to: new Date(o.dataWindow.to).toISOString() },
    seed, featureNames: [...FEATURE_NAMES], mean, std, calibration: { a: 1, b: 0 }, rule: fitPlatt(rows.shortfall, y),
    slotRates: slotRates(rows, y, globalRate), globalRate,
    rows: { fit: n, calibration: calIdx.length, orders: held.size, misses,
      truckLateOrders: new Set(rows.orders.filter((_, i) => rows.truckLate[i]).map((x) => x.orderId)).size },
    pickupLeadsMinutes: (o.pickupLeads ?? []).map((m) => Math.round(m * 10) / 10),
    epochs, hidden: o.hidden ?? DEFAULT_HIDDEN_UNITS, backend: tf.getBackend(),
  };
  const model = new CutoffModel(tf, net, meta);
  const cal = rows.select((i) => held.get(rows.orders[i].orderId) === true && !rows.truckLate[i]);
  const scores = calIdx.length ? model.logits(cal.x, cal.length) : new Float32Array(0);
  meta.calibration = calIdx.length ? fitPlatt(scores, calIdx.map((i) => y[i])) : { a: 1, b: 0 };
  return model;
}

/** Miss rate per site × local cutoff time over the orders' creation snapshots, shrunk toward the global rate. */
function slotRates(rows: RowStore, y: number[], globalRate: number): Record<string, number> {
  const slots = new Map<string, { n: number; missed: number }>();
  rows.orders.forEach((order, i) => {
    if (rows.checkpoint[i] !== 0) return;
    const key = `${order.site}|${Math.round(order.localMinute)}`;
    const s = slots.get(key) ?? { n: 0, missed: 0 };
    s.n++;
    s.missed += y[i];
    slots.set(key, s);
  });
  return Object.fromEntries([...slots].map(([k, s]) => [k, (s.missed + SLOT_PRIOR * globalRate) / (s.n + SLOT_PRIOR)]));
}

