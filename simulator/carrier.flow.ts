/**
 * Carriers at the sites: each local day publishes every carrier's cutoffs (site-local offset), trucks arrive
 * 25–45 minutes before the cutoff and load what is packed, each parcel is scanned at handoff, and parcels
 * are delivered after the service's transit days; 1.2% hit an exception (15% of those are lost). A late_pickup
 * incident makes one truck arrive after its cutoff, so that day's parcels are handed off late.
 * The window opens on a running business: parcels handed off in the 4 days before it are still delivered in it.
 */
import { CARRIERS, CHANNELS, REGIONS, SERVICE_CHOICES, SITES } from './catalog.ts';
import { cumulative } from './random.ts';
import { DAY, HOUR, MINUTE } from './time-zones.ts';
import type { Shipment, World } from './world.ts';

const EXCEPTION_CHANCE = 0.012;
const EXCEPTION_CODES = ['damaged', 'address_issue', 'weather', 'lost'] as const;
const EXCEPTION_CUM = cumulative([0.3, 0.35, 0.2, 0.15]);
/** Parcels packed up to 20 minutes after the truck arrives still make it; loading takes ~2.5 s a parcel. */
const LOAD_WINDOW_MS = 20 * MINUTE;
const UNITS_PER_PACKAGE = 6;

export interface CarrierDesk {
  /** A packed shipment waits at the dock for its carrier. */
  dock(s: Shipment): void;
}

export function createCarriers(w: World, deps: {
  recordShipped: (site: number, ms: number, units: number) => void;
  onDelivered: (s: Shipment) => void;
}): CarrierDesk {
  const { rng, catalog } = w;
  const docks = SITES.map(() => CARRIERS.map(() => ({ items: [] as Shipment[], head: 0 })));

  function openDay(site: number, dayNumber: number) {
    const cal = w.calendars[site];
    const d = cal.day(dayNumber);
    CARRIERS.forEach((carrier, c) => {
      const cutoff = d.cutoffMs[c];
      if (Number.isNaN(cutoff)) return;
      for (const service of carrier.services) {
        w.emit({ id: '', type: 'carrier.cutoff_scheduled',
          occurredAt: w.iso(w.now), source: 'tms', site: SITES[site].id, schemaVersion: 1,
          carrier: carrier.id, service: service.id,
          cutoffAt: d.cutoffIso[c], timezone: SITES[site].timezone });
      }
      const scheduled = cutoff - 30 * MINUTE;
      const onTime = cutoff - rng.between(25, 45) * MINUTE; // drawn either way: a shorter window stays a prefix
      const late = w.incidents.active('late_pickup', cutoff, site * CARRIERS.length + c);
      const arrival = late ? late.endMs : onTime;
      if (arrival >= w.now) w.schedule(arrival, () => pickup(site, c, scheduled, cutoff));
    });
    w.schedule(d.endMs + 5 * MINUTE, () => openDay(site, dayNumber + 1));
  }

  function pickup(site: number, c: number, scheduledMs: number, cutoffMs: number) {
    const carrier = CARRIERS[c];
    const arrival = w.now;
    const pickupId = w.nextId('PU');
    w.emit({ id: '', type: 'carrier.pickup_arrived',
      occurredAt: w.iso(arrival), source: 'carrier-api', site: SITES[site].id, schemaVersion: 1,
      carrier: carrier.id, pickupId, scheduledAt: w.iso(scheduledMs) });
    const dock = docks[site][c];
    const load: Shipment[] = [];
    const loadable = w.rel(arrival + LOAD_WINDOW_MS);
    while (dock.head < dock.items.length && dock.items[dock.head].readyRel <= loadable) load.push(dock.items[dock.head++]);
    if (dock.head > 1024) { dock.items = dock.items.slice(dock.head); dock.head = 0; }
    const loadMs = Math.min(25 * MINUTE, Math.max(5 * MINUTE, load.length * 2500));
    let departure = arrival + loadMs;
    let parcels = 0;
    for (let i = 0; i < load.length; i++) {
      const s = load[i];
      const handoffMs = Math.max(w.abs(s.readyRel), arrival + ((i + 1) * loadMs) / (load.length + 1));
      s.handoffRel = w.rel(handoffMs);
      departure = Math.max(departure, handoffMs + MINUTE);
      parcels += Math.ceil(s.units / UNITS_PER_PACKAGE);
      s.trackingNumber = w.nextId(carrier.trackingPrefix);
      w.schedule(handoffMs, handoff, s);
      deps.recordShipped(site, handoffMs, s.units);
      deliver(s, handoffMs);
    }
    if (arrival > cutoffMs && load.length) {
      // One exception per late truck (against its first parcel); the parcels' handoffAt tell the rest.
      w.emit({ id: '', type: 'carrier.exception',
        occurredAt: w.iso(arrival), source: 'carrier-api', site: SITES[site].id, schemaVersion: 1,
        carrier: carrier.id, trackingNumber: load[0].trackingNumber,
        orderId: load[0].orderId, code: 'late_pickup',
        description: `pickup ${pickupId} arrived ${Math.round((arrival - cutoffMs) / MINUTE)} min after the cutoff with ${load.length} parcels waiting` });
    }
    w.emitAt(departure, { id: '', type: 'carrier.pickup_departed',
      occurredAt: w.iso(departure), source: 'carrier-api', site: SITES[site].id, schemaVersion: 1,
      carrier: carrier.id, pickupId, parcels });
  }

  // Per-parcel steps are shared functions given the shipment, and build their events when due: ~100k parcels
  // are in transit at any time, and events or closures built days early were most of the GC's work.
  function handoff(s: Shipment) {
    w.emit({ id: '', type: 'carrier.handoff_scan',
      occurredAt: w.iso(w.now), source: 'carrier-api', site: SITES[s.site].id, schemaVersion: 1,
      carrier: CARRIERS[s.carrier].id, orderId: s.orderId,
      trackingNumber: s.trackingNumber });
    w.schedule(w.now + rng.between(0.5, 3) * MINUTE, shipped, s);
  }

  function shipped(s: Shipment) {
    const carrier = CARRIERS[s.carrier];
    w.emit({ id: '', type: 'orders.shipped',
      occurredAt: w.iso(w.now), source: SITES[s.site].source, site: SITES[s.site].id, schemaVersion: 1,
      orderId: s.orderId, carrier: carrier.id,
      service: carrier.services[s.service].id, trackingNumber: s.trackingNumber, handoffAt: w.iso(w.abs(s.handoffRel)) });
  }

  /** Schedule the parcel's delivery (or exception) after the service's transit days. */
  function deliver(s: Shipment, handoffMs: number, returnable = true) {
    const [lo, hi] = CARRIERS[s.carrier].services[s.service].transitDays;
    const transit = rng.int(lo, hi) * DAY;
    let deliveredMs = handoffMs + transit + rng.between(-4, 6) * HOUR;
    if (rng.chance(EXCEPTION_CHANCE)) {
      const code = EXCEPTION_CODES[rng.weighted(EXCEPTION_CUM)];
      const exAt = handoffMs + rng.between(0.2, 0.9) * transit;
      if (exAt >= w.now) w.schedule(exAt, () => exception(s, code));
      if (code === 'lost') return;
      deliveredMs += rng.between(1, 2) * DAY;
    }
    if (deliveredMs < w.now) return;
    s.deliveredRel = w.rel(deliveredMs);
    w.schedule(deliveredMs, delivered, s);
    if (returnable) deps.onDelivered(s);
  }

  function exception(s: Shipment, code: (typeof EXCEPTION_CODES)[number]) {
    w.emit({ id: '', type: 'carrier.exception',
      occurredAt: w.iso(w.now), source: 'carrier-api', site: SITES[s.site].id, schemaVersion: 1,
      carrier: CARRIERS[s.carrier].id,
      trackingNumber: s.trackingNumber, orderId: s.orderId, code });
  }

  function delivered(s: Shipment) {
    w.emit({ id: '', type: 'carrier.delivered',
      occurredAt: w.iso(w.now), source: 'carrier-api', site: SITES[s.site].id, schemaVersion: 1,
      carrier: CARRIERS[s.carrier].id, trackingNumber: s.trackingNumber,
      orderId: s.orderId, parcels: Math.ceil(s.units / UNITS_PER_PACKAGE) });
    w.schedule(w.now + rng.between(1, 20) * MINUTE, recorded, s);
  }

  function recorded(s: Shipment) {
    w.emit({ id: '', type: 'orders.delivered',
      occurredAt: w.iso(w.now), source: 'oms', site: SITES[s.site].id, schemaVersion: 1,
      orderId: s.orderId, carrier: CARRIERS[s.carrier].id,
      deliveredAt: w.iso(w.abs(s.deliveredRel)) });
  }

  /** Parcels handed off in the 4 days before the window, still in transit at its start. */
  function openInTransit() {
    const channelCum = cumulative(CHANNELS.map((c) => c.share));
    for (let k = 0, n = Math.round(w.ordersPerDay * 4); k < n; k++) {
      const handoff = w.start - rng.next() * 4 * DAY;
      const channel = rng.weighted(channelCum);
      const choice = SERVICE_CHOICES[rng.weighted(CHANNELS[channel].priority)];
      const { carrier, service } = choice.options[rng.weighted(choice.cum)];
      // Cheap pre-check: most of these were delivered before the window and are never built.
      if (handoff + CARRIERS[carrier].services[service].transitDays[1] * DAY + 2 * DAY < w.start) continue;
      const sku = catalog.sampler.sample(rng);
      const qty = rng.count(CHANNELS[channel].qty.mean, CHANNELS[channel].qty.max) * CHANNELS[channel].qty.casePack;
      const s: Shipment = {
        orderId: w.nextId('SO'), channel, site: REGIONS[rng.weighted(catalog.regionWeights)].site, carrier, service,
        lines: [{ sku, qty, priceCents: Math.round(catalog.skus[sku].price * 100) }], units: qty, promisedRel: w.rel(handoff),
        cancelled: false, released: true, waveId: '', readyRel: w.rel(handoff), handoffRel: w.rel(handoff), deliveredRel: 0,
        trackingNumber: w.nextId(CARRIERS[carrier].trackingPrefix),
      };
      // Returns of these come from the returns flow's pre-window stream, not from here.
      deliver(s, handoff, false);
    }
  }

  w.schedule(w.start, openInTransit);
  SITES.forEach((_, site) => w.schedule(w.start, () => openDay(site, w.calendars[site].dayAt(w.start).dayNumber)));

  return {
    dock: (s) => { docks[s.site][s.carrier].items.push(s); },
  };
}
