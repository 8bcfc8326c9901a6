import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseEvent, type CutoffScheduled } from '../contracts/index.ts';
import { SITES } from './catalog.ts';
import { createScenario } from './scenario.ts';
import { SiteCalendar } from './site-calendar.ts';
import { createUtcFormatter, formatInZone, offsetMinutes, zonedTimeToUtc } from './time-zones.ts';

const calendar = (site: string) => new SiteCalendar(SITES.find((s) => s.id === site)!, SITES.findIndex((s) => s.id === site));
const UPS = 0;

describe('site-local cutoffs', () => {
  test('a summer cutoff carries daylight time, a winter one standard time, at both sites', () => {
    const cases: [string, string, string][] = [
      ['wh-east', '2026-07-15', '2026-07-15T18:00:00-04:00'],
      ['wh-east', '2026-01-15', '2026-01-15T18:00:00-05:00'],
      ['3pl-west', '2026-07-15', '2026-07-15T17:00:00-07:00'],
      ['3pl-west', '2026-01-15', '2026-01-15T17:00:00-08:00'],
      // The spring-forward and fall-back days themselves (US: 2026-03-08 and 2026-11-01).
      ['wh-east', '2026-03-09', '2026-03-09T18:00:00-04:00'],
      ['wh-east', '2026-11-02', '2026-11-02T18:00:00-05:00'],
    ];
    for (const [site, date, expected] of cases) {
      const cal = calendar(site);
      const day = cal.dayAt(Date.parse(`${date}T20:00:00Z`));
      expect(day.date).toBe(date);
      expect(day.cutoffIso[UPS]).toBe(expected);
      expect(day.cutoffMs[UPS]).toBe(Date.parse(expected));
    }
  });

  test('DST days are 23 and 25 hours long, and midnight is local midnight', () => {
    const cal = calendar('wh-east');
    const spring = cal.dayAt(Date.parse('2026-03-08T12:00:00Z'));
    const fall = cal.dayAt(Date.parse('2026-11-01T12:00:00Z'));
    expect((spring.endMs - spring.startMs) / 3_600_000).toBe(23);
    expect((fall.endMs - fall.startMs) / 3_600_000).toBe(25);
    expect(formatInZone(spring.startMs, 'America/New_York')).toBe('2026-03-08T00:00:00-05:00');
    expect(formatInZone(fall.endMs, 'America/New_York')).toBe('2026-11-02T00:00:00-05:00');
  });

  test('the scenario publishes valid cutoff_scheduled events in the site offset, summer and winter', () => {
    for (const [start, east, west] of [['2026-07-14T00:00:00Z', '-04:00', '-07:00'], ['2026-01-13T00:00:00Z', '-05:00', '-08:00']]) {
      const cutoffs: CutoffScheduled[] = [];
      for (const ev of createScenario({ seed: 1, start, days: 2, ordersPerDay: 1_000 }).events()) {
        if (ev.type === 'carrier.cutoff_scheduled') cutoffs.push(ev);
      }
      expect(cutoffs.length).toBeGreaterThanOrEqual(12);
      for (const c of cutoffs) {
        expect(parseEvent(c).ok).toBe(true);
        expect(c.cutoffAt.endsWith(c.site === 'wh-east' ? east : west)).toBe(true);
        expect(c.timezone).toBe(c.site === 'wh-east' ? 'America/New_York' : 'America/Los_Angeles');
      }
    }
  });

  test('zonedTimeToUtc inverts the local wall clock for any instant outside the skipped DST hour', () => {
    fc.assert(fc.property(fc.integer({ min: Date.parse('2020-01-01'), max: Date.parse('2035-01-01') }), fc.constantFrom(
      'America/New_York', 'America/Los_Angeles', 'Europe/Berlin', 'UTC'), (ms, tz) => {
      const minute = Math.floor(ms / 60_000) * 60_000;
      const local = new Date(minute + offsetMinutes(tz, minute) * 60_000);
      const back = zonedTimeToUtc(tz, local.getUTCFullYear(), local.getUTCMonth() + 1, local.getUTCDate(),
        local.getUTCHours(), local.getUTCMinutes());
      // In the repeated fall-back hour a wall time names two instants; either one is a correct answer.
      return back === minute || Math.abs(back - minute) === 3_600_000;
    }), { numRuns: 500 });
  });

  test('the fast UTC formatter matches Date#toISOString', () => {
    const iso = createUtcFormatter();
    fc.assert(fc.property(fc.integer({ min: 0, max: Date.parse('2199-12-31') }), (ms) => iso(ms) === new Date(ms).toISOString()),
      { numRuns: 2000 });
  });
});
