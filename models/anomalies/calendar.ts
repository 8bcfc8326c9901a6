/**
 * Local time for seasonal profiles and explanations: "Tuesday 14:00" means 14:00 where the business is, so a
 * profile follows the customers' clock across a DST change. Offsets come from Intl (~2 µs a call) and are cached
 * per UTC hour (zones change offset on whole UTC hours in practice); a 15-minute series of 4 weeks asks ~700 times.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Where an instant falls on the local clock. */
export interface LocalTime {
  /** Local days since 1970-01-01. */
  day: number;
  /** 0 = Sunday. */
  weekday: number;
  hour: number;
  minute: number;
}

export class Calendar {
  private static readonly zones = new Map<string, Calendar>();
  private readonly offsets = new Map<number, number>();
  private readonly fmt: Intl.DateTimeFormat | undefined;

  /** One calendar per zone for the process: its offset cache then survives from one fit or score to the next. */
  static of(timeZone = 'UTC'): Calendar {
    let c = Calendar.zones.get(timeZone);
    if (!c) Calendar.zones.set(timeZone, (c = new Calendar(timeZone)));
    return c;
  }

  /** Throws a RangeError naming the zone when it is not a valid IANA time zone. */
  constructor(readonly timeZone = 'UTC') {
    try {
      this.fmt = timeZone === 'UTC' ? undefined : new Intl.DateTimeFormat('en-US', {
        timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
      });
    } catch {
      throw new RangeError(`unknown time zone "${timeZone}" (an IANA name such as America/New_York)`);
    }
  }

  /** Local minus UTC, in ms, at instant t. */
  offset(t: number): number {
    if (!this.fmt) return 0;
    const key = Math.floor(t / HOUR_MS);
    let off = this.offsets.get(key);
    if (off === undefined) {
      const p: Record<string, number> = {};
      for (const part of this.fmt.formatToParts(key * HOUR_MS)) if (part.type !== 'literal') p[part.type] = Number(part.value);
      off = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - key * HOUR_MS;
      if (this.offsets.size > 100_000) this.offsets.clear();
      this.offsets.set(key, off);
    }
    return off;
  }

  local(t: number): LocalTime {
    const l = t + this.offset(t);
    const day = Math.floor(l / DAY_MS);
    const ms = l - day * DAY_MS;
    return { day, weekday: (((day + 4) % 7) + 7) % 7, hour: Math.floor(ms / HOUR_MS), minute: Math.floor((ms % HOUR_MS) / MINUTE_MS) };
  }

  /** The UTC instant of a local wall-clock time (the later one when a DST change repeats it). */
  fromLocal(y: number, month: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
    const wall = Date.UTC(y, month - 1, d, h, mi, s, ms);
    let t = wall - this.offset(wall);
    t = wall - this.offset(t);
    return t;
  }

  /** Start of the local day containing t. */
  dayStart(t: number): number {
    const day = this.local(t).day;
    const wall = day * DAY_MS;
    let s = wall - this.offset(wall - this.offset(wall));
    // Near a DST change the estimate can land an hour off; step to the true local midnight.
    while (this.local(s).day < day) s += HOUR_MS;
    while (this.local(s - 1).day === day) s -= HOUR_MS;
    return s;
  }

  /** The bucket containing t: local days for daily buckets, otherwise the UTC grid (whole-hour offsets agree). */
  bucketStart(t: number, bucketMs: number): number {
    return bucketMs >= DAY_MS ? this.dayStart(t) : Math.floor(t / bucketMs) * bucketMs;
  }

  /** The bucket after the one starting at b (a local day can last 23 or 25 hours). */
  nextBucket(b: number, bucketMs: number): number {
    return bucketMs >= DAY_MS ? this.dayStart(b + DAY_MS + 2 * HOUR_MS) : b + bucketMs;
  }

  /** Every bucket start in [from, to). */
  buckets(from: number, to: number, bucketMs: number): number[] {
    const out: number[] = [];
    for (let b = this.bucketStart(from, bucketMs); b < to; b = this.nextBucket(b, bucketMs)) if (b >= from) out.push(b);
    return out;
  }

  /** "Tuesday 14:00" for an intra-day bucket, "Tuesday 7 Apr" for a day. */
  label(t: number, bucketMs: number): string {
    const lt = this.local(t);
    const wd = WEEKDAYS[lt.weekday];
    if (bucketMs >= DAY_MS) {
      const date = new Date(lt.day * DAY_MS);
      return `${wd} ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]}`;
    }
    return `${wd} ${String(lt.hour).padStart(2, '0')}:${String(lt.minute).padStart(2, '0')}`;
  }
}
