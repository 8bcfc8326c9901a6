/**
 * Anomalies in order intake per channel, adjustments per SKU-location and reason, and returns per SKU: fitted
 * profiles from the last weeks of events (a statistical count model — see models/anomalies/README.md), scored
 * on the latest complete buckets. Only buckets at half the alert threshold or above become risk scores: the
 * table answers "what looks wrong", not every quiet hour of every series.
 */
import type { Db } from '../../clickhouse/client.ts';
import type { RiskScoreRow } from '../../clickhouse/queries/insertRiskScores.ts';
import type { Family } from '../../contracts/index.ts';
import { ALERT_SCORE, createSeriesBuilders, fitAnomalyModel, isAlert, loadAnomalyModel, normalisedScore, saveAnomalyModel,
  scoreAnomalies, type AnomalyModel, type SeriesSet } from '../anomalies/index.ts';
import type { ArtifactMetadata } from '../registry/registry.ts';
import { latestModelDir, saveModelDir } from './artifacts.ts';
import { loadEvents } from './events.ts';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const ANOMALY_MODEL = 'anomalies';
const FAMILIES: Family[] = ['orders', 'stock', 'returns'];
const DAY = 86_400_000;
const HOUR = 3_600_000;
/** The business's local calendar ("Tuesday 14:00"): the primary site's zone. */
const TIME_ZONE = 'America/New_York';
const SETS = ['intake', 'adjustment', 'returns'] as const;

async function seriesSets(db: Db, from: number, to: number): Promise<Record<(typeof SETS)[number], SeriesSet>> {
  const b = createSeriesBuilders({ timeZone: TIME_ZONE });
  for (const e of await loadEvents({ db, families: FAMILIES, from, to })) b.add(e);
  return { intake: b.intake(), adjustment: b.adjustments(), returns: b.returns() };
}

export async function trainAnomalyStep(o: { db: Db; dir: string; now: number; days: number; seed: number }): Promise<ArtifactMetadata | null> {
  const from = o.now - o.days * DAY;
  const to = Math.floor(o.now / HOUR) * HOUR;
  const sets = await seriesSets(o.db, from, to);
  if (!Number.isFinite(sets.intake.from)) return null;
  const models = Object.fromEntries(SETS.map((k) => [k, fitAnomalyModel(sets[k], { from, to })])) as Record<(typeof SETS)[number], AnomalyModel>;
  return saveModelDir({ dir: o.dir, name: ANOMALY_MODEL, metadata: {
    trainedAt: new Date().toISOString(), dataWindow: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
    backend: 'none', seed: o.seed, metrics: {}, params: { timeZone: TIME_ZONE } },
  save: async (staging) => { for (const k of SETS) await writeFile(path.join(staging, `${k}.json`), saveAnomalyModel(models[k])); } });
}

export async function scoreAnomalyStep(o: { db: Db; dir: string; now: number }): Promise<RiskScoreRow[] | null> {
  const latest = await latestModelDir(o.dir, ANOMALY_MODEL);
  if (!latest) return null;
  // Returns are scored relative to sales, which needs the weeks of orders before the scored days.
  const sets = await seriesSets(o.db, o.now - 14 * DAY, o.now);
  const scoredAt = new Date(o.now).toISOString();
  const rows: RiskScoreRow[] = [];
  for (const k of SETS) {
    const model = loadAnomalyModel(await readFile(path.join(latest.path, `${k}.json`), 'utf8'));
    const daily = model.bucketMs >= DAY;
    // Complete buckets only: the one in progress would read as a drop.
    const to = Math.floor(o.now / model.bucketMs) * model.bucketMs;
    const from = to - (daily ? 2 * DAY : 6 * HOUR);
    for (const s of scoreAnomalies(model, sets[k], { from, to, minScore: ALERT_SCORE / 2 })) {
      rows.push({ kind: 'anomaly', entity: `${s.seriesId}@${s.bucketStart}`, site: s.key.location ?? 'network', sku: s.key.sku,
        score: normalisedScore(s.score), model: ANOMALY_MODEL, modelVersion: `v${latest.metadata.version}`, scoredAt,
        explanation: s.explanation.slice(0, 500), observed: s.value, expected: s.expected,
        details: { anomalyKind: s.kind, series: s.seriesId, bucketStart: s.bucketStart, direction: s.direction, alert: isAlert(s),
          observed: s.value, expected: Math.round(s.expected * 100) / 100,
          channel: s.key.channel ?? null, reason: s.key.reason ?? null } });
    }
  }
  return rows;
}
