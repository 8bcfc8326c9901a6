/**
 * Daily demand rows (clickhouse/queries/getDailyDemand.ts) as dense series per SKU-location, the shape every
 * forecaster takes (models/demand/series.ts `DemandSeries`): id `sku@site`, one value per UTC day of the
 * window with 0 for a day without orders, and the day's promotion share.
 * Promotion share: promotions are per channel (getPromotionDays), a series sells on several channels, so a
 * day's share is Σ over channels of (the series' share of units on that channel over the window) ×
 * (promotion hours of that channel that day / 24). A dtc-web-only sku on a dtc-web sale day of 12 hours: 0.5.
 */
import type { DailyDemandRow } from '../../clickhouse/queries/getDailyDemand.ts';
import type { PromotionDay } from '../../clickhouse/queries/getPromotionDays.ts';

export interface DailyDemandSeries {
  id: string;
  /** YYYY-MM-DD of values[0]. */
  start: string;
  grain: 'day';
  values: number[];
  promo: number[];
}

const DAY_MS = 86_400_000;
const dayIndex = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;

/**
 * One series per SKU-location with demand in [from, to) (YYYY-MM-DD, `to` exclusive), sorted by id; only the
 * given channels when `channels` is set.
 */
export function toDemandSeries(o: { rows: DailyDemandRow[]; promotions?: PromotionDay[]; from: string; to: string; channels?: string[] }):
DailyDemandSeries[] {
  const first = dayIndex(o.from);
  const length = dayIndex(o.to) - first;
  if (!Number.isInteger(length) || length < 1) throw new RangeError(`the window ${o.from} … ${o.to} holds no whole day`);
  const channels = o.channels ? new Set(o.channels) : undefined;
  const series = new Map<string, { values: number[]; byChannel: Map<string, number>; total: number }>();
  for (const r of o.rows) {
    const i = dayIndex(r.day) - first;
    if (i < 0 || i >= length || (channels && !channels.has(r.channel))) continue;
    const id = `${r.sku}@${r.site}`;
    let s = series.get(id);
    if (!s) series.set(id, (s = { values: new Array<number>(length).fill(0), byChannel: new Map(), total: 0 }));
    s.values[i] += r.units;
    s.byChannel.set(r.channel, (s.byChannel.get(r.channel) ?? 0) + r.units);
    s.total += r.units;
  }
  const promoHours = new Map<string, number[]>();
  for (const p of o.promotions ?? []) {
    const i = dayIndex(p.day) - first;
    if (i < 0 || i >= length) continue;
    let h = promoHours.get(p.channel);
    if (!h) promoHours.set(p.channel, (h = new Array<number>(length).fill(0)));
    h[i] = p.promoHours;
  }
  return [...series.keys()].sort().map((id) => {
    const s = series.get(id)!;
    const promo = new Array<number>(length).fill(0);
    for (const [channel, units] of s.byChannel) {
      const h = promoHours.get(channel);
      if (!h || s.total === 0) continue;
      for (let i = 0; i < length; i++) promo[i] += (units / s.total) * (h[i] / 24);
    }
    return { id, start: o.from, grain: 'day' as const, values: s.values, promo: promo.map((x) => Math.min(1, x)) };
  });
}
