/**
 * A site's local days: where midnight falls, the weekday, and each carrier's cutoff that day, written in the
 * site's own offset (what `carrier.cutoff_scheduled` carries). Days are built once and cached; a DST day is
 * 23 or 25 hours long and its cutoff carries the offset in force at the cutoff itself.
 */
import { CARRIERS, type SiteProfile } from './catalog.ts';
import { DAY, formatLocal, localParts, offsetMinutes, zonedTimeToUtc } from './time-zones.ts';

export interface SiteDay {
  /** Local calendar days since 1970-01-01. */
  dayNumber: number;
  /** Local date, YYYY-MM-DD. */
  date: string;
  year: number;
  month: number;
  day: number;
  /** 0 = Sunday. */
  weekday: number;
  /** Local midnight and the next one, as instants. */
  startMs: number;
  endMs: number;
  /** Per carrier (CARRIERS order): the cutoff instant, NaN when the carrier does not pick up that day. */
  cutoffMs: number[];
  cutoffIso: string[];
}

export class SiteCalendar {
  private readonly days = new Map<number, SiteDay>();
  private last: SiteDay | undefined;

  /** `index` is the site's position in SITES, which orders each carrier's cutoff table. */
  constructor(readonly site: SiteProfile, readonly index: number) {}

  /**
   * The local day containing an instant. Guesses the local day from the last offset seen and checks the
   * cached neighbours, so Intl (~3 µs a call) runs about once per simulated day rather than once per lookup.
   */
  dayAt(ms: number): SiteDay {
    const last = this.last;
    if (last && ms >= last.startMs && ms < last.endMs) return last;
    if (last) {
      const guess = Math.floor((ms - last.startMs) / DAY) + last.dayNumber;
      for (let dn = guess - 1; dn <= guess + 1; dn++) {
        const d = this.day(dn);
        if (ms >= d.startMs && ms < d.endMs) return (this.last = d);
      }
    }
    const p = localParts(this.site.timezone, ms);
    return (this.last = this.day(Math.floor(Date.UTC(p.year, p.month - 1, p.day) / DAY)));
  }

  day(dayNumber: number): SiteDay {
    let d = this.days.get(dayNumber);
    if (d) return d;
    const tz = this.site.timezone;
    const date = new Date(dayNumber * DAY);
    const year = date.getUTCFullYear();
    const month = date.getUTCMonth() + 1;
    const day = date.getUTCDate();
    const weekday = date.getUTCDay();
    const next = new Date((dayNumber + 1) * DAY);
    const startMs = zonedTimeToUtc(tz, year, month, day);
    const endMs = zonedTimeToUtc(tz, next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate());
    const cutoffMs = CARRIERS.map((c) => {
      if (!c.pickupDays.includes(weekday)) return NaN;
      const [h, m] = c.cutoff[this.index];
      return zonedTimeToUtc(tz, year, month, day, h, m);
    });
    d = {
      dayNumber, date: date.toISOString().slice(0, 10), year, month, day, weekday, startMs, endMs, cutoffMs,
      cutoffIso: cutoffMs.map((ms) => (Number.isNaN(ms) ? '' : formatLocal(ms, offsetMinutes(tz, ms)))),
    };
    if (this.days.size > 400) this.days.clear();
    this.days.set(dayNumber, d);
    return d;
  }

  /** The instant of a local time (fractional hours) on a local day. */
  at(d: SiteDay, hours: number): number {
    const h = Math.floor(hours);
    return zonedTimeToUtc(this.site.timezone, d.year, d.month, d.day, h, Math.round((hours - h) * 60));
  }

  /** Local hour of day (fractional) of an instant. */
  hourOf(ms: number): number {
    const d = this.dayAt(ms);
    // Exact except on DST days, where the error (≤ 1 h before the switch at 02:00) falls outside operating hours.
    return (ms - d.startMs) / 3_600_000;
  }

  /** The day of a carrier's first cutoff at or after t + leadMs (up to 8 days ahead); read `cutoffMs[carrier]`. */
  nextCutoffDay(carrier: number, t: number, leadMs: number): SiteDay {
    let d = this.dayAt(t);
    for (let i = 0; i < 8; i++) {
      if (d.cutoffMs[carrier] >= t + leadMs) return d;
      d = this.day(d.dayNumber + 1);
    }
    throw new Error(`no cutoff for carrier ${CARRIERS[carrier].id} within 8 days of ${new Date(t).toISOString()}`);
  }
}
