/**
 * The locations allocation may promise from, and what the rules need to know about each: primary or 3PL
 * overflow, the ship-to regions it is nearest to, its carrier cutoffs in its own time zone and the handling
 * time between a reservation and a parcel being ready. The default set is the seed's business (a primary
 * warehouse in the east, a 3PL in the west); ALLOCATION_LOCATIONS_FILE replaces it with a JSON file.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { Id } from '../contracts/index.ts';

const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h, local time)');

export const LocationProfile = z.object({
  id: Id,
  kind: z.enum(['primary', 'overflow']),
  timezone: z.string().refine((tz) => { try { new Intl.DateTimeFormat('en', { timeZone: tz }); return true; } catch { return false; } },
    'unknown IANA time zone'),
  /** Ship-to regions by nearness: the first is nearest. Regions not listed rank after every listed one. */
  regions: z.array(Id),
  /** The last carrier cutoff of each pickup day, local time; the latest one is what a promise can still meet. */
  cutoffs: z.array(LocalTime).min(1),
  /** Days of the week with a pickup (0 = Sunday). */
  pickupDays: z.array(z.number().int().min(0).max(6)).min(1).default([1, 2, 3, 4, 5, 6]),
  /** Minutes from reservation to a parcel ready for the truck (pick, pack, stage). */
  handlingMinutes: z.number().int().min(0).max(7 * 24 * 60).default(90),
});
export type LocationProfile = z.infer<typeof LocationProfile>;

export const LocationsFile = z.array(LocationProfile).min(1).refine(
  (ls) => new Set(ls.map((l) => l.id)).size === ls.length, 'location ids must be unique');

export const DEFAULT_LOCATIONS: LocationProfile[] = LocationsFile.parse([
  { id: 'wh-east', kind: 'primary', timezone: 'America/New_York', regions: ['us-ne', 'us-se', 'us-mw', 'us-sw', 'us-w', 'us-nw'],
    cutoffs: ['16:00', '17:30', '18:00'], handlingMinutes: 90 },
  { id: '3pl-west', kind: 'overflow', timezone: 'America/Los_Angeles', regions: ['us-w', 'us-nw', 'us-sw', 'us-mw', 'us-se', 'us-ne'],
    cutoffs: ['15:30', '16:30', '17:00'], handlingMinutes: 120 },
]);

export function loadLocations(file: string | undefined): LocationProfile[] {
  if (!file) return DEFAULT_LOCATIONS;
  const r = LocationsFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!r.success) throw new Error(`${file}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

const MINUTE = 60_000;

/** Local calendar parts of an instant in a zone. */
function localParts(ms: number, fmt: Intl.DateTimeFormat) {
  const p = Object.fromEntries(fmt.formatToParts(ms).map((x) => [x.type, x.value]));
  return { y: +p.year!, m: +p.month!, d: +p.day!, h: +p.hour! % 24, min: +p.minute!, dow: new Date(Date.UTC(+p.year!, +p.month! - 1, +p.day!)).getUTCDay() };
}

/** The instant of local wall time y-m-d h:min in the zone (DST-correct: the offset is re-read at the guess). */
function zonedInstant(y: number, m: number, d: number, h: number, min: number, fmt: Intl.DateTimeFormat): number {
  const wall = Date.UTC(y, m - 1, d, h, min);
  let t = wall;
  for (let i = 0; i < 2; i++) {
    const p = localParts(t, fmt);
    t += wall - Date.UTC(p.y, p.m - 1, p.d, p.h, p.min);
  }
  // A wall time the spring-forward gap skips never converges and lands one gap early (02:30 → 01:30); move it
  // past the gap (02:30 → 03:30), as Temporal's 'compatible' disambiguation does.
  const p = localParts(t, fmt);
  return t + Math.max(0, wall - Date.UTC(p.y, p.m - 1, p.d, p.h, p.min));
}

/**
 * Next-cutoff lookups for a location. The answer is cached until it passes, because a reservation asks for
 * every candidate location and Intl formatting costs ~10 µs a call.
 */
export class CutoffClock {
  private readonly fmt: Intl.DateTimeFormat;
  private readonly minutes: number[];
  private cached = { from: Infinity, at: -Infinity };

  constructor(private readonly loc: LocationProfile) {
    this.fmt = new Intl.DateTimeFormat('en-US', { timeZone: loc.timezone, hourCycle: 'h23', year: 'numeric', month: 'numeric',
      day: 'numeric', hour: 'numeric', minute: 'numeric' });
    this.minutes = loc.cutoffs.map((c) => +c.slice(0, 2) * 60 + +c.slice(3)).sort((a, b) => a - b);
  }

  /** The first cutoff at or after `ms` on a pickup day. */
  nextCutoff(ms: number): number {
    if (ms >= this.cached.from && ms <= this.cached.at) return this.cached.at;
    const start = localParts(ms, this.fmt);
    for (let day = 0; day < 8; day++) {
      const noon = Date.UTC(start.y, start.m - 1, start.d + day, 12);
      const dt = new Date(noon);
      if (!this.loc.pickupDays.includes(dt.getUTCDay())) continue;
      // The earliest still ahead: a cutoff moved past a DST gap can come after a later wall time (01:30 → 02:30 > 02:15).
      const ahead = this.minutes.map((mins) => zonedInstant(dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate(),
        Math.floor(mins / 60), mins % 60, this.fmt)).filter((at) => at >= ms);
      if (ahead.length > 0) { const at = Math.min(...ahead); this.cached = { from: ms, at }; return at; }
    }
    return Infinity;
  }

  /** When a parcel reserved at `now` would be handed to a carrier. */
  handoffFor(now: number): number {
    return this.nextCutoff(now + this.loc.handlingMinutes * MINUTE);
  }
}
