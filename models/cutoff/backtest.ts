/**
 * `tower cutoff backtest`: replay a history once, train on the orders whose outcome was known at the split,
 * score every order created after it at each checkpoint, and compare the model with two baselines —
 * the rule (hours of work ahead at the recent rate vs hours to the cutoff, Platt-scaled) and the base rate of
 * the order's site × local cutoff time. Metrics per checkpoint: AUC, Brier, precision in the top 10%.
 */
import type { OpsEvent } from '../../contracts/index.ts';
import type { Tf } from '../tf.ts';
import { binaryMetrics, type BinaryMetrics } from './metrics.ts';
import type { CutoffModel } from './model.ts';
import { CHECKPOINTS, Replayer, timeOrder, type Checkpoint, type RowStore, type TimedEvent } from './replay.ts';
import { formatWithOffset, offsetOfIso } from './rolling.ts';
import { fitCutoffModel, LABEL_DELAY_MS, trainingRows } from './train.ts';

export const METHODS = ['model', 'rule', 'base-rate'] as const;
export type Method = (typeof METHODS)[number];
/** Without --split: this share of the time range is history to train on. */
export const DEFAULT_TRAIN_SHARE = 0.7;

export interface BacktestOptions {
  tf: Tf;
  seed?: number;
  /** Split instant; default: 70% of the way from the first to the last event. */
  split?: number | string | Date;
  maxRows?: number;
  epochs?: number;
  onProgress?: (p: { stage: 'replay' | 'train'; done: number; total: number }) => void;
}

/** One scored snapshot of a test order, with its outcome. */
export interface PredictionRow {
  orderId: string;
  site: string;
  carrier: string | undefined;
  promisedShipBy: string;
  /** The cutoff the order leaves by (its carrier's at the fulfilling site, else promisedShipBy), local offset. */
  cutoffAt: string;
  checkpoint: Checkpoint;
  scoredAt: string;
  minutesToCutoff: number;
  pMiss: number;
  pRule: number;
  pBaseRate: number;
  predictedCompletionAt: string | undefined;
  missed: 0 | 1;
  handoffAt: string | undefined;
}

export interface BacktestReport {
  window: { from: string; to: string };
  split: string;
  train: { orders: number; snapshots: number; misses: number; truckLateOrders: number; fitRows: number; calibrationRows: number };
  test: { orders: number; misses: number };
  results: { checkpoint: Checkpoint; method: Method; metrics: BinaryMetrics }[];
  model: CutoffModel;
  predictions: PredictionRow[];
}

export async function runCutoffBacktest(events: Iterable<OpsEvent> | TimedEvent[], o: BacktestOptions): Promise<BacktestReport> {
  const timed = Array.isArray(events) && events.length && 'ms' in events[0] ? events as TimedEvent[] : timeOrder(events as Iterable<OpsEvent>);
  if (timed.length < 2) throw new Error('no order or warehouse events to backtest on');
  const from = timed[0].ms, to = timed[timed.length - 1].ms;
  const split = o.split === undefined ? from + DEFAULT_TRAIN_SHARE * (to - from) : new Date(o.split).getTime();
  if (!(split > from && split < to)) {
    throw new Error(`split ${new Date(split).toISOString()} must fall inside the events (${iso(from)} … ${iso(to)})`);
  }
  const replayer = new Replayer(timed, {
    snapshotOrder: (order) => order.createdMs >= split || order.deadlineMs + LABEL_DELAY_MS <= split,
    onProgress: (done, total) => o.onProgress?.({ stage: 'replay', done, total }),
  });
  // Train on what was known at the split, then go on replaying the same state to score the orders after it.
  replayer.runUntil(split);
  const train = trainingRows(replayer.rows, split, replayer.builder);
  const model = await fitCutoffModel(train, {
    ...o, dataWindow: { from, to: split }, pickupLeads: replayer.builder.pickupHistory.globalLeads(),
  });
  replayer.runUntil(Infinity);
  const rows = replayer.rows;
  const test = rows.select((i) => rows.orders[i].createdMs >= split && (rows.orders[i].outcome === 'made' || rows.orders[i].outcome === 'missed'));
  const predictions = predict(model, test);

  const results: BacktestReport['results'] = [];
  CHECKPOINTS.forEach((checkpoint) => {
    const at = predictions.filter((p) => p.checkpoint === checkpoint);
    const y = at.map((p) => p.missed);
    results.push({ checkpoint, method: 'model', metrics: binaryMetrics(at.map((p) => p.pMiss), y) });
    results.push({ checkpoint, method: 'rule', metrics: binaryMetrics(at.map((p) => p.pRule), y) });
    results.push({ checkpoint, method: 'base-rate', metrics: binaryMetrics(at.map((p) => p.pBaseRate), y) });
  });
  const testOrders = new Map(test.orders.map((order) => [order.orderId, order]));
  return {
    window: { from: iso(from), to: iso(to) }, split: iso(split),
    train: { orders: model.meta.rows.orders, snapshots: train.length, misses: new Set(train.orders.filter((x) => x.outcome === 'missed').map((x) => x.orderId)).size,
      truckLateOrders: model.meta.rows.truckLateOrders, fitRows: model.meta.rows.fit, calibrationRows: model.meta.rows.calibration },
    test: { orders: testOrders.size, misses: [...testOrders.values()].filter((x) => x.outcome === 'missed').length },
    results, model, predictions,
  };
}

function predict(model: CutoffModel, rows: RowStore): PredictionRow[] {
  const p = model.pMiss(rows.x, rows.length, rows.pTruck);
  return rows.orders.map((order, i) => ({
    orderId: order.orderId, site: order.site, carrier: rows.carrier[i], promisedShipBy: order.group.deadlineIso,
    cutoffAt: rows.cutoffMs[i] === order.deadlineMs ? order.group.deadlineIso : formatWithOffset(rows.cutoffMs[i], offsetOfIso(order.group.deadlineIso)),
    checkpoint: CHECKPOINTS[rows.checkpoint[i]], scoredAt: iso(rows.at[i]),
    minutesToCutoff: Math.round((rows.cutoffMs[i] - rows.at[i]) / 60_000), pMiss: p[i], pRule: model.ruleP(rows.shortfall[i]),
    pBaseRate: model.baseRateP(order.site, order.localMinute),
    predictedCompletionAt: Number.isFinite(rows.readyAt[i]) ? iso(rows.readyAt[i]) : undefined,
    missed: order.outcome === 'missed' ? 1 : 0,
    handoffAt: order.lastHandoffMs === order.lastHandoffMs ? iso(order.lastHandoffMs) : undefined,
  }));
}

const CHECKPOINT_LABEL: Record<Checkpoint, string> = {
  created: 'at creation', '120m': '120 min before', '60m': '60 min before', '30m': '30 min before', '15m': '15 min before',
};

/** The report as printed by the CLI: a header and one table row per checkpoint × method. */
export function formatBacktest(r: BacktestReport): string {
  const f = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '—');
  const lines = [
    `events ${r.window.from} … ${r.window.to}, split at ${r.split}`,
    `train: ${r.train.orders} orders with a known outcome (${r.train.misses} missed, ${r.train.truckLateOrders} behind a late truck),` +
      ` ${r.train.snapshots} snapshots (${r.train.fitRows} fitted, ${r.train.calibrationRows} held out for calibration)`,
    `test:  ${r.test.orders} orders created after the split (${r.test.misses} missed, base rate ${f(r.test.misses / Math.max(1, r.test.orders))})`,
    '',
    `${'scored'.padEnd(16)}${'method'.padEnd(11)}${'orders'.padStart(8)}${'base rate'.padStart(11)}${'AUC'.padStart(8)}${'Brier'.padStart(8)}${'P@10%'.padStart(8)}`,
  ];
  for (const { checkpoint, method, metrics: m } of r.results) {
    lines.push(`${CHECKPOINT_LABEL[checkpoint].padEnd(16)}${method.padEnd(11)}${String(m.n).padStart(8)}${f(m.baseRate).padStart(11)}` +
      `${f(m.auc).padStart(8)}${f(m.brier, 4).padStart(8)}${f(m.precisionAt10).padStart(8)}`);
  }
  return lines.join('\n');
}

export const CSV_HEADER = 'order_id,site,carrier,promised_ship_by,cutoff_at,checkpoint,scored_at,minutes_to_cutoff,p_miss,p_rule,p_base_rate,' +
  'predicted_completion_at,missed,handoff_at';

/** One CSV line per prediction (no header); ids and instants never contain commas or quotes (contracts/envelope). */
export function csvLine(p: PredictionRow): string {
  return [p.orderId, p.site, p.carrier ?? '', p.promisedShipBy, p.cutoffAt, p.checkpoint, p.scoredAt, p.minutesToCutoff, p.pMiss.toFixed(5),
    p.pRule.toFixed(5), p.pBaseRate.toFixed(5), p.predictedCompletionAt ?? '', p.missed, p.handoffAt ?? ''].join(',');
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
