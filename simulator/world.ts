/**
 * What every part of the scenario shares: the clock, the random stream, master data, the site calendars, the
 * incident book and the agenda. Flows (orders, fulfillment, inventory, procurement, returns) receive it and
 * talk to each other through the small interfaces below, never through globals.
 */
import type { OpsEvent } from '../contracts/index.ts';
import type { Catalog } from './catalog.ts';
import type { Demand } from './demand.ts';
import type { IncidentBook } from './incidents.ts';
import type { Random } from './random.ts';
import type { SiteCalendar } from './site-calendar.ts';

export interface World {
  readonly rng: Random;
  readonly catalog: Catalog;
  readonly calendars: SiteCalendar[];
  readonly incidents: IncidentBook;
  readonly demand: Demand;
  readonly start: number;
  /** Exclusive end of the simulated window (Infinity when live). */
  readonly end: number;
  readonly ordersPerDay: number;
  /** The simulated instant of the step being run. */
  readonly now: number;
  /** UTC ISO-8601 of an instant. */
  iso(ms: number): string;
  /** Hand out an event that occurs now. */
  emit(ev: OpsEvent): void;
  /** Hand out an event at `at`; its occurredAt may be earlier (a feed that delivers late). */
  emitAt(at: number, ev: OpsEvent): void;
  /** Run a step at `at` (with `arg`, which saves a closure on hot paths); steps past the end are dropped. */
  schedule<T>(at: number, fn: (arg: T) => void, arg?: T): void;
  /** Integer ms since the start (for long-lived records), and back. */
  rel(ms: number): number;
  abs(rel: number): number;
  /** A run-unique entity id: `<prefix>-<run tag>-<n>`. */
  nextId(prefix: string): string;
}

/** One line of a shipment: catalog index, units and the price paid, in cents (an integer: no boxed number). */
export interface Line { sku: number; qty: number; priceCents: number }

/**
 * The unit that moves through a site: a whole order, or one part of a split order. ~100k are alive at once
 * (in transit for days), so instants are kept as integer ms since the scenario start (`*Rel`), which V8 stores
 * unboxed for runs up to 24 days; a double per field was ~30% of the live heap.
 */
export interface Shipment {
  orderId: string;
  channel: number;
  site: number;
  carrier: number;
  service: number;
  lines: Line[];
  units: number;
  promisedRel: number;
  cancelled: boolean;
  released: boolean;
  waveId: string;
  /** When packing finishes (set at wave release). */
  readyRel: number;
  handoffRel: number;
  deliveredRel: number;
  trackingNumber: string;
}

/** Stock positions the order and replenishment flows consult. */
export interface StockBook {
  /** The bin a sku is slotted in at a site. */
  bin(site: number, sku: number): string;
  /** Units free to allocate at a site. */
  available(site: number, sku: number): number;
  /** Reserve units for an order (caller checked availability). */
  take(site: number, sku: number, qty: number): void;
  /** Give back units of a cancelled order. */
  restore(site: number, sku: number, qty: number): void;
  /** A site ran short of a sku for an order: the inventory flow may move stock. */
  shortage(site: number, sku: number): void;
  /** Units received: emit `stock.received`, then put away (or hold) and make them available. */
  receive(site: number, sku: number, qty: number, ref: { poId?: string; asnId?: string; holdChance?: number }): void;
}
