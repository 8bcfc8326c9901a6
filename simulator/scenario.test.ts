import { describe, expect, test } from 'vitest';
import { EVENT_TYPES as ALL_EVENT_TYPES, parseEvent, subjectFor, type OpsEvent } from '../contracts/index.ts';
import { INCIDENT_KINDS } from './incidents.ts';
import { createScenario } from './scenario.ts';

/** The simulated business produces every family but `inventory`, which only the allocation service emits. */
const EVENT_TYPES = ALL_EVENT_TYPES.filter((t) => !t.startsWith('inventory.'));

const START = '2026-03-02T00:00:00Z';

/** A 2-day back-fill, generated once for the tests that read it (~400k events, ~2 s). */
const twoDays = (() => {
  let cached: { events: OpsEvent[]; truth: ReturnType<ReturnType<typeof createScenario>['groundTruth']> } | undefined;
  return () => {
    if (!cached) {
      const scenario = createScenario({ seed: 7, start: START, days: 2 });
      const events = [...scenario.events()];
      cached = { events, truth: scenario.groundTruth() };
    }
    return cached;
  };
})();

describe('scenario', () => {
  test('50k generated events all validate against the contracts on their own subject', () => {
    const scenario = createScenario({ seed: 3, start: '2026-11-01T00:00:00Z', days: 30 });
    let n = 0;
    for (const ev of scenario.events(50_000)) {
      const r = parseEvent(JSON.parse(JSON.stringify(ev)), subjectFor(ev.type));
      if (!r.ok) throw new Error(`${ev.type} ${ev.id}: ${r.reason}`);
      n++;
    }
    expect(n).toBe(50_000);
  });

  test('every event type appears in a 2-day back-fill', () => {
    const seen = new Map<string, number>();
    for (const ev of twoDays().events) seen.set(ev.type, (seen.get(ev.type) ?? 0) + 1);
    expect(EVENT_TYPES.filter((t) => !seen.has(t))).toEqual([]);
    // Plausible relative volumes: the order lifecycle dominates; each PO event is rare.
    expect(seen.get('orders.created')!).toBeGreaterThan(30_000);
    expect(seen.get('orders.shipped')!).toBeGreaterThan(seen.get('orders.cancelled')! * 10);
    expect(seen.get('purchase_orders.created')!).toBeLessThan(100);
  });

  test('ids are unique and events come out in occurredAt order, except a delayed feed', () => {
    const { events, truth } = twoDays();
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    const delay = truth.find((i) => i.kind === 'feed_delay')!;
    let latest = 0;
    let late = 0;
    for (const ev of events) {
      const t = Date.parse(ev.occurredAt);
      if (t < latest) {
        // Only a held marketplace order may come out behind the clock, and it occurred during the stall.
        expect(ev.type === 'orders.created' && ev.channel === delay.channel).toBe(true);
        expect(t >= Date.parse(delay.startsAt) && t < Date.parse(delay.endsAt)).toBe(true);
        late++;
      }
      latest = Math.max(latest, t);
    }
    expect(late).toBeGreaterThan(0);
  });

  test('the same seed gives identical events; another seed different ones', () => {
    const take = (seed: number) => [...createScenario({ seed, start: START, days: 3 }).events(20_000)];
    const a = take(11);
    expect(take(11)).toEqual(a);
    const b = take(12);
    expect(b.map((e) => e.id)).not.toEqual(a.map((e) => e.id));
    expect(b.slice(1000, 2000).map((e) => ({ ...e, id: '' }))).not.toEqual(a.slice(1000, 2000).map((e) => ({ ...e, id: '' })));
  });

  test('a shorter back-fill is an exact prefix of a longer one (ids included), so overlapping re-runs dedupe', () => {
    const short = [...createScenario({ seed: 5, start: START, days: 0.5 }).events()];
    const long = [...createScenario({ seed: 5, start: START, days: 3 }).events(short.length + 10)];
    expect(short.length).toBeGreaterThan(50_000);
    expect(long.slice(0, short.length)).toEqual(short);
  });
});

describe('incidents', () => {
  test('a 2-day back-fill carries one incident of each kind, with ground truth', () => {
    const { truth } = twoDays();
    expect(truth.map((i) => i.kind).sort()).toEqual([...INCIDENT_KINDS].sort());
    for (const i of truth) {
      expect(Date.parse(i.endsAt)).toBeGreaterThan(Date.parse(i.startsAt));
      expect(i.description.length).toBeGreaterThan(10);
    }
  });

  test('each incident leaves a trace a detector could find', () => {
    const { events, truth } = twoDays();
    const inc = (kind: string) => truth.find((i) => i.kind === kind)!;
    const within = (ev: OpsEvent, i: { startsAt: string; endsAt: string }, slackMs = 0) =>
      Date.parse(ev.occurredAt) >= Date.parse(i.startsAt) && Date.parse(ev.occurredAt) < Date.parse(i.endsAt) + slackMs;

    // Feed delay: the marketplace's orders arrive only after the stall, all at once.
    const feed = inc('feed_delay');
    const held = events.filter((e) => e.type === 'orders.created' && e.channel === feed.channel && within(e, feed));
    expect(held.length).toBeGreaterThan(5);
    const heldSet = new Set(held);
    const firstHeld = events.indexOf(held[0]);
    const lastOnTime = events.findLastIndex((e) => !heldSet.has(e) && Date.parse(e.occurredAt) < Date.parse(feed.endsAt));
    expect(firstHeld).toBeGreaterThan(lastOnTime);

    // Late pickup: the truck arrives after the cutoff and that day's parcels are handed off late.
    const late = inc('late_pickup');
    const arrived = events.find((e) => e.type === 'carrier.pickup_arrived' && e.site === late.site && e.carrier === late.carrier
      && within(e, late, 60_000));
    expect(arrived).toBeDefined();
    const lateShipped = events.filter((e) => e.type === 'orders.shipped' && e.site === late.site && e.carrier === late.carrier
      && Date.parse(e.handoffAt) > Date.parse(late.startsAt) && Date.parse(e.handoffAt) < Date.parse(late.endsAt) + 3_600_000);
    expect(lateShipped.length).toBeGreaterThan(10);

    // Shrink: a burst of negative shrink/theft adjustments for one sku at one site.
    const shrink = inc('shrink');
    const losses = events.filter((e) => e.type === 'stock.adjusted' && e.sku === shrink.sku && e.site === shrink.site
      && e.qtyDelta < 0 && (e.reasonCode === 'shrink' || e.reasonCode === 'theft') && within(e, shrink));
    expect(losses.length).toBeGreaterThanOrEqual(6);

    // Supplier delay: its open POs are pushed back.
    const supplier = inc('supplier_delay');
    const delayed = events.filter((e) => e.type === 'purchase_orders.delayed' && e.supplier === supplier.supplier
      && Date.parse(e.occurredAt) >= Date.parse(supplier.startsAt));
    expect(delayed.length).toBeGreaterThan(0);

    // Returns surge: the sku's authorizations per hour jump against the rest of the window.
    const surge = inc('returns_surge');
    const windowStart = Date.parse(START);
    const windowEnd = windowStart + 2 * 86_400_000;
    const s = Date.parse(surge.startsAt);
    const e = Math.min(Date.parse(surge.endsAt), windowEnd);
    let inside = 0;
    let outside = 0;
    for (const ev of events) {
      if (ev.type !== 'returns.authorized' || !ev.lines.some((l) => l.sku === surge.sku)) continue;
      const t = Date.parse(ev.occurredAt);
      if (t >= s && t < e) inside++;
      else outside++;
    }
    const perHour = (n: number, ms: number) => n / Math.max(1, ms / 3_600_000);
    expect(perHour(inside, e - s)).toBeGreaterThan(3 * Math.max(perHour(outside, windowEnd - windowStart - (e - s)), 1 / 24));
  });
});
