/** The sources' pure parts: model scores → instances with labels and impact; event windows counting, ageing, resolving. */
import { describe, expect, test } from 'vitest';
import { RuleSchema, type RuleInput } from '../../contracts/alerts.ts';
import { loadRuleSetFile } from '../rules.ts';
import { BusinessFigures } from './business-figures.ts';
import { EventWindows, MAX_HITS, MAX_KEYS, type EventRule, type FlatEvent } from './event-window.ts';
import { createLogger } from '../../runtime/logger.ts';
import type { Db } from '../../clickhouse/client.ts';
import type { NatsConnection } from '../../runtime/nats.ts';
import { scoreExpired, scoreInstances, seriesLabels, type ScoreEntry } from './score-instances.ts';
import { ScoreSource } from './score.source.ts';

const rules = Object.fromEntries(loadRuleSetFile().rules.map((r) => [r.id, r]));
const T = Date.parse('2026-03-02T15:07:00Z');
const figures = new BusinessFigures();
figures.load({
  skus: [{ site: 'wh-east', sku: 'S1', units: 300, revenue: 6000, orders: 150 }, { site: 'wh-west', sku: 'S1', units: 100, revenue: 2000, orders: 100 }],
  orders: [{ site: 'wh-east', channel: 'dtc-web', orders: 100, units: 300, revenue: 8000 }, { site: 'wh-west', channel: 'marketplace-a', orders: 100, units: 100, revenue: 4000 }],
});
const entry = (o: Partial<ScoreEntry> & Pick<ScoreEntry, 'kind' | 'entity' | 'site'>): ScoreEntry =>
  ({ score: 0.8, scoredAt: T, explanation: 'why', details: {}, ...o });

describe('score instances', () => {
  test('stockout: labels site and sku; units = P × daily demand × days without stock, priced at the SKU average', () => {
    const [i] = scoreInstances(rules.stockout_risk!, [entry({ kind: 'stockout', entity: 'S1@wh-east', site: 'wh-east', sku: 'S1',
      details: { replenishmentInDays: 6, stockoutDay: 2 } })], figures, T);
    // 300 units in 30 days = 10/day; 4 days without stock; P 0.8 → 32 units; 2 units per order line; 8000/400 = 20 a unit.
    expect(i).toEqual({ labels: { site: 'wh-east', sku: 'S1' }, value: 0.8, summary: 'why', impact: { ordersAtRisk: 16, revenueAtRisk: 640, unitsAtRisk: 32 } });
  });

  test('cutoff_wave: open orders at the site average order value; a passed cutoff is dropped', () => {
    const wave = (cutoffAt: string) => entry({ kind: 'cutoff_wave', entity: `wh-east/ups/${cutoffAt}`, site: 'wh-east',
      details: { carrier: 'ups', cutoffAt, openOrders: 12, openUnits: 30 } });
    const out = scoreInstances(rules.cutoff_risk!, [wave('2026-03-02T17:00:00-05:00'), wave('2026-03-02T09:00:00-05:00')], figures, T);
    expect(out).toEqual([{ labels: { site: 'wh-east', carrier: 'ups', cutoff: '2026-03-02T17:00:00-05:00' }, value: 0.8, summary: 'why',
      impact: { ordersAtRisk: 12, revenueAtRisk: 960, unitsAtRisk: 30 } }]);
  });

  test('anomaly: the newest current bucket per series of the rule\'s kind and direction; missing orders priced by channel', () => {
    const intake = (bucketStart: string, score: number, direction = 'drop') => entry({ kind: 'anomaly', entity: `channel=dtc-web@${bucketStart}`,
      site: 'network', score, observed: 2, expected: 26, details: { anomalyKind: 'intake', series: 'channel=dtc-web', bucketStart, direction } });
    const out = scoreInstances(rules.intake_drop!, [intake('2026-03-02T14:45:00.000Z', 0.7), intake('2026-03-02T14:30:00.000Z', 0.9),
      intake('2026-03-02T14:45:00.000Z', 0.9, 'spike'), intake('2026-03-02T13:00:00.000Z', 0.9)], figures, T);
    expect(out).toEqual([{ labels: { site: 'network', channel: 'dtc-web' }, value: 0.7, summary: 'why', impact: { ordersAtRisk: 24, revenueAtRisk: 1920 } }]);
    // 14:45 is 22 min old at T; at T + 1 h it has aged out, so the alert recovers.
    expect(scoreInstances(rules.intake_drop!, [intake('2026-03-02T14:45:00.000Z', 0.7)], figures, T + 3_600_000)).toEqual([]);
    expect(seriesLabels('sku=S1|location=wh-east|reason=shrink')).toEqual({ sku: 'S1', location: 'wh-east', reason: 'shrink' });
  });
});

describe('score memory', () => {
  test('scores that can no longer alert are forgotten: aged-out anomaly buckets, passed cutoffs; stock-out scores stay', async () => {
    let deliver: (data: Uint8Array) => void = () => undefined;
    const nc = { subscribe: (_s: string, o: { callback: (e: unknown, m: { data: Uint8Array }) => void }) => {
      deliver = (data) => o.callback(null, { data });
      return { unsubscribe: () => undefined };
    } } as unknown as NatsConnection;
    const db = { query: () => Promise.reject(new Error('no ClickHouse here')) } as unknown as Db;
    const source = new ScoreSource({ nc, db, figures, log: createLogger('sources-test', 'silent'), emit: () => undefined, debounceMs: 1e9 });
    await source.start(T);
    const send = (kind: string, entity: string, details: Record<string, string>) => deliver(new TextEncoder().encode(JSON.stringify({
      kind, entity, site: 'wh-east', score: 0.9, model: 'm', modelVersion: 'v1', scoredAt: new Date(T).toISOString(), explanation: 'why', details })));
    const day = 86_400_000;
    for (let i = 0; i < 200; i++) {
      const bucketStart = new Date(T - i * 15 * 60_000).toISOString();
      send('anomaly', `channel=dtc-web@${bucketStart}`, { anomalyKind: 'intake', series: 'channel=dtc-web', bucketStart, observed: '1', expected: '9' });
      send('cutoff_order', `O-${i}`, { cutoffAt: new Date(T + (i % 2 ? day : -day)).toISOString() });
    }
    send('stockout', 'S1@wh-east', {});
    expect(source.size()).toBe(401);
    source.prune(T);
    // 50 h of 15-minute buckets are still current (200 sent), the 100 future cutoffs, the stock-out score.
    expect(source.size()).toBe(Math.floor(50 * 4) + 100 + 1);
    source.prune(T + 3 * day);
    expect(source.size()).toBe(1);
    source.stop();
    expect(scoreExpired({ kind: 'cutoff_wave', entity: 'wh-east/ups/2026-03-02T17:00:00Z', site: 'wh-east', score: 1, scoredAt: T, explanation: '',
      details: {} }, T)).toBe(false);
  });
});

describe('event windows', () => {
  const ev = (type: string, at: number, extra: Record<string, unknown> = {}): FlatEvent =>
    ({ id: `e${at}`, type, occurredAt: new Date(at).toISOString(), site: 'wh-east', source: 'x', schemaVersion: 1, ...extra });
  const exc = (at: number, carrier = 'ups') => ev('carrier.exception', at, { carrier, trackingNumber: 't', code: 'late_pickup' });

  test('counts per key within the window, ignores events older than it, forgets keys that age out', () => {
    const w = new EventWindows(rules.carrier_exception as EventRule, (_l, n) => ({ ordersAtRisk: n, revenueAtRisk: 0 }));
    expect(w.apply(exc(T - 40 * 60_000), T)).toBeNull(); // older than 30 min
    w.apply(exc(T - 20 * 60_000), T);
    w.apply(exc(T - 10 * 60_000, 'fedex'), T);
    const c = w.apply(exc(T - 60_000), T);
    expect(c).toMatchObject({ kind: 'counted', instance: { labels: { site: 'wh-east', carrier: 'ups' }, value: 2 } });
    expect(w.instances(T).map((i) => [i.labels.carrier, i.value])).toEqual([['ups', 2], ['fedex', 1]]);
    expect(w.instances(T + 15 * 60_000).map((i) => [i.labels.carrier, i.value])).toEqual([['ups', 1], ['fedex', 1]]);
    expect(w.instances(T + 30 * 60_000)).toEqual([]);
  });

  test('a resolving event ends its key at once, matched on keyBy and labelled by labelAs', () => {
    const w = new EventWindows(rules.po_delayed as EventRule, () => ({ ordersAtRisk: 0, revenueAtRisk: 0 }));
    const delayed = ev('purchase_orders.delayed', T - 3_600_000, { poId: 'PO-1', supplier: 'acme', reason: 'weather', newExpectedAt: '2026-03-09T00:00:00Z' });
    const c = w.apply(delayed, T);
    expect(c?.instance.labels).toEqual({ site: 'wh-east', po: 'PO-1', supplier: 'acme' });
    expect(c?.instance.summary).toContain('weather');
    expect(w.apply(ev('purchase_orders.received', T, { poId: 'PO-2', supplier: 'acme' }), T)).toBeNull();
    expect(w.apply(ev('purchase_orders.received', T, { poId: 'PO-1', supplier: 'acme' }), T)).toMatchObject({ kind: 'resolved', instance: { value: 0 } });
    expect(w.instances(T)).toEqual([]);
  });

  test('a redelivered event (same id) is not counted twice, also after a dump/restore; keys and hits are capped', () => {
    const w = new EventWindows(rules.carrier_exception as EventRule, (_l, n) => ({ ordersAtRisk: n, revenueAtRisk: 0 }));
    w.apply(exc(T - 60_000), T);
    expect(w.apply(exc(T - 60_000), T)).toBeNull();
    const again = new EventWindows(rules.carrier_exception as EventRule, (_l, n) => ({ ordersAtRisk: n, revenueAtRisk: 0 }));
    again.restore(JSON.parse(JSON.stringify(w.dump())));
    expect(again.apply(exc(T - 60_000), T)).toBeNull();
    expect(again.apply(exc(T - 30_000), T)?.instance.value).toBe(2);
    for (let i = 0; i < MAX_HITS + 50; i++) again.apply({ ...exc(T - 1_000), id: `burst-${i}` }, T);
    expect(again.instances(T)[0]!.value).toBe(MAX_HITS);
    const keys = new EventWindows(rules.carrier_exception as EventRule, () => ({ ordersAtRisk: 0, revenueAtRisk: 0 }));
    for (let i = 0; i < MAX_KEYS + 3; i++) keys.apply({ ...exc(T - 1_000, `c${i}`), id: `k${i}` }, T);
    expect(keys.instances(T)).toHaveLength(MAX_KEYS);
    expect(keys.droppedKeys).toBe(3);
  });

  test('match filters on event fields', () => {
    const input: RuleInput = { id: 'lost_parcels', type: 'lost_parcels', title: 'Lost', ownerRole: 'warehouse_lead',
      source: { kind: 'event', eventType: 'carrier.exception', match: { code: 'lost' }, keyBy: ['carrier'], windowSeconds: 3600 },
      condition: { op: '>=', threshold: 1, recover: 1 } };
    const w = new EventWindows(RuleSchema.parse(input) as EventRule, () => ({ ordersAtRisk: 0, revenueAtRisk: 0 }));
    expect(w.apply(exc(T), T)).toBeNull();
    expect(w.apply({ ...exc(T), code: 'lost' }, T)).not.toBeNull();
  });
});
