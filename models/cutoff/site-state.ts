/**
 * What the feature builder knows about one site at the replay clock: unpacked backlog by deadline, pick/pack/ship
 * throughput over the last hour, labor on shift, productivity per person, the carriers' cutoffs and pickup
 * arrivals. Everything is updated from events in time order, so the same state serves a backtest and live
 * scoring. Throughput prefers order-level events (`orders.picked/packed/shipped`) and falls back to
 * `warehouse.station_throughput` reports when a site sends only those.
 */
import { RollingSum } from './rolling.ts';

const HOUR = 3_600_000;
/** Productivity and typical-rate samples are smoothed with this weight (≈ the last 10 samples, 2.5 h of ticks). */
const EWMA = 0.1;
/** A pickup belongs to the cutoff of its carrier within this distance (trucks come 25–45 min early, or hours late). */
const PICKUP_MATCH_MS = 4 * HOUR;
/** Capacity projections stop here: beyond two days the answer is "not before the cutoff" anyway. */
const MAX_PROJECTION_MS = 48 * HOUR;

export interface Shift { startMs: number; endMs: number; pickers: number; packers: number }

export class SiteState {
  /** IANA zone from `carrier.cutoff_scheduled`, when the site sends one. */
  timezone: string | undefined;
  /** Unpacked backlog per deadline (ms): units and orders still to pick/pack. */
  readonly backlog = new Map<number, { units: number; orders: number }>();
  backlogUnits = 0;
  readonly picked = new RollingSum(HOUR);
  readonly packed = new RollingSum(HOUR);
  readonly shipped = new RollingSum(HOUR);
  readonly stationPick = new RollingSum(HOUR);
  readonly stationPack = new RollingSum(HOUR);
  readonly stationShip = new RollingSum(HOUR);
  sawPicked = false;
  sawPacked = false;
  sawShipped = false;
  shifts: Shift[] = [];
  /** Units per person-hour while busy (EWMA), undefined until observed. */
  pickPerPerson: number | undefined;
  packPerPerson: number | undefined;
  /** Units per hour while the site is working (EWMA of non-zero hourly rates): the fallback projection rate. */
  typicalRate: number | undefined;
  /** Carrier cutoffs (minute-rounded ms → carriers), from `carrier.cutoff_scheduled` and `warehouse.wave_created`. */
  readonly cutoffs = new Map<number, Set<string>>();
  /** The same, per carrier: its recent cutoffs in time order. */
  readonly carrierCutoffs = new Map<string, number[]>();
  /** Pickup arrivals per carrier and cutoff (`carrier|cutoff ms`): the first truck within 4 h of it. */
  readonly pickups = new Map<string, number>();
  /** Carriers whose pickups this site reports (else a missing arrival says nothing). */
  readonly pickupCarriers = new Set<string>();

  constructor(readonly id: string) {}

  addBacklog(deadlineMs: number, units: number, orders: number): void {
    let b = this.backlog.get(deadlineMs);
    if (!b) this.backlog.set(deadlineMs, (b = { units: 0, orders: 0 }));
    b.units += units;
    b.orders += orders;
    this.backlogUnits += units;
    if (b.orders <= 0 && b.units <= 1e-9) this.backlog.delete(deadlineMs);
  }

  /** Units and orders unpacked with a deadline at or before `deadlineMs` (what a FIFO-by-promise floor does first). */
  ahead(deadlineMs: number): { units: number; orders: number } {
    let units = 0, orders = 0;
    for (const [d, b] of this.backlog) if (d <= deadlineMs) { units += b.units; orders += b.orders; }
    return { units, orders };
  }

  pickRate(t: number): number { return this.sawPicked ? this.picked.at(t) : this.stationPick.at(t); }
  packRate(t: number): number { return this.sawPacked ? this.packed.at(t) : this.stationPack.at(t); }
  shipRate(t: number): number { return this.sawShipped ? this.shipped.at(t) : this.stationShip.at(t); }

  /** The rate the floor finishes work at now (units/h): packing when reported, else shipping. */
  recentRate(t: number): number {
    const pack = this.packRate(t);
    return pack > 0 || this.sawPacked ? pack : this.shipRate(t);
  }

  staffAt(t: number): { pickers: number; packers: number } {
    let pickers = 0, packers = 0;
    for (const s of this.shifts) if (s.startMs <= t && t < s.endMs) { pickers += s.pickers; packers += s.packers; }
    return { pickers, packers };
  }

  addShift(s: Shift): void {
    this.shifts = this.shifts.filter((x) => x.endMs > s.startMs - 2 * 24 * HOUR);
    this.shifts.push(s);
  }

  /** Every 15 minutes of event time: learn productivity and the typical working rate from a busy floor. */
  sample(t: number): void {
    const rate = this.recentRate(t);
    const busy = this.backlogUnits > rate;
    if (rate > 0 && busy) this.typicalRate = ewma(this.typicalRate, rate);
    const now = this.staffAt(t), before = this.staffAt(t - HOUR);
    if (!busy || now.pickers === 0 || before.pickers === 0) return;
    const pick = this.pickRate(t), pack = this.packRate(t);
    if (pick > 0) this.pickPerPerson = ewma(this.pickPerPerson, pick / ((now.pickers + before.pickers) / 2));
    if (pack > 0 && now.packers > 0) this.packPerPerson = ewma(this.packPerPerson, pack / ((now.packers + before.packers) / 2));
  }

  /** Units per hour the staff on shift at t can finish (the slower of pick and pack), when productivity is known. */
  private staffedRate(t: number): number | undefined {
    if (this.pickPerPerson === undefined && this.packPerPerson === undefined) return undefined;
    const { pickers, packers } = this.staffAt(t);
    const pick = this.pickPerPerson === undefined ? Infinity : pickers * this.pickPerPerson;
    const pack = this.packPerPerson === undefined ? Infinity : packers * this.packPerPerson;
    return Math.min(pick, pack);
  }

  /**
   * When `units` of work started at t are done: backlog ÷ throughput, carried over shift gaps when the labor
   * schedule and productivity are known, else at the recent (or typical) rate. NaN when no rate was ever seen.
   */
  projectDone(t: number, units: number): number {
    if (units <= 0) return t;
    const knownUntil = this.shifts.reduce((m, s) => Math.max(m, s.endMs), -Infinity);
    const constant = this.recentRate(t) || this.typicalRate || 0;
    if (this.staffedRate(t) === undefined || knownUntil <= t) return constant > 0 ? t + (units / constant) * HOUR : NaN;
    let at = t, left = units;
    while (at < t + MAX_PROJECTION_MS) {
      if (at >= knownUntil) return constant > 0 ? at + (left / (this.typicalRate || constant)) * HOUR : NaN;
      let next = knownUntil;
      for (const s of this.shifts) {
        if (s.startMs > at && s.startMs < next) next = s.startMs;
        if (s.endMs > at && s.endMs < next) next = s.endMs;
      }
      const rate = this.staffedRate(at)!;
      const can = (rate * (next - at)) / HOUR;
      if (can >= left) return at + (left / rate) * HOUR;
      left -= can;
      at = next;
    }
    return t + MAX_PROJECTION_MS;
  }

  addCutoff(carrier: string, cutoffMs: number): void {
    const key = minute(cutoffMs);
    let set = this.cutoffs.get(key);
    if (!set) this.cutoffs.set(key, (set = new Set()));
    if (set.has(carrier)) return;
    set.add(carrier);
    if (this.cutoffs.size > 200) this.cutoffs.delete(this.cutoffs.keys().next().value!);
    const list = this.carrierCutoffs.get(carrier) ?? [];
    list.push(key);
    list.sort((a, b) => a - b);
    if (list.length > 30) list.shift();
    this.carrierCutoffs.set(carrier, list);
  }

  /**
   * The carrier's last cutoff here at or before a deadline (within a day), else the deadline: an order promised
   * against another site's cutoff and fulfilled here leaves on this site's truck.
   */
  cutoffFor(carrier: string | undefined, deadlineMs: number): number {
    if (!carrier) return deadlineMs;
    let best = NaN;
    for (const c of this.carrierCutoffs.get(carrier) ?? []) if (c <= deadlineMs + 60_000 && c > deadlineMs - 24 * HOUR) best = c;
    return best === best ? best : deadlineMs;
  }

  /** The carriers whose cutoff at this site is the deadline (to the minute). */
  carriersAt(deadlineMs: number): Set<string> | undefined {
    return this.cutoffs.get(minute(deadlineMs));
  }

  /** A pickup arrived: match it to the carrier's cutoff here; returns its lead in minutes (< 0: late), if matched. */
  addArrival(carrier: string, ms: number): number | undefined {
    for (const cutoff of this.carrierCutoffs.get(carrier) ?? []) {
      if (Math.abs(cutoff - ms) > PICKUP_MATCH_MS) continue;
      const key = `${carrier}|${cutoff}`;
      if (this.pickups.has(key)) return undefined;
      this.pickups.set(key, ms);
      this.pickupCarriers.add(carrier);
      if (this.pickups.size > 10_000) this.pickups.delete(this.pickups.keys().next().value!);
      return (cutoff - ms) / 60_000;
    }
    return undefined;
  }

  /** The arrival of the carrier's pickup for a cutoff, as known at t (NaN when it has not come). */
  arrivalFor(carrier: string, cutoffMs: number, t: number): number {
    const a = this.pickups.get(`${carrier}|${cutoffMs}`);
    return a !== undefined && a <= t ? a : NaN;
  }

}

function ewma(prev: number | undefined, x: number): number {
  return prev === undefined ? x : prev + EWMA * (x - prev);
}

function minute(ms: number): number {
  return Math.round(ms / 60_000) * 60_000;
}
