/**
 * Staff on the floor from labor shifts (clickhouse/queries/getLaborOnShift.ts): at an instant, and as
 * picker- and packer-hours per site and UTC hour (a shift from 06:30 counts half of the 06:00 hour), the
 * denominator of a pick or pack rate per labor-hour.
 */
import type { LaborShift } from '../../clickhouse/queries/getLaborOnShift.ts';

const HOUR_MS = 3_600_000;

export interface StaffHour {
  site: string;
  /** Hour start, epoch ms. */
  hour: number;
  pickerHours: number;
  packerHours: number;
}

/** Pickers and packers on shift at `site` at instant `t` (epoch ms); a shift covers [startsAt, endsAt). */
export function staffAt(shifts: LaborShift[], site: string, t: number): { pickers: number; packers: number } {
  let pickers = 0, packers = 0;
  for (const s of shifts) if (s.site === site && s.startsAt <= t && t < s.endsAt) { pickers += s.pickers; packers += s.packers; }
  return { pickers, packers };
}

/** Every hour in [from, to) (epoch ms, whole hours) for every site with a shift, by site then hour; 0 when nobody works. */
export function staffByHour(shifts: LaborShift[], o: { from: number; to: number }): StaffHour[] {
  const first = Math.floor(o.from / HOUR_MS);
  const hours = Math.ceil(o.to / HOUR_MS) - first;
  const bySite = new Map<string, { pick: Float64Array; pack: Float64Array }>();
  for (const s of shifts) {
    let acc = bySite.get(s.site);
    if (!acc) bySite.set(s.site, (acc = { pick: new Float64Array(Math.max(0, hours)), pack: new Float64Array(Math.max(0, hours)) }));
    for (let h = Math.max(0, Math.floor(s.startsAt / HOUR_MS) - first); h < hours && (first + h) * HOUR_MS < s.endsAt; h++) {
      const start = (first + h) * HOUR_MS;
      const overlap = (Math.min(start + HOUR_MS, s.endsAt) - Math.max(start, s.startsAt)) / HOUR_MS;
      if (overlap <= 0) continue;
      acc.pick[h] += s.pickers * overlap;
      acc.pack[h] += s.packers * overlap;
    }
  }
  return [...bySite.keys()].sort().flatMap((site) => {
    const acc = bySite.get(site)!;
    return Array.from({ length: Math.max(0, hours) }, (_, h) => ({ site, hour: (first + h) * HOUR_MS, pickerHours: acc.pick[h], packerHours: acc.pack[h] }));
  });
}
