import { describe, expect, test } from 'vitest';
import { parseEvent, type OpsEvent } from '../../contracts/index.ts';
import { CutoffFeatureBuilder } from './feature-builder.ts';
import { FEATURE_NAMES, type OrderSnapshot } from './features.ts';
import { outcomeAt } from './miss.ts';
import { MinHeap, RollingSum } from './rolling.ts';

let seq = 0;
/** A contract event at a UTC instant, validated so the hand-made history is one a producer could send. */
function ev(at: string, site: string, body: Record<string, unknown>): OpsEvent {
  const r = parseEvent({ id: `ev-${++seq}`, occurredAt: at, source: 'test', site, schemaVersion: 1, ...body });
  if (!r.ok) throw new Error(r.reason);
  return r.event;
}
const created = (at: string, orderId: string, qty: number[], o: { site?: string; promise?: string; priority?: string } = {}) =>
  ev(at, o.site ?? 'wh-1', { type: 'orders.created', orderId, channel: 'dtc-web', currency: 'USD', shipToRegion: 'us-ne',
    promisedShipBy: o.promise ?? '2026-03-02T17:00:00-05:00', priority: o.priority ?? 'standard',
    lines: qty.map((q, i) => ({ sku: `SKU-${i}`, qty: q, unitPrice: 10 })) });
const f = (s: OrderSnapshot, name: (typeof FEATURE_NAMES)[number]) => s.x[FEATURE_NAMES.indexOf(name)];
const ms = (iso: string) => Date.parse(iso);

describe('cutoff feature builder', () => {
  test('a hand-made day: backlog ahead, throughput, labor, carrier, pickup and outcomes', () => {
    const b = new CutoffFeatureBuilder({ retainMs: Infinity });
    const history: OpsEvent[] = [
      ev('2026-03-02T05:00:00Z', 'wh-1', { type: 'carrier.cutoff_scheduled', carrier: 'ups', service: 'ground',
        cutoffAt: '2026-03-02T17:00:00-05:00', timezone: 'America/New_York' }),
      ev('2026-03-02T10:00:00Z', 'wh-1', { type: 'warehouse.labor_shift', shiftId: 'day', pickers: 2, packers: 3,
        startsAt: '2026-03-02T06:00:00-05:00', endsAt: '2026-03-02T14:30:00-05:00' }),
      created('2026-03-02T12:00:00Z', 'O1', [3, 1]),
      created('2026-03-02T12:10:00Z', 'O2', [10], { priority: 'express' }),
      created('2026-03-02T12:20:00Z', 'O3', [2]),
      created('2026-03-02T12:30:00Z', 'O4', [5], { promise: '2026-03-03T17:00:00-05:00' }),
      ev('2026-03-02T12:40:00Z', 'wh-1', { type: 'orders.allocated', orderId: 'O1', allocations: [{ sku: 'SKU-0', qty: 3, location: 'A1' }] }),
      ev('2026-03-02T12:50:00Z', 'wh-1', { type: 'orders.cancelled', orderId: 'O3', reason: 'customer request' }),
      ev('2026-03-02T13:00:00Z', 'wh-1', { type: 'orders.packed', orderId: 'O1', packages: 1, units: 4 }),
    ];
    for (const e of history) b.ingest(e);
    b.advance(ms('2026-03-02T13:05:00Z'));
    const o2 = b.snapshot(b.orders.get('O2')!);
    // O1 is packed and O3 cancelled, so only O2's own 10 units are ahead of it; O4 (tomorrow) is not.
    expect(f(o2, 'log_units_ahead')).toBeCloseTo(Math.log1p(10));
    expect(f(o2, 'log_orders_ahead')).toBeCloseTo(Math.log1p(1));
    expect(f(o2, 'log_backlog_units')).toBeCloseTo(Math.log1p(15));
    expect(f(o2, 'log_pack_rate')).toBeCloseTo(Math.log1p(4));
    expect(f(o2, 'log_pickers')).toBeCloseTo(Math.log1p(2));
    expect(f(o2, 'log_packers')).toBeCloseTo(Math.log1p(3));
    expect(f(o2, 'prio_express')).toBe(1);
    expect(f(o2, 'log_units')).toBeCloseTo(Math.log1p(10));
    expect(f(o2, 'hours_to_cutoff') * 24).toBeCloseTo((22 * 60 - 13 * 60 - 5) / 60);
    // 17:00 in New York (EST) is minute 1020 of the local day.
    expect(Math.atan2(f(o2, 'cutoff_hour_sin'), f(o2, 'cutoff_hour_cos'))).toBeCloseTo((2 * Math.PI * 1020) / 1440 - 2 * Math.PI);
    expect(o2.carrier).toBe('ups');
    expect(f(o2, 'carrier_known')).toBe(1);
    // No productivity sample yet: backlog ÷ the last hour's pack rate, 10 units at 4 units/h = 2.5 h.
    expect(o2.readyAtMs).toBe(ms('2026-03-02T13:05:00Z') + 2.5 * 3_600_000);
    expect(o2.ruleShortfallHours).toBeCloseTo(2.5 - (22 * 60 - 13 * 60 - 5) / 60);
    expect(o2.pTruck).toBe(0); // no pickup history at all: the truck's risk is unknown, not guessed
    const o1 = b.snapshot(b.orders.get('O1')!);
    expect(f(o1, 'packed')).toBe(1);
    expect(f(o1, 'allocated')).toBe(1);
    expect(o1.readyAtMs).toBe(ms('2026-03-02T13:00:00Z'));

    b.ingest(ev('2026-03-02T21:25:00Z', 'wh-1', { type: 'carrier.pickup_arrived', carrier: 'ups', pickupId: 'P1', scheduledAt: '2026-03-02T21:30:00Z' }));
    const o2late = b.snapshot(b.orders.get('O2')!);
    expect(f(o2late, 'pickup_arrived')).toBe(1);
    expect(f(o2late, 'since_arrival_unpacked_hours')).toBe(0);
    b.ingest(ev('2026-03-02T21:31:00Z', 'wh-1', { type: 'orders.shipped', orderId: 'O1', carrier: 'ups', service: 'ground',
      trackingNumber: 'T1', handoffAt: '2026-03-02T21:30:00Z' }));
    b.ingest(ev('2026-03-02T22:11:00Z', 'wh-1', { type: 'orders.shipped', orderId: 'O2', carrier: 'ups', service: 'ground',
      trackingNumber: 'T2', handoffAt: '2026-03-02T22:10:00Z' }));
    b.advance(ms('2026-03-03T12:00:00Z'));
    expect(b.orders.get('O1')!.outcome).toBe('made');
    expect(b.orders.get('O2')!.outcome).toBe('missed');
    expect(b.orders.get('O3')!.outcome).toBe('cancelled');
    expect(b.orders.get('O4')!.outcome).toBe('open');
    expect(b.isOpen(b.orders.get('O4')!)).toBe(true);
    expect(b.truckOutcome(b.orders.get('O2')!, Infinity)).toBe('on_time');
  });

  test('order-level events alone: the promise is the cutoff, throughput comes from shipments', () => {
    const b = new CutoffFeatureBuilder({ retainMs: Infinity });
    b.ingest(created('2026-03-02T14:00:00Z', 'A', [2], { site: '3pl', promise: '2026-03-02T16:00:00-08:00' }));
    b.ingest(created('2026-03-02T14:30:00Z', 'B', [6], { site: '3pl', promise: '2026-03-02T16:00:00-08:00' }));
    b.ingest(ev('2026-03-02T15:00:00Z', '3pl', { type: 'orders.shipped', orderId: 'A', carrier: 'fedex', service: 'ground',
      trackingNumber: 'TA', handoffAt: '2026-03-02T14:58:00Z' }));
    const s = b.snapshot(b.orders.get('B')!, ms('2026-03-02T15:30:00Z'));
    expect(s.carrier).toBeUndefined();
    expect(f(s, 'log_ship_rate')).toBeCloseTo(Math.log1p(2));
    expect(f(s, 'cutoff_handed_share')).toBeCloseTo(0.5);
    expect(f(s, 'has_labor')).toBe(0);
    expect(s.readyAtMs).toBe(ms('2026-03-02T15:30:00Z') + 3 * 3_600_000); // 6 units at 2 units/h
    // 16:00 at UTC−8 is minute 960 of the local day, taken from the promise's own offset.
    expect(b.orders.get('B')!.localMinute).toBe(960);
    expect(s.x.every(Number.isFinite)).toBe(true);
  });

  test('an order fulfilled by another site moves its backlog there', () => {
    const b = new CutoffFeatureBuilder({ retainMs: Infinity });
    b.ingest(created('2026-03-02T14:00:00Z', 'M', [4], { site: 'west', promise: '2026-03-02T17:00:00-08:00' }));
    expect(b.site('west').backlogUnits).toBe(4);
    b.ingest(ev('2026-03-02T14:05:00Z', 'east', { type: 'orders.allocated', orderId: 'M', allocations: [{ sku: 'SKU-0', qty: 4, location: 'E1' }] }));
    expect(b.site('west').backlogUnits).toBe(0);
    expect(b.site('east').backlogUnits).toBe(4);
    expect(f(b.snapshot(b.orders.get('M')!), 'other_site')).toBe(1);
  });
});

describe('miss definition', () => {
  const base = { deadlineMs: 1000, shipments: 1, handoffs: 0, lastHandoffMs: NaN, cancelledMs: NaN };
  test.each([
    ['handed off in time', { handoffs: 1, lastHandoffMs: 1000 }, 2000, 'made'],
    ['handed off late', { handoffs: 1, lastHandoffMs: 1001 }, 2000, 'missed'],
    ['one of two shipments late', { shipments: 2, handoffs: 1, lastHandoffMs: 1500 }, 2000, 'missed'],
    ['one of two shipments so far, in time', { shipments: 2, handoffs: 1, lastHandoffMs: 900 }, 2000, 'open'],
    ['cancelled before the promise', { cancelledMs: 900 }, 5e6, 'cancelled'],
    ['cancelled after the promise', { cancelledMs: 1100 }, 5e6, 'missed'],
    ['not shipped within the grace hour', {}, 1000 + 3_600_001, 'missed'],
    ['not shipped yet, inside the grace hour', {}, 1000 + 3_600_000, 'open'],
  ] as const)('%s', (_, facts, asOf, outcome) => {
    expect(outcomeAt({ ...base, ...facts }, asOf)).toBe(outcome);
  });
});

describe('streaming helpers', () => {
  test('a rolling sum forgets what is older than its span', () => {
    const r = new RollingSum(60);
    r.add(0, 5); r.add(30, 2); r.add(59, 1);
    expect(r.at(59)).toBe(8);
    expect(r.at(60)).toBe(3);
    expect(r.at(120)).toBe(0);
  });

  test('the heap pops by key, ties in insertion order', () => {
    const h = new MinHeap<string>();
    [[5, 'e'], [1, 'a'], [3, 'c1'], [3, 'c2'], [2, 'b']].forEach(([k, v]) => h.push(k as number, v as string));
    expect(Array.from({ length: 5 }, () => h.pop())).toEqual(['a', 'b', 'c1', 'c2', 'e']);
  });
});
