/**
 * The detector against the simulator's recorded ground truth: four weeks of the operating scenario (seed 7,
 * 6,000 orders a day, from Monday 6 April 2026 in New York: no DST change in the window), scored the way the
 * scoring job runs it — every day refit on the 14 days before and score that day — over days 14–27 (the first
 * two weeks are history only, and carry the simulator's warm-up: returns of orders from before the window fade
 * out while returns of its own orders ramp up).
 *
 * Matching, strictly:
 * - an alert is a score ≥ ALERT_SCORE in the kind's alert direction (isAlert): intake drops, adjustment and
 *   returns spikes;
 * - it hits an incident when it is on the incident's series — feed_delay: intake of its channel; shrink:
 *   adjustments of its SKU at its site (any reason); returns_surge: returns of its SKU (any stage or reason) —
 *   and its bucket overlaps the incident's window [startsAt, endsAt). Returns *received* may lag by the
 *   simulator's return transit (received 0.5–4 days after authorization), so for that stage the window is
 *   [startsAt + 12 h, endsAt + 4 d);
 * - every other alert is a false positive. Precision counts alert episodes (consecutive alert buckets of one
 *   series): a two-hour stall is eight 15-minute alerts and must not outvote eight separate false alarms;
 * - recall is over the incidents that lie wholly inside the scored days (one cut by the end of the data is
 *   left out of recall, and alerts on it are not counted as false either).
 */
import { describe, expect, test } from 'vitest';
import type { GroundTruthIncident } from '../../simulator/incidents.ts';
import { createScenario } from '../../simulator/scenario.ts';
import { Calendar, DAY_MS, HOUR_MS } from './calendar.ts';
import { createSeriesBuilders, fitAnomalyModel, isAlert, scoreAnomalies, type AnomalyKind, type AnomalyScore } from './index.ts';

const START = '2026-04-06T04:00:00Z';
const TIME_ZONE = 'America/New_York';
const DAYS = 28, FIRST_SCORED = 14, HISTORY_DAYS = 14;
const KIND_OF: Partial<Record<GroundTruthIncident['kind'], AnomalyKind>> = { feed_delay: 'intake', shrink: 'adjustment', returns_surge: 'returns' };

function window(i: GroundTruthIncident, s: AnomalyScore): [number, number] {
  const from = Date.parse(i.startsAt), to = Date.parse(i.endsAt);
  return s.key.stage === 'received' ? [from + 12 * HOUR_MS, to + 4 * DAY_MS] : [from, to];
}

function hits(s: AnomalyScore, i: GroundTruthIncident): boolean {
  if (KIND_OF[i.kind] !== s.kind) return false;
  const onSeries = s.kind === 'intake' ? s.key.channel === i.channel
    : s.kind === 'adjustment' ? s.key.sku === i.sku && s.key.location === i.site
      : s.key.sku === i.sku;
  const [from, to] = window(i, s);
  const b = Date.parse(s.bucketStart);
  return onSeries && b < to && b + s.bucketMs > from;
}

/** Consecutive alert buckets of one series (a day apart at most for daily kinds). */
function episodes(alerts: AnomalyScore[]): AnomalyScore[][] {
  const sorted = [...alerts].sort((a, b) => a.seriesId.localeCompare(b.seriesId) || Date.parse(a.bucketStart) - Date.parse(b.bucketStart));
  const out: AnomalyScore[][] = [];
  for (const a of sorted) {
    const last = out.at(-1)?.at(-1);
    if (last && last.seriesId === a.seriesId && Date.parse(a.bucketStart) - Date.parse(last.bucketStart) <= a.bucketMs + 2 * HOUR_MS) out.at(-1)!.push(a);
    else out.push([a]);
  }
  return out;
}

describe('anomalies against the simulator ground truth', () => {
  test('feed delays, shrink and returns surges are found: recall ≥ 0.9 at precision ≥ 0.8 for each kind', () => {
    const t0 = performance.now();
    const scenario = createScenario({ seed: 7, start: START, days: DAYS, ordersPerDay: 6_000 });
    const builders = createSeriesBuilders({ timeZone: TIME_ZONE });
    for (const ev of scenario.events()) builders.add(ev);
    const t1 = performance.now();

    const cal = new Calendar(TIME_ZONE);
    const start = Date.parse(START);
    const day = (d: number) => cal.dayStart(start + d * DAY_MS + HOUR_MS);
    const scores: AnomalyScore[] = [];
    for (const set of [builders.intake(), builders.adjustments(), builders.returns()]) {
      for (let d = FIRST_SCORED; d < DAYS; d++) {
        const model = fitAnomalyModel(set, { from: day(d - HISTORY_DAYS), to: day(d) });
        scores.push(...scoreAnomalies(model, set, { from: day(d), to: day(d + 1) }));
      }
    }
    const t2 = performance.now();

    const truth = scenario.groundTruth();
    const scoredFrom = day(FIRST_SCORED), scoredTo = day(DAYS);
    const rows = (['intake', 'adjustment', 'returns'] as const).map((kind) => {
      const incidents = truth.filter((i) => KIND_OF[i.kind] === kind && Date.parse(i.startsAt) >= scoredFrom && Date.parse(i.endsAt) <= scoredTo);
      const alerts = scores.filter((s) => s.kind === kind && isAlert(s));
      const eps = episodes(alerts);
      const trueEps = eps.filter((e) => e.some((a) => truth.some((i) => hits(a, i))));
      const found = incidents.filter((i) => alerts.some((a) => hits(a, i)));
      return {
        kind, incidents: incidents.length, found: found.length, alerts: alerts.length, episodes: eps.length, falseEpisodes: eps.length - trueEps.length,
        recall: found.length / incidents.length, precision: eps.length ? trueEps.length / eps.length : 1,
        missed: incidents.filter((i) => !found.includes(i)).map((i) => i.description),
        falseAlarms: eps.filter((e) => !trueEps.includes(e)).map((e) => e[0].explanation),
      };
    });
    console.log(`generated ${DAYS} days in ${((t1 - t0) / 1000).toFixed(1)} s; ${DAYS - FIRST_SCORED} daily refits × 3 kinds, `
      + `${scores.length} scores in ${((t2 - t1) / 1000).toFixed(1)} s`);
    console.table(rows.map(({ missed: _m, falseAlarms: _f, ...r }) => ({ ...r, recall: r.recall.toFixed(2), precision: r.precision.toFixed(2) })));
    for (const r of rows) for (const line of [...r.missed.map((m) => `missed: ${m}`), ...r.falseAlarms.map((f) => `false alarm: ${f}`)]) console.log(`${r.kind} ${line}`);

    for (const r of rows) {
      expect(r.incidents, `${r.kind}: incidents in the scored days`).toBeGreaterThanOrEqual(5);
      expect(r.recall, `${r.kind} recall`).toBeGreaterThanOrEqual(0.9);
      expect(r.precision, `${r.kind} precision`).toBeGreaterThanOrEqual(0.8);
    }
  });
});
