/**
 * Model scores → rule instances (pure). One instance per scored entity of the rule's kind, its value the score
 * (0–1), its labels and business impact derived from what the scoring steps put in the score:
 *
 * - stockout (`sku@location`; models/stockout/risk-row.ts): labels site, sku. Units at risk = P(stockout) × the
 *   SKU's daily demand at the site × the days without stock (replenishmentInDays − stockoutDay, at least 1 day);
 *   orders = units ÷ units per order line of the SKU; revenue = units × its average unit price.
 * - cutoff_wave (`site/carrier/cutoff`; models/scoring/cutoff.step.ts): labels site, carrier, cutoff. Orders at risk
 *   = the wave's open orders (details.openOrders), units = open units, revenue = orders × the site's average
 *   order value. A cutoff in the past is dropped: its wave made it or not, the score is no longer news.
 * - anomaly (`series@bucket`; models/scoring/anomalies.step.ts): one instance per series (details.series, e.g.
 *   `channel=dtc-web` or `sku=S|location=wh-east|reason=shrink`), its newest bucket, labels from the series key
 *   (location is the site). Only buckets recent enough to be current count: 45 min for 15-minute intake buckets
 *   (the newest complete bucket is at most 15 min old, re-scored every 5 min), 50 h for daily kinds; the scorer
 *   writes no score for a normal bucket, so an anomaly clears when its bucket ages out of that window. Intake:
 *   orders at risk = expected − observed, revenue = that × the channel's average order value; adjustments and
 *   returns: units = observed − expected (of units when known, else of events), revenue = units × unit price.
 * - cutoff_order: labels site, order; one order at risk at the site's average order value.
 */
import type { Impact, Labels, Rule } from '../../contracts/alerts.ts';
import type { RiskKind } from '../../contracts/risk.ts';
import type { Instance } from '../lifecycle/types.ts';
import type { BusinessFigures } from './business-figures.ts';

/** The latest score of one entity, from ClickHouse (seed, refresh) or NATS (`risk.<kind>.<site>`). */
export interface ScoreEntry {
  kind: RiskKind;
  entity: string;
  site: string;
  sku?: string;
  score: number;
  /** Epoch ms. */
  scoredAt: number;
  explanation: string;
  details: Record<string, string | number | boolean | null>;
  /** Anomaly facts (risk_scores typed columns); absent on a NATS message. */
  observed?: number | null;
  expected?: number | null;
}

type ScoreSource = Extract<Rule['source'], { kind: 'score' }>;

const MIN = 60_000;
/** How long an anomaly bucket stays current, by anomaly kind (see above); other kinds are daily. */
const ANOMALY_CURRENT_MS: Record<string, number> = { intake: 45 * MIN };
const DAILY_CURRENT_MS = 50 * 60 * MIN;
const DIRECTION = { low: 'drop', high: 'spike' } as const;

const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const nonNeg = (x: number) => (Number.isFinite(x) && x > 0 ? x : 0);
const round = (x: number) => Math.round(x * 100) / 100;
const impact = (orders: number, revenue: number, units?: number): Impact =>
  ({ ordersAtRisk: round(nonNeg(orders)), revenueAtRisk: round(nonNeg(revenue)), ...(units === undefined ? {} : { unitsAtRisk: round(nonNeg(units)) }) });

/** Label values are 1–128 characters; empty ones are left out. */
function labels(site: string, extra: Record<string, string | undefined>): Labels & { site: string } {
  const out: Labels & { site: string } = { site: site.slice(0, 128) };
  for (const [k, v] of Object.entries(extra)) if (v) out[k] = v.slice(0, 128);
  return out;
}

/** `channel=dtc-web|sku=S` → { channel: 'dtc-web', sku: 'S' } (models/anomalies/series.ts seriesId). */
export function seriesLabels(series: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of series.split('|')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i)] = part.slice(i + 1);
  }
  return out;
}

function stockout(e: ScoreEntry, f: BusinessFigures): Instance {
  const sku = e.sku ?? e.entity.split('@')[0]!;
  const replenish = num(e.details.replenishmentInDays) ?? 0;
  const day = num(e.details.stockoutDay);
  const gapDays = Math.max(1, day === undefined ? 0 : replenish - day);
  const units = e.score * f.dailyUnits(e.site, sku) * gapDays;
  return { labels: labels(e.site, { sku }), value: e.score, summary: e.explanation,
    impact: impact(units / f.unitsPerOrder(e.site, sku), units * f.unitPrice(sku), units) };
}

function cutoffWave(e: ScoreEntry, f: BusinessFigures, at: number): Instance | null {
  const cutoffAt = str(e.details.cutoffAt) ?? e.entity.split('/').slice(2).join('/');
  if (Date.parse(cutoffAt) < at) return null;
  const orders = num(e.details.openOrders) ?? 0;
  return { labels: labels(e.site, { carrier: str(e.details.carrier) ?? 'unknown', cutoff: cutoffAt }), value: e.score, summary: e.explanation,
    impact: impact(orders, orders * f.orderValue({ site: e.site }), num(e.details.openUnits)) };
}

function anomaly(e: ScoreEntry, f: BusinessFigures): Instance {
  const key = seriesLabels(str(e.details.series) ?? e.entity.split('@')[0]!);
  const { location: _location, ...rest } = key;
  const observed = e.observed ?? num(e.details.observed) ?? 0;
  const expected = e.expected ?? num(e.details.expected) ?? 0;
  let imp: Impact;
  if (e.details.anomalyKind === 'intake') {
    const missing = expected - observed;
    imp = impact(missing, missing * f.orderValue({ channel: key.channel }));
  } else {
    const units = observed - expected;
    imp = impact(0, units * (key.sku ? f.unitPrice(key.sku) : 0), units);
  }
  return { labels: labels(e.site, rest), value: e.score, summary: e.explanation, impact: imp };
}

/** Whether an anomaly entry belongs to the rule (kind and direction) and is still current at `at`. */
function anomalyMatches(e: ScoreEntry, s: ScoreSource, at: number): boolean {
  const kind = str(e.details.anomalyKind);
  if (s.anomalyKind && kind !== s.anomalyKind) return false;
  if (s.direction && e.details.direction !== DIRECTION[s.direction]) return false;
  const bucket = Date.parse(str(e.details.bucketStart) ?? e.entity.split('@').pop() ?? '');
  return Number.isFinite(bucket) && at - bucket <= (ANOMALY_CURRENT_MS[kind ?? ''] ?? DAILY_CURRENT_MS);
}

/** Order scores without a cutoff time are forgotten this long after their last change. */
const ORDER_MAX_AGE_MS = 24 * 60 * MIN;

/**
 * Whether an entry can no longer yield an instance at `at`, so the source may forget it: an anomaly bucket older
 * than every current window (each bucket is its own entity, so they pile up), a wave or order whose cutoff has
 * passed, an order score without a cutoff a day after its last change. Stock-out scores (one per SKU-location) stay.
 */
export function scoreExpired(e: ScoreEntry, at: number): boolean {
  switch (e.kind) {
    case 'anomaly': {
      const bucket = Date.parse(str(e.details.bucketStart) ?? e.entity.split('@').pop() ?? '');
      return !Number.isFinite(bucket) || at - bucket > Math.max(DAILY_CURRENT_MS, ...Object.values(ANOMALY_CURRENT_MS));
    }
    case 'cutoff_wave': case 'cutoff_order': {
      const cutoff = Date.parse(str(e.details.cutoffAt) ?? (e.kind === 'cutoff_wave' ? e.entity.split('/').slice(2).join('/') : ''));
      return Number.isFinite(cutoff) ? cutoff < at : at - e.scoredAt > ORDER_MAX_AGE_MS;
    }
    default: return false;
  }
}

/** Every instance the rule sees among the latest scores at `at`. */
export function scoreInstances(rule: Rule, entries: Iterable<ScoreEntry>, f: BusinessFigures, at: number): Instance[] {
  const s = rule.source;
  if (s.kind !== 'score') return [];
  const out: Instance[] = [];
  if (s.riskKind === 'anomaly') {
    // The newest current bucket of each series.
    const newest = new Map<string, ScoreEntry>();
    for (const e of entries) {
      if (e.kind !== 'anomaly' || !anomalyMatches(e, s, at)) continue;
      const id = `${e.site}\u0000${str(e.details.series) ?? e.entity.split('@')[0]}`;
      const prev = newest.get(id);
      if (!prev || String(prev.details.bucketStart) < String(e.details.bucketStart)) newest.set(id, e);
    }
    for (const e of newest.values()) out.push(anomaly(e, f));
    return out;
  }
  for (const e of entries) {
    if (e.kind !== s.riskKind) continue;
    if (e.kind === 'stockout') out.push(stockout(e, f));
    else if (e.kind === 'cutoff_wave') { const i = cutoffWave(e, f, at); if (i) out.push(i); }
    else out.push({ labels: labels(e.site, { order: e.entity }), value: e.score, summary: e.explanation,
      impact: impact(e.score, e.score * f.orderValue({ site: e.site })) });
  }
  return out;
}
