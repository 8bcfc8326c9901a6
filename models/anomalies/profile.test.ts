import { describe, expect, test } from 'vitest';
import { Calendar, DAY_MS, HOUR_MS } from './calendar.ts';
import { estimateProfile, slotOf } from './profile.ts';

const utc = new Calendar('UTC');
const MONDAY = Date.UTC(2026, 3, 6);

/** Hourly (or daily) buckets from a Monday, values from a function of the local time. */
function series(days: number, stepMs: number, value: (t: number) => number) {
  const x: number[] = [], local = [];
  for (let t = MONDAY; t < MONDAY + days * DAY_MS; t += stepMs) { x.push(value(t)); local.push(utc.local(t)); }
  return { x, local };
}
const shape = (h: number) => 10 + h; // 10 at midnight … 33 at 23:00, mean 21.5

describe('seasonal profile', () => {
  test('hour of day: the median per hour, shrunk toward the level with the weight of one day', () => {
    const { x, local } = series(7, HOUR_MS, (t) => shape(utc.local(t).hour));
    const f = estimateProfile(x, local, 'hour-of-day', 'ratio');
    // By hand: base_h = (7·s_h + 21.5) / 8; its mean over the buckets is 21.5, so f_h = base_h / 21.5.
    expect(f[0]).toBeCloseTo((7 * 10 + 21.5) / 8 / 21.5, 10);
    expect(f[23]).toBeCloseTo((7 * 33 + 21.5) / 8 / 21.5, 10);
  });

  test('a stalled morning on one day of seven does not move the profile (medians)', () => {
    const clean = series(7, HOUR_MS, (t) => shape(utc.local(t).hour));
    const stalled = series(7, HOUR_MS, (t) => {
      const lt = utc.local(t);
      return lt.day === utc.local(MONDAY).day + 2 && lt.hour >= 10 && lt.hour < 12 ? 0 : shape(lt.hour);
    });
    expect(estimateProfile(stalled.x, stalled.local, 'hour-of-day', 'ratio')).toEqual(estimateProfile(clean.x, clean.local, 'hour-of-day', 'ratio'));
  });

  test('a weekday effect needs three of that weekday: two Sundays are a mean, not a median', () => {
    const sundays = (t: number) => (utc.local(t).weekday === 0 ? 200 : 100);
    const two = series(14, DAY_MS, sundays);
    expect(estimateProfile(two.x, two.local, 'day-of-week', 'ratio')).toEqual([1, 1, 1, 1, 1, 1, 1]);
    const three = series(21, DAY_MS, sundays);
    const f = estimateProfile(three.x, three.local, 'day-of-week', 'ratio');
    // By hand: Sunday ratio 2 over 3 Sundays, shrunk with one pseudo-day: (3·2 + 1) / 4 = 1.75 → 175 vs 100;
    // normalised by the mean over the 21 days, (3·175 + 18·100) / 21.
    const m = (3 * 175 + 18 * 100) / 21;
    expect(f[0]).toBeCloseTo(175 / m, 10);
    expect(f[3]).toBeCloseTo(100 / m, 10);
  });

  test('hour of week refines a slot only from three weeks: Tuesday 14:00 at three times normal', () => {
    const busyTuesday = (t: number) => { const lt = utc.local(t); return shape(lt.hour) * (lt.weekday === 2 && lt.hour === 14 ? 3 : 1); };
    const ratio = (days: number) => {
      const { x, local } = series(days, HOUR_MS, busyTuesday);
      const f = estimateProfile(x, local, 'hour-of-week', 'ratio');
      const at = (weekday: number) => f[slotOf('hour-of-week', { day: 0, weekday, hour: 14, minute: 0 })];
      return at(2) / at(3);
    };
    // Two weeks: no slot effect (the weekday factor is off too). Three: (3·3 + 2·parent) / 5 ≈ 2.2× Wednesday.
    expect(ratio(14)).toBe(1);
    expect(ratio(21)).toBeGreaterThan(2);
    expect(ratio(21)).toBeLessThan(2.4);
  });

  test('a slot that never saw an event is rare, not impossible: floored at half an event over its history', () => {
    const { x, local } = series(7, HOUR_MS, (t) => (utc.local(t).hour === 3 ? 0 : 20));
    const f = estimateProfile(x, local, 'hour-of-day', 'ratio');
    expect(f[3]).toBeGreaterThan(0);
    expect(f[3] / f[4]).toBeLessThan(0.2);
  });

  test('offset profiles (any values) are the expected values themselves', () => {
    const { x, local } = series(7, HOUR_MS, (t) => (utc.local(t).hour === 5 ? -7 : -10));
    const e = estimateProfile(x, local, 'hour-of-day', 'offset');
    const level = (23 * -10 - 7) / 24;
    expect(e[5]).toBeCloseTo((7 * -7 + level) / 8, 10);
    expect(e[6]).toBeCloseTo((7 * -10 + level) / 8, 10);
  });

  test('local time follows the zone across a DST change: 14:00 in New York is 18:00Z in April, 19:00Z in January', () => {
    const ny = new Calendar('America/New_York');
    expect(ny.local(Date.UTC(2026, 3, 7, 18)).hour).toBe(14);
    expect(ny.local(Date.UTC(2026, 0, 6, 19)).hour).toBe(14);
    expect(ny.label(Date.UTC(2026, 3, 7, 18), HOUR_MS)).toBe('Tuesday 14:00');
    expect(ny.label(ny.dayStart(Date.UTC(2026, 3, 7, 18)), DAY_MS)).toBe('Tuesday 7 Apr');
    // The spring-forward day is 23 hours long.
    const day = ny.dayStart(Date.UTC(2026, 2, 8, 12));
    expect(ny.nextBucket(day, DAY_MS) - day).toBe(23 * HOUR_MS);
  });
});
