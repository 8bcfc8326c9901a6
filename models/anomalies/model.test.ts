import { describe, expect, test } from 'vitest';
import type { OpsEvent } from '../../contracts/index.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './calendar.ts';
import {
  buildAdjustmentSeries, buildIntakeSeries, buildReturnsSeries, fitAnomalyModel, isAlert, loadAnomalyModel, saveAnomalyModel, scoreAnomalies,
} from './index.ts';

const MONDAY = Date.UTC(2026, 3, 6);
const iso = (t: number) => new Date(t).toISOString();
const envelope = (t: number, n: number) => ({ id: `ev-${n}`, occurredAt: iso(t), source: 'test', site: 'wh-east', schemaVersion: 1 as const });

function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  const poisson = (m: number) => { let k = 0, p = Math.exp(-m), s = p; const u = next(); while (u > s) { k++; p *= m / k; s += p; } return k; };
  return { next, poisson };
}

let n = 0;
const order = (t: number, channel: 'dtc-web' | 'marketplace-b', sku = 'SKU-1'): OpsEvent => ({
  ...envelope(t, n++), type: 'orders.created', orderId: `SO-${n}`, channel, lines: [{ sku, qty: 2, unitPrice: 10 }], currency: 'USD',
  shipToRegion: 'us-ne', promisedShipBy: iso(t + DAY_MS), priority: 'standard',
});
const adjusted = (t: number, sku: string, reasonCode: 'shrink' | 'damage', qtyDelta: number, site = 'wh-east'): OpsEvent => ({
  ...envelope(t, n++), site, type: 'stock.adjusted', sku, qtyDelta, reasonCode,
});
const authorized = (t: number, sku: string, reason: string): OpsEvent => ({
  ...envelope(t, n++), type: 'returns.authorized', rmaId: `RMA-${n}`, orderId: `SO-${n}`, lines: [{ sku, qty: 1, reason }],
});

/**
 * Three weeks of marketplace-b orders (15-minute Poisson counts rising from 10 at midnight to 56 at 23:00 UTC)
 * with one dtc-web order closing every bucket, and on the last day a marketplace-b feed that stalls
 * 14:00–14:45 and then delivers the held orders in a burst. (dtc-web keeps the delivery clock moving, as the
 * other channels and the warehouse do in a real feed; were every source to stall at once, only `arrivedAt`
 * could tell.) Built once for the tests that read it.
 */
const intakeHistory = (() => {
  let built: { events: OpsEvent[]; stallFrom: number } | undefined;
  return () => {
    if (built) return built;
    const r = rng(7);
    const events: OpsEvent[] = [];
    const stallFrom = MONDAY + 20 * DAY_MS + 14 * HOUR_MS, stallTo = stallFrom + 45 * MINUTE_MS;
    const held: OpsEvent[] = [];
    for (let b = MONDAY; b < MONDAY + 21 * DAY_MS; b += 15 * MINUTE_MS) {
      // The held orders are released once the clock has reached the end of the stall.
      if (b === stallTo) { events.push(order(stallTo, 'dtc-web'), ...held); held.length = 0; }
      const k = r.poisson(10 + 2 * new Date(b).getUTCHours());
      for (let i = 0; i < k; i++) (b >= stallFrom && b < stallTo ? held : events).push(order(b + ((i + 0.5) / k) * 15 * MINUTE_MS, 'marketplace-b'));
      events.push(order(b + 14.9 * MINUTE_MS, 'dtc-web'));
    }
    return (built = { events, stallFrom });
  };
})();

describe('series from contract events', () => {
  test('intake counts orders by arrival: a held order lands in the bucket it arrived in, not the one it occurred in', () => {
    const late = order(MONDAY + 10 * MINUTE_MS, 'marketplace-b');
    const events = [order(MONDAY + 5 * MINUTE_MS, 'dtc-web'), order(MONDAY + 40 * MINUTE_MS, 'dtc-web'), late];
    const byClock = buildIntakeSeries(events).series.get('channel=marketplace-b')!;
    expect([...byClock.buckets]).toEqual([[MONDAY + 30 * MINUTE_MS, { count: 1, units: 2 }]]);
    const told = buildIntakeSeries(events, { arrivedAt: (ev) => (ev === late ? MONDAY + 50 * HOUR_MS : undefined) });
    expect([...told.series.get('channel=marketplace-b')!.buckets.keys()]).toEqual([MONDAY + 50 * HOUR_MS]);
  });

  test('adjustments per SKU-location and reason per local day; returns per SKU, stage and reason, with sales', () => {
    const lateEvening = Date.UTC(2026, 3, 7, 2); // 22:00 on Monday 6 April in New York
    const adj = buildAdjustmentSeries([adjusted(lateEvening, 'SKU-1', 'shrink', -3), adjusted(lateEvening + HOUR_MS, 'SKU-1', 'shrink', -2)],
      { timeZone: 'America/New_York' });
    const s = adj.series.get('sku=SKU-1|location=wh-east|reason=shrink')!;
    expect([...s.buckets]).toEqual([[Date.UTC(2026, 3, 6, 4), { count: 2, units: 5 }]]);
    const ret = buildReturnsSeries([order(MONDAY, 'dtc-web', 'SKU-9'), authorized(MONDAY + HOUR_MS, 'SKU-9', 'defective')]);
    expect([...ret.series.keys()].sort()).toEqual(['sku=SKU-9|stage=authorized', 'sku=SKU-9|stage=authorized|reason=defective']);
    expect([...ret.sales!.lines.get('SKU-9')!]).toEqual([[MONDAY / DAY_MS, 1]]);
  });
});

describe('fit and score', () => {
  test('a stalled feed: the stalled buckets are the only alerts of the day, with their explanation', () => {
    const { events, stallFrom } = intakeHistory();
    const set = buildIntakeSeries(events);
    const scoreFrom = MONDAY + 20 * DAY_MS;
    const model = fitAnomalyModel(set, { from: MONDAY, to: scoreFrom });
    const scores = scoreAnomalies(model, set, { from: scoreFrom, to: scoreFrom + DAY_MS });
    expect(scores).toHaveLength(2 * 96);
    expect(scores.filter((s) => s.key.channel === 'dtc-web' && isAlert(s))).toEqual([]);
    const alerts = scores.filter((s) => isAlert(s));
    expect(alerts.map((a) => a.bucketStart)).toEqual([0, 15, 30].map((m) => iso(stallFrom + m * MINUTE_MS)));
    expect(alerts[0].explanation).toMatch(/^marketplace-b intake 100% below expected for Sunday 14:00 \(0 orders vs ~3\d; usual \d+–\d+\)$/);
    // The burst of held orders is a spike: scored, but not an intake alert (surges are promotions, not failures).
    const burst = scores.find((s) => s.bucketStart === iso(stallFrom + 45 * MINUTE_MS))!;
    expect(burst.direction).toBe('spike');
    expect(burst.score).toBeGreaterThan(10);
  });

  test('a saved model scores exactly as the fitted one; a damaged file is refused naming the field', () => {
    const { events } = intakeHistory();
    const set = buildIntakeSeries(events);
    const model = fitAnomalyModel(set, { from: MONDAY, to: MONDAY + 20 * DAY_MS });
    const window = { from: MONDAY + 20 * DAY_MS, to: MONDAY + 21 * DAY_MS };
    const text = saveAnomalyModel(model);
    expect(scoreAnomalies(loadAnomalyModel(text), set, window)).toEqual(scoreAnomalies(model, set, window));
    expect(() => loadAnomalyModel('{"format":')).toThrow(/invalid JSON/);
    const broken = JSON.parse(text);
    broken.series['channel=marketplace-b'].level.a = -1;
    expect(() => loadAnomalyModel(JSON.stringify(broken))).toThrow(/series\.channel=marketplace-b\.level\.a/);
    broken.series['channel=marketplace-b'].level.a = 1;
    broken.series['channel=marketplace-b'].factors = [1, 2];
    expect(() => loadAnomalyModel(JSON.stringify(broken))).toThrow(/2 factors where season hour-of-week has 168/);
  });

  test('a SKU-location never seen in the history is scored from its reason group: a shrink burst alerts', () => {
    const r = rng(3);
    const history: OpsEvent[] = [];
    for (let d = 0; d < 14; d++) {
      for (let sku = 0; sku < 40; sku++) if (r.next() < 0.1) history.push(adjusted(MONDAY + d * DAY_MS + 10 * HOUR_MS, `SKU-${sku}`, 'shrink', -1));
    }
    const burst = Array.from({ length: 6 }, (_, i) => adjusted(MONDAY + 14 * DAY_MS + (9 + i) * HOUR_MS, 'SKU-NEW', 'shrink', -4));
    const model = fitAnomalyModel(buildAdjustmentSeries(history), { from: MONDAY, to: MONDAY + 14 * DAY_MS });
    expect(model.series['sku=SKU-NEW|location=wh-east|reason=shrink']).toBeUndefined();
    const set = buildAdjustmentSeries([...history, ...burst]);
    const alerts = scoreAnomalies(model, set, { from: MONDAY + 14 * DAY_MS, to: MONDAY + 15 * DAY_MS }).filter((s) => isAlert(s));
    expect(alerts.map((a) => a.seriesId)).toEqual(['sku=SKU-NEW|location=wh-east|reason=shrink']);
    expect(alerts[0].explanation).toMatch(/^SKU-NEW at wh-east: shrink adjustments \d+× expected on Monday 20 Apr \(6 adjustments, 24 units, vs ~0\.\d+; usual 0–\d\)$/);
  });

  test('returns by reason: one reason taking over the mix alerts; the same jump in volume in the usual mix does not', () => {
    const r = rng(5);
    const reasons = ['size or fit', 'changed mind', 'defective', 'damaged in transit'];
    const events: OpsEvent[] = [];
    for (let d = 0; d < 15; d++) {
      for (const sku of ['SKU-8', 'SKU-9']) {
        for (let i = 0; i < 40; i++) events.push(order(MONDAY + d * DAY_MS + i * 30 * MINUTE_MS, 'dtc-web', sku));
        // Day 14: both SKUs triple their returns; SKU-9's extra returns are all "defective".
        for (let i = 0; i < (d === 14 ? 24 : 8); i++) {
          const reason = d === 14 && sku === 'SKU-9' && i < 16 ? 'defective' : reasons[Math.floor(r.next() * reasons.length)];
          events.push(authorized(MONDAY + d * DAY_MS + (2 + i * 0.5) * HOUR_MS, sku, reason));
        }
      }
    }
    const set = buildReturnsSeries(events);
    const model = fitAnomalyModel(set, { from: MONDAY, to: MONDAY + 14 * DAY_MS });
    const mix = scoreAnomalies(model, set, { from: MONDAY + 14 * DAY_MS, to: MONDAY + 15 * DAY_MS }).filter((s) => s.key.reason);
    expect(mix.filter((s) => isAlert(s)).map((a) => a.seriesId)).toEqual(['sku=SKU-9|stage=authorized|reason=defective']);
    expect(mix.find((s) => isAlert(s))!.explanation)
      .toMatch(/^SKU-9 returns authorized as "defective" \d\.\d× expected on Monday 20 Apr \(\d+ lines vs ~\d\.\d of the day's lines at its usual share; usual \d+–\d+\)$/);
    expect(Math.max(...mix.filter((s) => s.key.sku === 'SKU-8').map((s) => s.score))).toBeLessThan(2);
  });
});
