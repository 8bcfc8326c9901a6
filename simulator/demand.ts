/**
 * Order arrival rates: channel share × time of day × day of week × promotions, in the customers' (Eastern)
 * local time. The rate is constant within each UTC hour (promotions start and end on the hour), so arrivals
 * are drawn exactly, hour by hour, with one exponential per order and no rejection sampling.
 * Promotions are planned per week from their own seeded stream, two a week: one early in the week (so even a
 * 2-day back-fill usually has one) and one later.
 */
import { CHANNELS, type Catalog, type ChannelId } from './catalog.ts';
import { Random, deriveSeed } from './random.ts';
import { DAY, HOUR, offsetMinutes, formatInZone } from './time-zones.ts';

/** Consumer orders per local hour, relative: trough 3–5 h, lunch bump, evening peak 19–21 h. */
const CONSUMER_HOURLY = normalise([0.35, 0.22, 0.15, 0.12, 0.12, 0.18, 0.35, 0.6, 0.85, 1, 1.1, 1.2, 1.3, 1.25, 1.15,
  1.1, 1.1, 1.2, 1.35, 1.55, 1.6, 1.45, 1.05, 0.65]);
/** Wholesale buyers order in office hours. */
const BUSINESS_HOURLY = normalise([0.01, 0.01, 0.01, 0.01, 0.01, 0.02, 0.1, 0.6, 1.4, 1.8, 1.9, 1.7, 1.2, 1.6, 1.8,
  1.7, 1.4, 0.9, 0.3, 0.1, 0.05, 0.03, 0.02, 0.01]);
/** Sunday … Saturday: consumers shop more on Sunday and Monday; wholesale is closed at weekends. */
const CONSUMER_WEEKLY = normalise([1.12, 1.06, 1, 0.98, 0.96, 0.92, 0.96]);
const BUSINESS_WEEKLY = normalise([0.03, 1.15, 1.1, 1.1, 1.05, 1, 0.05]);

const CUSTOMER_TZ = 'America/New_York';
const WEEK = 7 * DAY;

export interface Promotion {
  id: string;
  name: string;
  channels: ChannelId[];
  startsAt: string;
  endsAt: string;
  startMs: number;
  endMs: number;
  /** Order-rate multiplier on the promoted channels. */
  lift: number;
  skus: number[];
  /** Chance that a line of a promoted channel's order is a promoted sku. */
  lineShare: number;
}

export class Demand {
  private readonly perMs: number[];
  private readonly cachedHour: number[];
  private readonly cachedRate: number[];
  private readonly weeks = new Map<number, Promotion[]>();
  private readonly offsets = new Map<number, number>();

  constructor(private readonly o: { seed: number; start: number; ordersPerDay: number; catalog: Catalog }) {
    this.perMs = CHANNELS.map((c) => (o.ordersPerDay * c.share) / DAY);
    this.cachedHour = CHANNELS.map(() => NaN);
    this.cachedRate = CHANNELS.map(() => 0);
  }

  /** Orders per millisecond on a channel at an instant. */
  rate(channel: number, t: number): number {
    const c = CHANNELS[channel];
    const local = t + this.offsetAt(t) * 60_000;
    const hour = Math.floor((local % DAY) / HOUR);
    const weekday = (Math.floor(local / DAY) + 4) % 7; // 1970-01-01 was a Thursday
    const shape = c.business ? BUSINESS_HOURLY[hour] * BUSINESS_WEEKLY[weekday] : CONSUMER_HOURLY[hour] * CONSUMER_WEEKLY[weekday];
    const promo = this.promotionAt(channel, t);
    return this.perMs[channel] * shape * (promo ? promo.lift : 1);
  }

  /** Next arrival after t on a channel: exponential gaps at the hour's rate; memorylessness lets an hour boundary restart the draw. */
  nextArrival(rng: Random, channel: number, t: number): number {
    for (let guard = 0; guard < 24 * 400; guard++) {
      const hour = Math.floor(t / HOUR);
      let rate = this.cachedRate[channel];
      if (this.cachedHour[channel] !== hour) {
        rate = this.rate(channel, hour * HOUR);
        this.cachedHour[channel] = hour;
        this.cachedRate[channel] = rate;
      }
      const next = rate > 0 ? t + rng.exp(1 / rate) : Infinity;
      if (next < (hour + 1) * HOUR) return next;
      t = (hour + 1) * HOUR;
    }
    return Infinity;
  }

  promotionAt(channel: number, t: number): Promotion | undefined {
    const week = Math.floor((t - this.o.start) / WEEK);
    for (const p of this.week(week)) {
      if (t >= p.startMs && t < p.endMs && p.channels.includes(CHANNELS[channel].id)) return p;
    }
    return undefined;
  }

  /** Promotions planned so far that start before `until`. */
  promotions(until: number): Promotion[] {
    const out: Promotion[] = [];
    for (let w = 0; this.o.start + w * WEEK < until; w++) out.push(...this.week(w).filter((p) => p.startMs < until));
    return out;
  }

  private week(w: number): Promotion[] {
    let list = this.weeks.get(w);
    if (list) return list;
    const rng = new Random(deriveSeed(this.o.seed, `promotions:${w}`));
    const weekStart = this.o.start + w * WEEK;
    const ranks = this.o.catalog.byRank;
    const campaigns: [string, ChannelId[]][] = [
      ['site-wide sale', ['dtc-web']], ['marketplace deal days', ['marketplace-a']],
      ['flash deals', ['marketplace-b']], ['omnichannel clearance', ['dtc-web', 'marketplace-a', 'marketplace-b']],
    ];
    list = [0, 1].map((k) => {
      const [name, channels] = rng.pick(campaigns);
      const startMs = Math.round((weekStart + (k === 0 ? rng.between(0.3, 1.5) : rng.between(2.5, 6)) * DAY) / HOUR) * HOUR;
      const endMs = startMs + rng.int(12, 48) * HOUR;
      // Promotions feature fast movers (top 60), which have the stock to sell; 15–35% of promoted lines are promo skus.
      const pool = Math.min(ranks.length, 60);
      const skus = Array.from({ length: rng.int(8, 20) }, () => ranks[rng.int(0, pool - 1)]);
      return {
        id: `promo-${w}-${k}`, name, channels, startMs, endMs,
        startsAt: formatInZone(startMs, 'UTC'), endsAt: formatInZone(endMs, 'UTC'),
        lift: rng.between(1.4, 2), skus: [...new Set(skus)], lineShare: rng.between(0.15, 0.35),
      };
    });
    this.weeks.set(w, list);
    return list;
  }

  /** Eastern offset, cached per UTC hour: Intl costs ~2 µs and this runs for every arrival candidate. */
  private offsetAt(t: number): number {
    const key = Math.floor(t / HOUR);
    let off = this.offsets.get(key);
    if (off === undefined) {
      if (this.offsets.size > 50_000) this.offsets.clear();
      off = offsetMinutes(CUSTOMER_TZ, t);
      this.offsets.set(key, off);
    }
    return off;
  }
}

function normalise(xs: number[]): number[] {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return xs.map((x) => x / mean);
}
