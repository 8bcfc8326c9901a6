/**
 * Injected incidents and their ground truth. Time is cut into 2-day cycles from the scenario start; each cycle
 * gets one incident of every kind at seeded times in its first 36 hours (a late pickup: on any pickup day of
 * the cycle), so a 2-day back-fill shows each one play out. The plan has its own random stream and ignores
 * where the window ends (an incident is kept when it starts before the end), so a shorter back-fill is an
 * exact prefix of a longer one with the same seed. A cycle is planned one cycle ahead: its late pickup must be
 * known before that day's pickups are scheduled at local midnight.
 */
import { CARRIERS, CHANNELS, SITES, SUPPLIERS, WEST, meanUnitsPerOrder, type Catalog } from './catalog.ts';
import { Random, deriveSeed } from './random.ts';
import type { SiteCalendar } from './site-calendar.ts';
import { DAY, HOUR, MINUTE } from './time-zones.ts';

export const INCIDENT_KINDS = ['feed_delay', 'supplier_delay', 'late_pickup', 'shrink', 'returns_surge'] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

/** What a detector should find: when, where, and what happened. */
export interface GroundTruthIncident {
  id: string;
  kind: IncidentKind;
  startsAt: string;
  endsAt: string;
  site?: string;
  channel?: string;
  sku?: string;
  supplier?: string;
  carrier?: string;
  description: string;
}

export interface Incident {
  truth: GroundTruthIncident;
  kind: IncidentKind;
  startMs: number;
  endMs: number;
  site: number;
  channel: number;
  sku: number;
  supplier: number;
  carrier: number;
  /** Kind-specific size: adjustments in a shrink burst, extra returns per day in a surge. */
  magnitude: number;
}

export const CYCLE_MS = 2 * DAY;
/** Incidents start in the first 36 hours of their cycle. */
const PLACEMENT_SPAN_MS = 1.5 * DAY;

function subjectOf(i: Incident): number {
  switch (i.kind) {
    case 'feed_delay': return i.channel;
    case 'supplier_delay': return i.supplier;
    case 'returns_surge': case 'shrink': return i.sku;
    case 'late_pickup': return i.site * CARRIERS.length + i.carrier;
  }
}

export interface IncidentPlanOptions {
  seed: number;
  start: number;
  end: number;
  catalog: Catalog;
  calendars: SiteCalendar[];
  ordersPerDay: number;
}

export class IncidentBook {
  /** Every incident planned so far (ground truth is never forgotten). */
  private readonly planned: Incident[] = [];
  /** The ones that may still be active, scanned by flows. */
  private readonly current: Incident[] = [];
  private readonly cycles = new Set<number>();
  /** Per sku: planned or running surges (asked for every delivered line, so a flag rather than a scan). */
  private readonly surgeSkus: Uint8Array;

  private readonly supplierOffset: number;

  constructor(private readonly o: IncidentPlanOptions) {
    this.surgeSkus = new Uint8Array(o.catalog.skus.length);
    this.supplierOffset = new Random(deriveSeed(o.seed, 'supplier-delays')).int(0, SUPPLIERS.length - 2);
  }

  /** Plan cycle k (idempotent); returns the incidents it added. */
  planCycle(k: number): Incident[] {
    if (this.cycles.has(k)) return [];
    this.cycles.add(k);
    const rng = new Random(deriveSeed(this.o.seed, `incidents:${k}`));
    const from = this.o.start + k * CYCLE_MS;
    const to = from + PLACEMENT_SPAN_MS;
    const made = [
      this.feedDelay(rng, from, to), this.supplierDelay(rng, from, to, k), this.latePickup(rng, from),
      this.shrink(rng, from, to), this.returnsSurge(rng, from, to),
    ].filter((i): i is Incident => i !== undefined && i.startMs < this.o.end);
    made.forEach((inc, n) => { inc.truth.id = `inc-${k}-${n}-${inc.kind}`; });
    this.planned.push(...made);
    this.current.push(...made);
    for (const i of made) if (i.kind === 'returns_surge') this.surgeSkus[i.sku]++;
    return made;
  }

  /** Ground truth of every incident that starts before `until`, by start time. */
  groundTruth(until = Infinity): GroundTruthIncident[] {
    return this.planned.filter((i) => i.startMs < until).sort((a, b) => a.startMs - b.startMs).map((i) => i.truth);
  }

  /**
   * The incident of a kind active at t whose subject matches: the channel (feed_delay), supplier
   * (supplier_delay), sku (returns_surge) or site × carriers.length + carrier (late_pickup). A handful are
   * planned at once, so a linear scan is cheapest.
   */
  active(kind: IncidentKind, t: number, subject: number): Incident | undefined {
    for (const i of this.current) if (i.kind === kind && t >= i.startMs && t < i.endMs && subjectOf(i) === subject) return i;
    return undefined;
  }

  /** Whether a returns surge is planned (or running) for a sku: the returns flow keeps its recent deliveries. */
  surgePlanned(sku: number): boolean {
    return this.surgeSkus[sku] > 0;
  }

  /** Stop scanning incidents that have ended (live runs go on for days). */
  prune(t: number): void {
    const keep = this.current.filter((i) => i.endMs > t);
    for (const i of this.current) if (i.endMs <= t && i.kind === 'returns_surge') this.surgeSkus[i.sku]--;
    this.current.length = 0;
    this.current.push(...keep);
  }

  /** A start at a local hour in [lo, hi) on a random day of [from, to), at least an hour into the scenario. */
  private place(rng: Random, from: number, to: number, site: number, lo: number, hi: number): number | undefined {
    const cal = this.o.calendars[site];
    for (let attempt = 0; attempt < 12; attempt++) {
      const day = cal.dayAt(from + rng.next() * (to - from));
      const startMs = cal.at(day, rng.between(lo, hi));
      if (startMs >= Math.max(from, this.o.start + HOUR) && startMs < to) return Math.round(startMs);
    }
    return undefined;
  }

  private feedDelay(rng: Random, from: number, to: number): Incident | undefined {
    const channel = rng.chance(0.5) ? 1 : 2;
    const duration = Math.round(rng.between(45, 120)) * MINUTE;
    const startMs = this.place(rng, from, to, 0, 10, 19);
    if (startMs === undefined) return undefined;
    const ch = CHANNELS[channel].id;
    return this.make('feed_delay', startMs, startMs + duration, { channel, magnitude: duration },
      { channel: ch, description: `${ch} order feed stalled for ${duration / MINUTE} min; held orders arrive in a burst with their original occurredAt` });
  }

  private supplierDelay(rng: Random, from: number, to: number, k: number): Incident | undefined {
    // Suppliers whose POs stay open for days (the 4-day domestic one, the overseas ones), in turn from a seeded
    // offset, so the delay always has POs to hit and no supplier is delayed every cycle; the 1-day distributor
    // keeps receipts flowing meanwhile.
    const supplier = 1 + ((this.supplierOffset + k) % (SUPPLIERS.length - 1));
    const s = SUPPLIERS[supplier];
    const delay = Math.round((s.region === 'domestic' ? rng.between(2, 4) : rng.between(7, 14)) * DAY);
    const startMs = this.place(rng, from, to, 0, 8, 17);
    if (startMs === undefined) return undefined;
    return this.make('supplier_delay', startMs, startMs + delay, { supplier, magnitude: delay },
      { supplier: s.id, description: `${s.id} (${s.region}) pushes every open PO back ~${(delay / DAY).toFixed(1)} days; receipts land late` });
  }

  /** Any pickup day of the whole cycle whose late arrival still falls inside it (Sunday has no pickups). */
  private latePickup(rng: Random, from: number): Incident | undefined {
    const late = Math.round(rng.between(60, 150)) * MINUTE;
    for (let attempt = 0; attempt < 24; attempt++) {
      const site = rng.chance(0.65) ? 0 : WEST;
      const carrier = rng.int(0, CARRIERS.length - 1);
      const day = this.o.calendars[site].dayAt(from + rng.next() * CYCLE_MS);
      const cutoff = day.cutoffMs[carrier];
      if (Number.isNaN(cutoff) || cutoff < Math.max(from, this.o.start + 2 * HOUR) || cutoff + late > from + CYCLE_MS) continue;
      const c = CARRIERS[carrier].id;
      return this.make('late_pickup', cutoff, cutoff + late, { site, carrier, magnitude: late },
        { site: SITES[site].id, carrier: c, description: `${c} pickup at ${SITES[site].id} arrives ${late / MINUTE} min after the ${day.cutoffIso[carrier]} cutoff; that day's parcels miss cutoff` });
    }
    return undefined;
  }

  private shrink(rng: Random, from: number, to: number): Incident | undefined {
    const site = rng.chance(0.7) ? 0 : WEST;
    const ranks = this.o.catalog.byRank;
    // A fast mover the site stocks: the 3PL holds only the top 40% of skus.
    const sku = ranks[rng.int(2, Math.min(60, Math.floor(ranks.length * 0.4) - 1))];
    const duration = Math.round(rng.between(2, 6) * HOUR);
    const startMs = this.place(rng, from, to, site, 9, 17);
    if (startMs === undefined) return undefined;
    const count = rng.int(6, 14);
    const id = this.o.catalog.skus[sku].id;
    return this.make('shrink', startMs, startMs + duration, { site, sku, magnitude: count },
      { site: SITES[site].id, sku: id, description: `${count} negative shrink/theft adjustments for ${id} at ${SITES[site].id}, plus unrecorded loss a cycle count reveals` });
  }

  private returnsSurge(rng: Random, from: number, to: number): Incident | undefined {
    const ranks = this.o.catalog.byRank;
    const sku = ranks[rng.int(3, Math.min(80, ranks.length - 1))];
    const s = this.o.catalog.skus[sku];
    const duration = Math.round(rng.between(24, 48) * HOUR);
    const startMs = this.place(rng, from, to, 0, 0, 24);
    if (startMs === undefined) return undefined;
    // Baseline returns of this sku per day ≈ units sold × its return rate; the surge adds 10× that, at least 25/day.
    const baseline = this.o.ordersPerDay * meanUnitsPerOrder() * s.share * s.returnRate;
    const perDay = Math.max(25, 10 * baseline);
    return this.make('returns_surge', startMs, startMs + duration, { sku, magnitude: perDay },
      { sku: s.id, description: `returns of ${s.id} jump to ~${Math.round(perDay + baseline)}/day (baseline ~${baseline.toFixed(1)}/day), mostly 'defective'` });
  }

  private make(kind: IncidentKind, startMs: number, endMs: number, at: Partial<Incident>,
    truth: Omit<GroundTruthIncident, 'id' | 'kind' | 'startsAt' | 'endsAt'>): Incident {
    return {
      kind, startMs, endMs, site: -1, channel: -1, sku: -1, supplier: -1, carrier: -1, magnitude: 0, ...at,
      truth: { id: '', kind, startsAt: new Date(startMs).toISOString(), endsAt: new Date(endMs).toISOString(), ...truth },
    };
  }
}
