/**
 * Fit and score the anomaly detector over a set of series of one kind (series.ts). Most series get the count
 * model (count-model.ts, profile.ts; returns relative to sales, exposure.ts); returns by reason get the mix
 * test (share-model.ts). Groups share what a single sparse series cannot estimate: intake is one group,
 * adjustments group by reason code, returns by stage (and reason), so a SKU with two shrink adjustments in a
 * fortnight borrows its weekday shape and its prior from every SKU's shrink adjustments.
 *
 * Scores are raw, one per series per bucket, with no memory of the bucket before (alert lifecycle belongs to
 * alerts/). `isAlert` is the policy the ground-truth test holds the detector to: score ≥ ALERT_SCORE
 * (a tail probability ≤ 1e-4: ~400 intake buckets a day make ~0.04 chance alerts a day) in the direction
 * that matters for the kind — intake drops (a feed or sync failure; surges are promotions), adjustment and
 * returns spikes (a sparse series cannot meaningfully drop).
 */
import { Calendar, DAY_MS } from './calendar.ts';
import {
  DEFAULT_C2, DEFAULT_DISPERSION, DENSE_PER_DAY, countBand, estimateDispersion, fitLevel, groupPrior, predictive, scoreCount,
  type CountScore, type Direction, type GammaLevel,
} from './count-model.ts';
import { explain, subjectOf } from './explain.ts';
import { exposureOf, fitReturnLag, lagWeights } from './exposure.ts';
import type { AnomalyModel } from './model-file.ts';
import { estimateProfile, slotCount, slotOf, type Season } from './profile.ts';
import { fitShare, scoreShare } from './share-model.ts';
import { seriesId, type AnomalyKind, type SeriesKey, type SeriesSet } from './series.ts';

export { loadAnomalyModel, saveAnomalyModel, type AnomalyModel } from './model-file.ts';

export const ALERT_SCORE = 4;
export const ALERT_DIRECTIONS: Record<AnomalyKind, Direction[]> = { intake: ['drop'], adjustment: ['spike'], returns: ['spike'] };
export const DEFAULT_SEASON: Record<AnomalyKind, Season> = { intake: 'hour-of-week', adjustment: 'day-of-week', returns: 'day-of-week' };

export interface AnomalyScore {
  kind: AnomalyKind;
  key: SeriesKey;
  seriesId: string;
  /** ISO instant of the bucket's start; `bucketMs` long (a local day for daily kinds). */
  bucketStart: string;
  bucketMs: number;
  /** Events in the bucket (orders, adjustments, return lines): what is scored. */
  value: number;
  units: number;
  expected: number;
  /** Central 99% range of the predictive distribution. */
  low: number;
  high: number;
  /** −log10 of the tail probability on the observed side: comparable across series. */
  score: number;
  direction: Direction;
  explanation: string;
}

export interface FitOptions {
  /** History window (ms, [from, to)); default: the set's own span. */
  from?: number;
  to?: number;
  season?: Season;
}

export function groupOf(kind: AnomalyKind, key: SeriesKey): string {
  if (kind === 'adjustment') return `reason=${key.reason}`;
  if (kind === 'returns') return key.reason === undefined ? `stage=${key.stage}` : `stage=${key.stage}|reason=${key.reason}`;
  return 'intake';
}

/** Returns by reason are scored as a share of the SKU's lines that day; everything else as counts. */
const isShare = (kind: AnomalyKind, key: SeriesKey) => kind === 'returns' && key.reason !== undefined;
const totalOf = (key: SeriesKey) => seriesId({ sku: key.sku, stage: key.stage });

/** Fit profiles, levels, dispersions (and shares) on the history window of a set of series. */
export function fitAnomalyModel(set: SeriesSet, o: FitOptions = {}): AnomalyModel {
  const season = o.season ?? DEFAULT_SEASON[set.kind];
  if (set.bucketMs >= DAY_MS && (season === 'hour-of-week' || season === 'hour-of-day')) {
    throw new RangeError(`season ${season} needs buckets shorter than a day`);
  }
  const from = o.from ?? set.from, to = o.to ?? set.to;
  const cal = Calendar.of(set.timeZone);
  const buckets = Number.isFinite(from) && Number.isFinite(to) ? cal.buckets(from, to, set.bucketMs) : [];
  const local = buckets.map((b) => cal.local(b));
  const days = local.map((l) => l.day);
  const dayCount = Math.max(1, new Set(days).size);
  const perDay = (total: number) => total / dayCount;
  const sales = set.kind === 'returns' && set.sales && Number.isFinite(set.sales.fromDay) ? set.sales : undefined;

  const all = [...set.series.values()].map((s) => {
    const x = buckets.map((b) => s.buckets.get(b)?.count ?? 0);
    return { s, group: groupOf(set.kind, s.key), x, total: x.reduce((a, b) => a + b, 0), exposure: undefined as number[] | undefined };
  });
  const counts = all.filter((m) => !isShare(set.kind, m.s.key));
  const groups: AnomalyModel['groups'] = {};
  const fitted: AnomalyModel['series'] = {};

  for (const id of new Set(counts.map((s) => s.group))) {
    const members = counts.filter((s) => s.group === id);
    const agg = buckets.map((_, i) => members.reduce((a, m) => a + m.x[i], 0));
    const lag = sales ? fitReturnLag(sales, members.map((m) => ({ sku: m.s.key.sku!, x: m.x })), days) : undefined;
    if (lag) { const w = lagWeights(lag); for (const m of members) m.exposure = exposureOf(sales!, m.s.key.sku!, days, w); }
    groups[id] = {
      factors: perDay(sum(agg)) >= DENSE_PER_DAY ? estimateProfile(agg, local, season, 'ratio') : flat(season),
      prior: groupPrior(members.map((m) => m.total), members.map((m) => (m.exposure ? sum(m.exposure) : buckets.length))),
      dispersion: { ...DEFAULT_DISPERSION },
      ...(lag ? { lag } : {}),
    };
  }

  const own = new Map<string, { low?: number; high?: number }>();
  const pooled = new Map<string, { x: number[]; mu: number[] }>();
  for (const { s, group, x, total, exposure } of counts) {
    const g = groups[group];
    const ownFactors = perDay(total) >= DENSE_PER_DAY ? estimateProfile(x, local, season, 'ratio') : undefined;
    const factors = ownFactors ?? g.factors;
    const f = local.map((l, i) => factors[slotOf(season, l)] * (exposure ? exposure[i] : 1));
    const level = fitLevel(x, f, days, g.prior);
    const mu = f.map((v) => (v * level.a) / level.b);
    own.set(s.id, estimateDispersion(x, mu));
    let p = pooled.get(group);
    if (!p) pooled.set(group, (p = { x: [], mu: [] }));
    for (let i = 0; i < x.length; i++) { p.x.push(x[i]); p.mu.push(mu[i]); }
    fitted[s.id] = { key: s.key, group, level, ...(ownFactors ? { factors: ownFactors } : {}) };
  }
  for (const [id, p] of pooled) {
    const d = estimateDispersion(p.x, p.mu);
    groups[id].dispersion = { low: d.low ?? DEFAULT_C2, high: d.high ?? DEFAULT_C2 };
  }
  for (const [id, f] of Object.entries(fitted)) {
    const d = own.get(id), g = groups[f.group].dispersion;
    f.dispersion = { low: d?.low ?? g.low, high: d?.high ?? g.high };
  }

  // Returns by reason: the reason's share of the SKU's lines, shrunk toward its share across SKUs.
  const totals = new Map(counts.map((m) => [m.s.id, m.x]));
  const shares = all.filter((m) => isShare(set.kind, m.s.key));
  for (const id of new Set(shares.map((s) => s.group))) {
    const members = shares.filter((s) => s.group === id);
    const n = members.reduce((a, m) => a + sum(totals.get(totalOf(m.s.key)) ?? []), 0);
    const share = n > 0 ? members.reduce((a, m) => a + m.total, 0) / n : 0;
    groups[id] = { factors: flat(season), prior: { a: 0.5, b: 0.5 }, dispersion: { ...DEFAULT_DISPERSION }, share };
    for (const m of members) fitted[m.s.id] = { key: m.s.key, group: id, share: fitShare(m.x, totals.get(totalOf(m.s.key)) ?? [], share) };
  }

  return {
    format: 'control-tower/anomaly-model', version: 1, kind: set.kind, bucketMs: set.bucketMs, timeZone: set.timeZone, season,
    fittedFrom: new Date(Number.isFinite(from) ? from : 0).toISOString(), fittedTo: new Date(Number.isFinite(to) ? to : 0).toISOString(),
    exposure: sales ? 'sales' : 'none', groups, series: fitted,
  };
}

export interface ScoreOptions {
  /**
   * Window to score (ms, [from, to)); default: the set's own span. Score complete buckets only: `to` at the
   * start of the bucket in progress, or its few orders so far read as a failing feed.
   */
  from?: number;
  to?: number;
  /** Leave out buckets scoring below this (default 0: every bucket of every series). */
  minScore?: number;
}

/** Score every bucket of the window for every series the model or the set knows (new series use their group's prior). */
export function scoreAnomalies(model: AnomalyModel, set: SeriesSet, o: ScoreOptions = {}): AnomalyScore[] {
  if (set.kind !== model.kind || set.bucketMs !== model.bucketMs) {
    throw new RangeError(`a ${model.kind} model (${model.bucketMs} ms buckets) cannot score ${set.kind} series of ${set.bucketMs} ms`);
  }
  if (model.exposure === 'sales' && !Number.isFinite(set.sales?.fromDay)) {
    throw new RangeError('this returns model expects returns relative to sales: build the set from orders.created too');
  }
  const from = o.from ?? set.from, to = o.to ?? set.to;
  if (!Number.isFinite(from) || !Number.isFinite(to)) return [];
  const cal = Calendar.of(model.timeZone);
  const buckets = cal.buckets(from, to, model.bucketMs);
  const local = buckets.map((b) => cal.local(b));
  const days = local.map((l) => l.day);
  const daily = model.bucketMs >= DAY_MS;
  const when = buckets.map((b) => `${daily ? 'on' : 'for'} ${cal.label(b, model.bucketMs)}`);
  const out: AnomalyScore[] = [];
  // The 99% band depends only on the predictive distribution, which repeats across buckets of a slot.
  const bands = new Map<string, { low: number; high: number }>();
  const weights = new Map<string, number[]>();
  const lagOf = (g: { lag?: { shiftDays: number; meanDays: number } }) => {
    const k = `${g.lag!.shiftDays}/${g.lag!.meanDays}`;
    let w = weights.get(k);
    if (!w) weights.set(k, (w = lagWeights(g.lag!)));
    return w;
  };
  for (const id of new Set([...Object.keys(model.series), ...set.series.keys()])) {
    const fit = model.series[id];
    const data = set.series.get(id);
    const key = fit?.key ?? data!.key;
    const group = model.groups[fit?.group ?? groupOf(model.kind, key)];
    const { subject, noun } = subjectOf(model.kind, key);
    let scoreAt: (i: number, value: number) => CountScore & { expected: number };
    let given: string | undefined;
    if (isShare(model.kind, key)) {
      const total = set.series.get(totalOf(key));
      const share = fit?.share ?? group?.share ?? 0.1;
      scoreAt = (i, value) => scoreShare(value, total?.buckets.get(buckets[i])?.count ?? 0, share);
      given = 'of the day\'s lines at its usual share';
    } else {
      const level: GammaLevel = fit?.level ?? group?.prior ?? { a: 0.5, b: 0.5 };
      const factors = fit?.factors ?? group?.factors;
      const dispersion = fit?.dispersion ?? group?.dispersion ?? DEFAULT_DISPERSION;
      const exposure = model.exposure === 'sales' && group?.lag ? exposureOf(set.sales!, key.sku!, days, lagOf(group)) : undefined;
      if (exposure) given = 'given recent sales';
      scoreAt = (i, value) => {
        const dist = predictive(level, (factors ? factors[slotOf(model.season, local[i])] : 1) * (exposure ? exposure[i] : 1), dispersion);
        const bandKey = `${dist.mean}|${dist.below.cv2}|${dist.above.cv2}`;
        let band = bands.get(bandKey);
        if (!band) bands.set(bandKey, (band = countBand(dist)));
        return { ...scoreCount(value, dist, band), expected: dist.mean };
      };
    }
    for (let i = 0; i < buckets.length; i++) {
      const bucket = data?.buckets.get(buckets[i]);
      const value = bucket?.count ?? 0;
      const s = scoreAt(i, value);
      if (s.score < (o.minScore ?? 0)) continue;
      const units = bucket?.units ?? 0;
      out.push({
        kind: model.kind, key, seriesId: id, bucketStart: new Date(buckets[i]).toISOString(), bucketMs: model.bucketMs,
        value, units, expected: s.expected, low: s.low, high: s.high, score: s.score, direction: s.direction,
        explanation: explain({ subject, noun, when: when[i], value, units, given, ...s }),
      });
    }
  }
  return out;
}

/** Whether a score is an alert under the detector's policy (see the file header). */
export function isAlert(s: Pick<AnomalyScore, 'kind' | 'score' | 'direction'>, threshold = ALERT_SCORE): boolean {
  return s.score >= threshold && ALERT_DIRECTIONS[s.kind].includes(s.direction);
}

/** A 0–1 severity for risk_scores: 0.5 at the alert threshold, → 1 as the tail probability vanishes. */
export function normalisedScore(score: number, threshold = ALERT_SCORE): number {
  return score <= 0 ? 0 : score / (score + threshold);
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

function flat(season: Season): number[] {
  return new Array(slotCount(season)).fill(1);
}
