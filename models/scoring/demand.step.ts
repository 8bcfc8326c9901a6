/**
 * Demand: daily units per SKU-location (and promotion share) from ClickHouse → the demand model; trained
 * models go to the registry, forecasts feed the stockout step. Days are whole UTC days ending at today's
 * midnight: today's partial day would look like a demand drop.
 */
import type { Db } from '../../clickhouse/client.ts';
import { getDailyDemand } from '../../clickhouse/queries/getDailyDemand.ts';
import { getPromotionDays } from '../../clickhouse/queries/getPromotionDays.ts';
import type { Logger } from '../../runtime/logger.ts';
import { forecastDemand, loadDemandModel, saveDemandModel, trainDemandModel, type DemandModel, type DemandSeries,
  type SeriesForecast, type TrainProgress } from '../demand/index.ts';
import { toDemandSeries } from '../features/demand-series.ts';
import type { ArtifactMetadata } from '../registry/registry.ts';
import { latestModelDir, saveModelDir } from './artifacts.ts';

export const DEMAND_MODEL = 'demand';
const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The last `days` whole days of demand as series (`sku@location`). */
export async function demandHistory(o: { db: Db; now: number; days: number }): Promise<DemandSeries[]> {
  const to = Math.floor(o.now / DAY) * DAY;
  const from = to - o.days * DAY;
  const [rows, promotions] = await Promise.all([getDailyDemand({ db: o.db, from, to }), getPromotionDays({ db: o.db, from, to })]);
  return toDemandSeries({ rows, promotions, from: isoDay(from), to: isoDay(to) });
}

export async function trainDemandStep(o: { db: Db; dir: string; now: number; days: number; seed: number; log?: Logger;
  onProgress?: (p: TrainProgress) => void }): Promise<ArtifactMetadata | null> {
  const series = await demandHistory(o);
  if (series.length === 0) { o.log?.warn('no demand history in ClickHouse yet: the demand model is not trained'); return null; }
  const model = await trainDemandModel({ series, seed: o.seed, log: o.log, onProgress: o.onProgress });
  const m = model.metadata;
  // A method without a backtest score (too little history for an origin) has NaN: left out of the metrics.
  const metrics = Object.fromEntries(Object.entries(m.selection.rmsse).filter(([, v]) => Number.isFinite(v)).map(([k, v]) => [`rmsse_${k}`, v as number]));
  return saveModelDir({ dir: o.dir, name: DEMAND_MODEL, save: (staging) => saveDemandModel(model, staging), metadata: {
    trainedAt: m.trainedAt, dataWindow: m.dataWindow, metrics: { ...metrics, series: m.series, trainSeconds: m.trainSeconds },
    backend: m.backend, seed: m.seed, params: { grain: model.grain, horizon: model.horizon, chosen: m.selection.chosen } } });
}

export async function loadLatestDemandModel(dir: string): Promise<{ model: DemandModel; version: number } | null> {
  const a = await latestModelDir(dir, DEMAND_MODEL);
  return a ? { model: await loadDemandModel(a.path), version: a.metadata.version } : null;
}

/** Forecasts keyed by `sku@location`. */
export function forecastsById(model: DemandModel, series: DemandSeries[]): Map<string, SeriesForecast> {
  return new Map(forecastDemand(model, series).map((f) => [f.id, f]));
}
