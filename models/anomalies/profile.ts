/**
 * Seasonal profiles, estimated robustly: every figure is a median over days, so a stalled feed or a surge in the
 * history (one or two days in a window of 14) does not move what "normal" is. The hierarchy, coarse to fine:
 *
 *   hour of day   median over days of the hour's mean per bucket, shrunk toward the series' overall level
 *                 with the weight of one day (1 day of history → half flat);
 *   weekday       median over that weekday's days of (day's total ÷ hour-of-day profile's total), shrunk
 *                 toward 1 (or 0 for offsets) with the weight of one day;
 *   hour of week  median over that weekday's days of the cell, shrunk toward hour-of-day × weekday with the
 *                 weight of two days: three weeks of history move a slot three fifths of the way.
 *
 * Weekday and hour-of-week effects are used only from three days (weeks) each: a median of two is a mean,
 * and in the simulator a channel runs a promotion (×1.4–2 for 12–48 h) about one day in five, so with two
 * weeks of history a promoted Friday would lift every Friday's expectation by a third and make a normal
 * Friday look like a failing feed.
 *
 * `ratio` profiles (counts) are factors with mean 1 over the buckets they were fitted on, floored at half an
 * event over the slot's history so a slot that never saw an order is "rare", not "impossible". `offset`
 * profiles (any other value) are the expected values themselves.
 */
import type { LocalTime } from './calendar.ts';

export const SEASONS = ['hour-of-week', 'hour-of-day', 'day-of-week', 'none'] as const;
export type Season = (typeof SEASONS)[number];
export type ProfileMode = 'ratio' | 'offset';

const HOUR_PRIOR_DAYS = 1;
const WEEKDAY_PRIOR_DAYS = 1;
const SLOT_PRIOR_DAYS = 2;
/** A median of two is a mean: one promotion day would move it halfway. Finer effects need three days each. */
const MIN_ROBUST = 3;

export function slotCount(season: Season): number {
  return season === 'hour-of-week' ? 168 : season === 'hour-of-day' ? 24 : season === 'day-of-week' ? 7 : 1;
}

export function slotOf(season: Season, lt: LocalTime): number {
  switch (season) {
    case 'hour-of-week': return lt.weekday * 24 + lt.hour;
    case 'hour-of-day': return lt.hour;
    case 'day-of-week': return lt.weekday;
    case 'none': return 0;
  }
}

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

interface Day { weekday: number; cells: Map<number, { sum: number; n: number }> }

/** Observations grouped into local days and, for hourly seasons, hours: each cell is a mean per bucket. */
function daysOf(x: number[], local: LocalTime[], byHour: boolean): Map<number, Day> {
  const days = new Map<number, Day>();
  for (let i = 0; i < x.length; i++) {
    const lt = local[i];
    let d = days.get(lt.day);
    if (!d) days.set(lt.day, (d = { weekday: lt.weekday, cells: new Map() }));
    const h = byHour ? lt.hour : 0;
    const c = d.cells.get(h);
    if (c) { c.sum += x[i]; c.n++; } else d.cells.set(h, { sum: x[i], n: 1 });
  }
  return days;
}

/**
 * The profile of one series: per slot, a factor (`ratio`) or the expected value (`offset`). `x[i]` is the
 * value of the bucket starting at local time `local[i]`; buckets with no observation are simply absent.
 */
export function estimateProfile(x: number[], local: LocalTime[], season: Season, mode: ProfileMode): number[] {
  const slots = slotCount(season);
  if (x.length === 0) return new Array(slots).fill(mode === 'ratio' ? 1 : 0);
  const ratio = mode === 'ratio';
  const byHour = season === 'hour-of-week' || season === 'hour-of-day';
  const days = daysOf(x, local, byHour);
  const mean = (c: { sum: number; n: number }) => c.sum / c.n;

  // Hour of day (one "hour" per day for daily seasons): medians over days, shrunk toward the overall level.
  const hours = byHour ? 24 : 1;
  const perHour: number[][] = Array.from({ length: hours }, () => []);
  for (const d of days.values()) for (const [h, c] of d.cells) perHour[h].push(mean(c));
  const seen = perHour.map((v) => v.length > 0);
  const rawBase = perHour.map((v) => (v.length ? median(v) : NaN));
  const level = avg(rawBase.filter((_, h) => seen[h]));
  const base = rawBase.map((b, h) => seen[h] ? (perHour[h].length * b + HOUR_PRIOR_DAYS * level) / (perHour[h].length + HOUR_PRIOR_DAYS) : level);

  // Weekday effect: how each day compares with the hour-of-day profile, median per weekday, shrunk to none.
  const perWeekday: number[][] = Array.from({ length: 7 }, () => []);
  for (const d of days.values()) {
    let obs = 0, exp = 0;
    for (const [h, c] of d.cells) { obs += mean(c); exp += base[h]; }
    const n = d.cells.size;
    if (ratio) { if (exp > 0) perWeekday[d.weekday].push(obs / exp); } else perWeekday[d.weekday].push((obs - exp) / n);
  }
  const none = ratio ? 1 : 0;
  const weekday = perWeekday.map((v) => v.length >= MIN_ROBUST ? (v.length * median(v) + WEEKDAY_PRIOR_DAYS * none) / (v.length + WEEKDAY_PRIOR_DAYS) : none);
  const combine = (b: number, w: number) => ratio ? b * w : b + w;

  let value: number[];
  if (season === 'none') value = [level];
  else if (season === 'hour-of-day') value = base;
  else if (season === 'day-of-week') value = weekday.map((w) => combine(base[0], w));
  else {
    const cells: number[][] = Array.from({ length: 168 }, () => []);
    for (const d of days.values()) for (const [h, c] of d.cells) cells[d.weekday * 24 + h].push(mean(c));
    value = cells.map((v, s) => {
      const parent = combine(base[s % 24], weekday[Math.floor(s / 24)]);
      return v.length >= MIN_ROBUST ? (v.length * median(v) + SLOT_PRIOR_DAYS * parent) / (v.length + SLOT_PRIOR_DAYS) : parent;
    });
  }
  if (!ratio) return value;

  // Floor at half an event over the slot's history, then scale to mean 1 over the fitted buckets.
  const count = new Array(slots).fill(0);
  for (const lt of local) count[slotOf(season, lt)]++;
  const floored = value.map((v, s) => Math.max(v, 0.5 / Math.max(1, count[s])));
  let sum = 0;
  for (const lt of local) sum += floored[slotOf(season, lt)];
  const m = sum / local.length;
  return m > 0 ? floored.map((v) => v / m) : new Array(slots).fill(1);
}

function avg(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}
