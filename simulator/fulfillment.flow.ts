/**
 * Warehouse execution at each site: labor shifts sized to the forecast (+30%: splits and reroutes add ~20% to
 * the warehouse's own demand; up to 12% absent),
 * waves per carrier every 45–60 min in operating hours (earliest promise first), picking then packing as
 * single queues whose speed is the staff on the floor × units per labor-hour, and station throughput reported
 * every 15 minutes. A promotion's extra demand meets fixed labor: backlog grows and waves miss cutoffs.
 */
import { CARRIERS, SITES } from './catalog.ts';
import type { Inventory } from './inventory.flow.ts';
import { DAY, HOUR, MINUTE, formatInZone } from './time-zones.ts';
import type { Shipment, World } from './world.ts';

const INTERVAL_MINUTES = 15;
const INTERVAL_MS = INTERVAL_MINUTES * MINUTE;
const LABOR_MARGIN = 1.3;
const UNITS_PER_PACKAGE = 6;
const STATIONS = ['pick', 'pack', 'ship'] as const;

export interface Fulfillment {
  enqueue(s: Shipment): void;
  /** Units handed to a carrier at an instant (the ship stations' throughput). */
  recordShipped(site: number, ms: number, units: number): void;
}

interface Shift { shiftId: string; startMs: number; endMs: number; pickers: number; packers: number }

interface SiteState {
  queue: Shipment[][];
  pickFreeAt: number;
  packFreeAt: number;
  shifts: Map<number, Shift[]>;
  /** Units per 15-minute bucket: [pick, pack, ship]. */
  buckets: Map<number, number[]>;
  unitsPerDay: number;
}

export function createFulfillment(w: World, deps: { inventory: Inventory; dock: (s: Shipment) => void }): Fulfillment {
  const { rng, catalog } = w;
  const sites: SiteState[] = SITES.map((_, site) => ({
    queue: CARRIERS.map(() => []), pickFreeAt: w.start, packFreeAt: w.start, shifts: new Map(), buckets: new Map(),
    unitsPerDay: catalog.skus.reduce((n, s) => n + deps.inventory.dailyDemand(site, s.index), 0),
  }));

  function record(site: number, ms: number, station: number, units: number) {
    const key = Math.floor(ms / INTERVAL_MS);
    let b = sites[site].buckets.get(key);
    if (!b) sites[site].buckets.set(key, (b = [0, 0, 0]));
    b[station] += units;
  }

  function shiftsOf(site: number, dayNumber: number): Shift[] {
    const st = sites[site];
    let list = st.shifts.get(dayNumber);
    if (list) return list;
    const p = SITES[site];
    const cal = w.calendars[site];
    const d = cal.day(dayNumber);
    list = p.shifts.map((s) => {
      const hours = s.end - s.start;
      const units = st.unitsPerDay * s.share * LABOR_MARGIN * rng.between(0.88, 1);
      return {
        shiftId: `${p.id}-${d.date}-${s.name}`, startMs: cal.at(d, s.start), endMs: cal.at(d, s.end),
        pickers: Math.max(1, Math.round(units / (p.pickRate * hours))), packers: Math.max(1, Math.round(units / (p.packRate * hours))),
      };
    });
    st.shifts.set(dayNumber, list);
    st.shifts.delete(dayNumber - 3);
    return list;
  }

  // capacity() answers through these module-level values (it runs twice per shipment; an object per call showed
  // in GC), and reuses its answer while t stays before the next shift boundary it found.
  let capPick = 0, capPack = 0, capUntil = 0, capSite = -1, capFrom = Infinity;

  /** Staff on the floor at t, and until when that holds (a shift boundary). */
  function capacity(site: number, t: number): void {
    if (site === capSite && t >= capFrom && t < capUntil) return;
    const day = w.calendars[site].dayAt(t).dayNumber;
    let pick = 0, pack = 0, until = t + 2 * DAY;
    for (let dn = day; dn <= day + 1; dn++) {
      for (const s of shiftsOf(site, dn)) {
        if (s.startMs <= t && t < s.endMs) { pick += s.pickers; pack += s.packers; if (s.endMs < until) until = s.endMs; }
        else if (s.startMs > t && s.startMs < until) until = s.startMs;
      }
    }
    capPick = pick; capPack = pack; capUntil = until; capSite = site; capFrom = t;
  }

  /** When `units` of picking (or packing) started at `from` are done, carrying work over shift gaps. */
  function work(site: number, from: number, units: number, packing: boolean): number {
    const perHour = packing ? SITES[site].packRate : SITES[site].pickRate;
    let t = from;
    let left = units;
    for (let guard = 0; guard < 16; guard++) {
      capacity(site, t);
      const perMs = ((packing ? capPack : capPick) * perHour) / HOUR;
      if (perMs > 0) {
        const done = t + left / perMs;
        if (done <= capUntil) return done;
        left -= (capUntil - t) * perMs;
      }
      t = capUntil;
    }
    return t;
  }

  function wave(site: number) {
    const st = sites[site];
    const max = SITES[site].maxWaveOrders;
    // Earliest cutoff first: the pick and pack queues are FIFO, so release order is the priority.
    const day = w.calendars[site].dayAt(w.now);
    const order = CARRIERS.map((_, c) => c).sort((a, b) => (day.cutoffMs[a] || Infinity) - (day.cutoffMs[b] || Infinity));
    for (const c of order) {
      const carrier = CARRIERS[c];
      const q = st.queue[c].filter((s) => !s.cancelled);
      if (!q.length) { st.queue[c] = q; continue; }
      q.sort((a, b) => a.promisedRel - b.promisedRel);
      const batch = q.slice(0, max);
      st.queue[c] = q.slice(max);
      let units = 0;
      for (const s of batch) { s.released = true; units += s.units; }
      const waveId = w.nextId('WV');
      const cutoff = w.calendars[site].nextCutoffDay(c, w.now, 0);
      w.emit({ id: '', type: 'warehouse.wave_created',
        occurredAt: w.iso(w.now), source: SITES[site].source, site: SITES[site].id, schemaVersion: 1,
        waveId, orderCount: batch.length, units,
        carrier: carrier.id, cutoffAt: cutoff.cutoffIso[c] });
      w.schedule(w.now + rng.between(3, 10) * MINUTE, () => release(site, waveId, batch));
    }
  }

  function release(site: number, waveId: string, batch: Shipment[]) {
    const st = sites[site];
    w.emit({ id: '', type: 'warehouse.wave_released',
      occurredAt: w.iso(w.now), source: SITES[site].source, site: SITES[site].id, schemaVersion: 1,
      waveId });
    const source = SITES[site].source;
    const siteId = SITES[site].id;
    const occurredAt = w.iso(w.now);
    for (const s of batch) {
      s.waveId = waveId;
      w.emit({ id: '', type: 'orders.released_to_wave', occurredAt, source, site: siteId, schemaVersion: 1,
        orderId: s.orderId, waveId });
      const picked = work(site, Math.max(w.now, st.pickFreeAt), s.units, false);
      st.pickFreeAt = picked;
      w.schedule(picked, pickDone, s);
      const packed = work(site, Math.max(picked, st.packFreeAt), s.units, true);
      st.packFreeAt = packed;
      w.schedule(packed, packDone, s);
      s.readyRel = w.rel(packed);
      deps.dock(s);
    }
  }

  // Pick and pack events are built when due (a shared step function and the shipment, no closure).
  function pickDone(s: Shipment) {
    record(s.site, w.now, 0, s.units);
    w.emit({ id: '', type: 'orders.picked',
      occurredAt: w.iso(w.now), source: SITES[s.site].source, site: SITES[s.site].id,
      schemaVersion: 1, orderId: s.orderId, waveId: s.waveId, units: s.units });
  }

  function packDone(s: Shipment) {
    record(s.site, w.now, 1, s.units);
    w.emit({ id: '', type: 'orders.packed',
      occurredAt: w.iso(w.now), source: SITES[s.site].source, site: SITES[s.site].id,
      schemaVersion: 1, orderId: s.orderId, packages: Math.ceil(s.units / UNITS_PER_PACKAGE), units: s.units });
  }

  function report(site: number) {
    const key = Math.floor(w.now / INTERVAL_MS) - 1;
    const b = sites[site].buckets.get(key) ?? [0, 0, 0];
    sites[site].buckets.delete(key);
    STATIONS.forEach((station, i) => {
      const count = SITES[site].stations[station];
      const weights = Array.from({ length: count }, () => rng.between(0.75, 1.25));
      const total = weights.reduce((a, x) => a + x, 0);
      let left = b[i];
      weights.forEach((wt, k) => {
        const units = k === count - 1 ? left : Math.floor((b[i] * wt) / total);
        left -= units;
        w.emit({ id: '', type: 'warehouse.station_throughput',
          occurredAt: w.iso(w.now), source: SITES[site].source, site: SITES[site].id, schemaVersion: 1,
          station, stationId: `${SITES[site].id}-${station}-${k + 1}`,
          units, intervalMinutes: INTERVAL_MINUTES });
      });
    });
  }

  /** Local midnight (or the start): publish today's shifts, schedule waves and throughput reports. */
  function openDay(site: number, dayNumber: number) {
    const cal = w.calendars[site];
    const p = SITES[site];
    const d = cal.day(dayNumber);
    for (const s of shiftsOf(site, dayNumber)) {
      if (s.endMs <= w.now) continue;
      w.schedule(Math.max(w.now, s.startMs - HOUR), () => w.emit({ id: '', type: 'warehouse.labor_shift',
        occurredAt: w.iso(w.now), source: SITES[site].source, site: SITES[site].id, schemaVersion: 1,
        shiftId: s.shiftId, pickers: s.pickers, packers: s.packers,
        startsAt: formatInZone(s.startMs, p.timezone), endsAt: formatInZone(s.endMs, p.timezone) }));
    }
    const [open, close] = p.opsHours;
    for (let h = open; h < close; h += p.waveEveryMinutes / 60) {
      const at = cal.at(d, h);
      if (at >= w.now) w.schedule(at, () => wave(site));
    }
    for (let h = open + INTERVAL_MINUTES / 60; h <= close + 0.5; h += INTERVAL_MINUTES / 60) {
      const at = cal.at(d, h);
      if (at >= w.now) w.schedule(at, () => report(site));
    }
    w.schedule(d.endMs + 5 * MINUTE, () => openDay(site, dayNumber + 1));
  }

  SITES.forEach((_, site) => w.schedule(w.start, () => openDay(site, w.calendars[site].dayAt(w.start).dayNumber)));

  return {
    enqueue: (s) => { sites[s.site].queue[s.carrier].push(s); },
    recordShipped: (site, ms, units) => record(site, ms, 2, units),
  };
}
