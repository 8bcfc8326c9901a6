/**
 * Training and scoring, in one place for `tower models`, the scoring service and the benchmark. Each model
 * trains on its window of ClickHouse data and is stored as a new registry version; scoring loads the newest
 * versions, writes every score to risk_scores and publishes the ones that changed on NATS.
 */
import type { Db } from '../../clickhouse/client.ts';
import { insertRiskScores, type RiskScoreRow } from '../../clickhouse/queries/insertRiskScores.ts';
import type { AllocationClient } from '../../allocation/client.ts';
import type { Logger } from '../../runtime/logger.ts';
import type { ArtifactMetadata } from '../registry/registry.ts';
import type { Tf } from '../tf.ts';
import { trainAnomalyStep, scoreAnomalyStep } from './anomalies.step.ts';
import { scoreCutoffStep, trainCutoffStep } from './cutoff.step.ts';
import { demandHistory, loadLatestDemandModel, trainDemandStep } from './demand.step.ts';
import type { ScoreChanges } from './score-changes.ts';
import { scoreStockoutStep } from './stockout.step.ts';

export type ModelName = 'demand' | 'cutoff' | 'anomalies';
export const MODEL_NAMES: ModelName[] = ['demand', 'cutoff', 'anomalies'];

export interface TrainAllOptions {
  db: Db; dir: string; tf: Tf; backend: string; now: number; seed: number; log?: Logger;
  /** Days of history per model (demand needs seasons; the others recent behaviour). */
  days?: Partial<Record<ModelName, number>>;
  only?: ModelName[];
  onProgress?: (model: ModelName, fraction: number, detail: string) => void;
}

export async function trainAll(o: TrainAllOptions): Promise<Partial<Record<ModelName, ArtifactMetadata | null>>> {
  const days = { demand: 90, cutoff: 7, anomalies: 28, ...o.days };
  const only = new Set(o.only ?? MODEL_NAMES);
  const out: Partial<Record<ModelName, ArtifactMetadata | null>> = {};
  // One model's failure (too little history, no misses yet …) must not stop the others from training.
  const step = async (model: ModelName, fn: () => Promise<ArtifactMetadata | null>) => {
    if (!only.has(model)) return;
    try {
      out[model] = await fn();
    } catch (err) {
      o.log?.warn({ model, err: (err as Error).message }, 'model not trained');
      out[model] = null;
    }
    o.onProgress?.(model, 1, out[model] ? 'done' : 'not trained');
  };
  await step('demand', () => trainDemandStep({ db: o.db, dir: o.dir, now: o.now, days: days.demand, seed: o.seed, log: o.log,
    onProgress: (p) => o.onProgress?.('demand', (p.stage === 'select' ? 0 : 0.5) + 0.5 * (p.epoch / Math.max(1, p.epochs)),
      `${p.stage} epoch ${p.epoch}/${p.epochs} loss ${p.loss.toFixed(4)}`) }));
  await step('cutoff', () => trainCutoffStep({ db: o.db, dir: o.dir, tf: o.tf, backend: o.backend, now: o.now, days: days.cutoff,
    seed: o.seed, onProgress: (d, t) => o.onProgress?.('cutoff', d / Math.max(1, t), `epoch ${d}/${t}`) }));
  await step('anomalies', () => trainAnomalyStep({ db: o.db, dir: o.dir, now: o.now, days: days.anomalies, seed: o.seed }));
  return out;
}

export interface ScoreOnceOptions {
  db: Db; dir: string; tf: Tf; now: number; allocation?: AllocationClient; changes?: ScoreChanges; log?: Logger;
  only?: ('stockout' | 'cutoff' | 'anomaly')[];
}

export interface ScoreSummary { kind: string; scored: number; published: number; ms: number; skipped?: string }

/** Score everything once; a kind whose model was never trained is reported as skipped, not failed. */
export async function scoreOnce(o: ScoreOnceOptions): Promise<ScoreSummary[]> {
  const only = new Set(o.only ?? ['stockout', 'cutoff', 'anomaly']);
  const summary: ScoreSummary[] = [];
  const store = async (kind: string, started: number, rows: RiskScoreRow[] | null, skipped?: string) => {
    if (!rows) { summary.push({ kind, scored: 0, published: 0, ms: 0, skipped }); return; }
    await insertRiskScores({ db: o.db, rows });
    const published = o.changes?.publish(rows) ?? 0;
    summary.push({ kind, scored: rows.length, published, ms: Math.round(performance.now() - started) });
  };

  if (only.has('stockout')) {
    const t = performance.now();
    const demand = await loadLatestDemandModel(o.dir);
    const positions = o.allocation ? await o.allocation.positions() : null;
    if (!demand) await store('stockout', t, null, 'no demand model yet (tower models train)');
    else if (!positions?.ok) await store('stockout', t, null, `allocation positions unavailable${positions && !positions.ok ? `: ${positions.error.message}` : ''}`);
    else {
      const history = await demandHistory({ db: o.db, now: o.now, days: 90 });
      const r = await scoreStockoutStep({ db: o.db, model: demand.model, modelVersion: demand.version, history,
        positions: positions.result.positions, now: o.now });
      if (r.missingForecast.length) o.log?.debug({ missing: r.missingForecast.length }, 'SKU-locations without demand history');
      await store('stockout', t, r.rows);
    }
  }
  if (only.has('cutoff')) {
    const t = performance.now();
    const rows = await scoreCutoffStep({ db: o.db, dir: o.dir, tf: o.tf, now: o.now });
    await store('cutoff', t, rows, rows ? undefined : 'no cutoff model yet (tower models train)');
  }
  if (only.has('anomaly')) {
    const t = performance.now();
    const rows = await scoreAnomalyStep({ db: o.db, dir: o.dir, now: o.now });
    await store('anomaly', t, rows, rows ? undefined : 'no anomaly model yet (tower models train)');
  }
  return summary;
}
