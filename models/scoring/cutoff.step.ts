/**
 * Cutoff-miss risk: the model trains on the order, carrier and warehouse events of the last days; scoring
 * replays the last two days into a streaming scorer and scores every open order and every site × carrier
 * cutoff as of now.
 */
import type { Db } from '../../clickhouse/client.ts';
import type { RiskScoreRow } from '../../clickhouse/queries/insertRiskScores.ts';
import type { Family } from '../../contracts/index.ts';
import { CutoffModel, CutoffScorer, trainCutoffModel } from '../cutoff/index.ts';
import type { ArtifactMetadata } from '../registry/registry.ts';
import type { Tf } from '../tf.ts';
import { latestModelDir, saveModelDir } from './artifacts.ts';
import { loadEvents } from './events.ts';

export const CUTOFF_MODEL = 'cutoff';
const FAMILIES: Family[] = ['orders', 'carrier', 'warehouse'];
const DAY = 86_400_000;

export async function trainCutoffStep(o: { db: Db; dir: string; tf: Tf; backend: string; now: number; days: number; seed: number;
  onProgress?: (done: number, total: number) => void }): Promise<ArtifactMetadata | null> {
  const events = await loadEvents({ db: o.db, families: FAMILIES, from: o.now - o.days * DAY, to: o.now });
  if (events.length === 0) return null;
  const started = performance.now();
  const model = await trainCutoffModel(events, { tf: o.tf, seed: o.seed, onProgress: (p) => o.onProgress?.(p.done, p.total) });
  const meta = model.meta;
  return saveModelDir({ dir: o.dir, name: CUTOFF_MODEL, save: (staging) => model.save(staging), metadata: {
    trainedAt: meta.trainedAt, dataWindow: meta.dataWindow, backend: o.backend, seed: meta.seed,
    metrics: { events: events.length, trainSeconds: (performance.now() - started) / 1000 } } });
}

export async function scoreCutoffStep(o: { db: Db; dir: string; tf: Tf; now: number }): Promise<RiskScoreRow[] | null> {
  const latest = await latestModelDir(o.dir, CUTOFF_MODEL);
  if (!latest) return null;
  const model = await CutoffModel.load(latest.path, { tf: o.tf });
  const scorer = new CutoffScorer({ model });
  for (const e of await loadEvents({ db: o.db, families: FAMILIES, from: o.now - 2 * DAY, to: o.now })) scorer.ingest(e);
  const scoredAt = new Date(o.now).toISOString();
  const version = `v${latest.metadata.version}`;
  const clamp = (p: number) => Math.min(1, Math.max(0, p));
  const orders: RiskScoreRow[] = scorer.scoreOrders({ at: o.now }).map((r) => ({
    kind: 'cutoff_order', entity: r.orderId, site: r.site, score: clamp(r.pMiss), model: CUTOFF_MODEL, modelVersion: version, scoredAt,
    explanation: `order ${r.orderId} at ${r.site}: ${Math.round(r.pMiss * 100)}% risk of missing ${r.carrier ?? 'its'} cutoff ${r.cutoffAt}` +
      ` (${Math.round(r.minutesToCutoff)} min left)`,
    predictedCompletionAt: r.predictedCompletionAt ?? null,
    details: { carrier: r.carrier ?? null, cutoffAt: r.cutoffAt, minutesToCutoff: Math.round(r.minutesToCutoff), pFloor: r.pFloor,
      pTruck: r.pTruck, pMissBaseline: r.pMissBaseline },
  }));
  const waves: RiskScoreRow[] = scorer.scoreCutoffs({ at: o.now }).map((c) => ({
    kind: 'cutoff_wave', entity: `${c.site}/${c.carrier ?? '*'}/${c.cutoffAt}`, site: c.site, score: clamp(c.maxPMiss), model: CUTOFF_MODEL,
    modelVersion: version, scoredAt, explanation: c.explanation.slice(0, 500), predictedCompletionAt: c.predictedCompletionAt ?? null,
    details: { carrier: c.carrier ?? null, cutoffAt: c.cutoffAt, openOrders: c.openOrders, openUnits: c.openUnits,
      expectedMisses: Math.round(c.expectedMisses * 10) / 10, meanPMiss: c.pMiss, pTruck: c.pTruck },
  }));
  return [...orders, ...waves];
}
