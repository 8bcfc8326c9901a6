/**
 * The demand series every forecaster takes, and the calendar arithmetic on ISO dates. Dates are whole UTC days
 * counted from 1970-01-01 (a Thursday), so a weekday is `(day + 4) % 7` with 0 = Sunday.
 */

export type Grain = 'day' | 'week';

/**
 * One SKU-location's demand history.
 *
 * ```ts
 * { id: 'SKU-00042@wh-east', start: '2026-01-05', grain: 'day', values: [3, 0, 5, …], promo: [0, 0, 1, …] }
 * ```
 * - `start`: ISO date (YYYY-MM-DD) of `values[0]`; for weekly grain the first day of that week.
 * - `values`: units demanded per period, consecutive, ≥ 0; a period without demand is 0, not missing.
 * - `promo` (optional): promotion share of each period, 0–1 (1 = promoted all day). It may run past `values`
 *   by up to the horizon: planned promotions are known ahead and the global model uses them.
 */
export interface DemandSeries {
  id: string;
  start: string;
  grain: Grain;
  values: number[];
  promo?: number[];
}

/** Point forecast (`mean`, the one scored by RMSSE/MASE) and P10/P50/P90, one entry per future period. */
export interface Forecast {
  mean: number[];
  p10: number[];
  p50: number[];
  p90: number[];
}

export const DAY_MS = 86_400_000;

const parsed = new Map<string, number>();

/** Days since 1970-01-01 of a strict YYYY-MM-DD date, or NaN. Memoised: 50k series share a handful of starts. */
export function dayNumber(iso: string): number {
  let day = parsed.get(iso);
  if (day !== undefined) return day;
  day = NaN;
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) {
    const ms = Date.parse(`${iso}T00:00:00Z`);
    if (Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === iso) day = ms / DAY_MS;
  }
  if (parsed.size > 10_000) parsed.clear();
  parsed.set(iso, day);
  return day;
}

export function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function periodDays(grain: Grain): number {
  return grain === 'day' ? 1 : 7;
}

/** Season length for the seasonal naive and MASE: a week of days; weekly data is treated as non-seasonal. */
export function seasonOf(grain: Grain): number {
  return grain === 'day' ? 7 : 1;
}

/** Default horizon: 14 days or 8 weeks. */
export function defaultHorizon(grain: Grain): number {
  return grain === 'day' ? 14 : 8;
}

/** Day number of the i-th period of a series (i may be ≥ values.length: future periods). */
export function periodDay(s: Pick<DemandSeries, 'start' | 'grain'>, i: number): number {
  return dayNumber(s.start) + i * periodDays(s.grain);
}

/** The first `length` periods of a series (its history as of an earlier origin), promotions kept `extra` further. */
export function truncateSeries(s: DemandSeries, length: number, extra = 0): DemandSeries {
  return { ...s, values: s.values.slice(0, length), ...(s.promo ? { promo: s.promo.slice(0, length + extra) } : {}) };
}

/**
 * Daily or weekly from the distinct periods of a data set: the smallest gap between consecutive periods is one
 * day (daily) or seven with every period on the same weekday (weekly). Returns the reason otherwise.
 */
export function inferGrain(days: Iterable<number>): Grain | string {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  if (sorted.length < 2) return 'need at least two distinct periods to tell daily from weekly';
  let gap = Infinity;
  for (let i = 1; i < sorted.length; i++) gap = Math.min(gap, sorted[i] - sorted[i - 1]);
  if (gap === 1) return 'day';
  const wd = weekday(sorted[0]);
  if (gap === 7 && sorted.every((d) => weekday(d) === wd)) return 'week';
  if (gap % 7 === 0 && sorted.every((d) => weekday(d) === wd)) return 'week';
  return `periods are neither daily nor weekly (smallest gap ${gap} days${gap % 7 === 0 ? ', weekdays differ' : ''})`;
}
