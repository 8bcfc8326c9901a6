/**
 * The seed article's business: a brand selling on its own site, two marketplaces and a wholesale portal, from
 * one primary warehouse (wh-east) and a 3PL for overflow (3pl-west), buying from domestic and overseas
 * suppliers, shipping with three carriers. Master data only; the numbers are the scenario's knobs.
 */
import { AliasTable, Random, cumulative } from './random.ts';

export type ChannelId = 'dtc-web' | 'marketplace-a' | 'marketplace-b' | 'wholesale-portal';
export type PriorityId = 'standard' | 'expedited' | 'express';

export interface ShiftProfile { name: string; start: number; end: number; share: number }

export interface SiteProfile {
  id: string;
  timezone: string;
  /** The system that reports this site's warehouse events. */
  source: string;
  binPrefix: string;
  /** Local hours when waves run and stations report. */
  opsHours: [number, number];
  receivingHours: [number, number];
  shifts: ShiftProfile[];
  waveEveryMinutes: number;
  maxWaveOrders: number;
  /** Units per labor-hour; typical each-pick and pack-station rates. */
  pickRate: number;
  packRate: number;
  stations: { pick: number; pack: number; ship: number };
  /** Cycle counts, stray adjustments, quality holds and unrecorded losses per day. */
  countsPerDay: number;
  adjustmentsPerDay: number;
  holdsPerDay: number;
  hiddenLossPerDay: number;
}

export const SITES: SiteProfile[] = [
  {
    id: 'wh-east', timezone: 'America/New_York', source: 'wms', binPrefix: 'E', opsHours: [6, 22], receivingHours: [6, 16],
    shifts: [{ name: 'day', start: 6, end: 14.5, share: 0.55 }, { name: 'swing', start: 14, end: 22.5, share: 0.45 }],
    waveEveryMinutes: 45, maxWaveOrders: 400, pickRate: 110, packRate: 160, stations: { pick: 4, pack: 3, ship: 2 },
    countsPerDay: 60, adjustmentsPerDay: 12, holdsPerDay: 4, hiddenLossPerDay: 15,
  },
  {
    id: '3pl-west', timezone: 'America/Los_Angeles', source: '3pl-portal', binPrefix: 'W', opsHours: [7, 19], receivingHours: [7, 15],
    shifts: [{ name: 'day', start: 7, end: 15.5, share: 0.6 }, { name: 'late', start: 15, end: 19.5, share: 0.4 }],
    waveEveryMinutes: 60, maxWaveOrders: 300, pickRate: 95, packRate: 140, stations: { pick: 3, pack: 2, ship: 1 },
    countsPerDay: 30, adjustmentsPerDay: 6, holdsPerDay: 2, hiddenLossPerDay: 8,
  },
];
export const EAST = 0;
export const WEST = 1;

export interface ChannelProfile {
  id: ChannelId;
  /** Share of order count (not units): wholesale is 1% of orders but ~30% of units. */
  share: number;
  lines: { mean: number; max: number };
  qty: { mean: number; max: number; casePack: number };
  /** Cumulative weights of standard / expedited / express. */
  priority: number[];
  priceFactor: number;
  business: boolean;
}

export const CHANNELS: ChannelProfile[] = [
  { id: 'dtc-web', share: 0.46, lines: { mean: 1.8, max: 8 }, qty: { mean: 1.3, max: 4, casePack: 1 },
    priority: cumulative([0.7, 0.2, 0.1]), priceFactor: 1, business: false },
  { id: 'marketplace-a', share: 0.3, lines: { mean: 1.15, max: 3 }, qty: { mean: 1.1, max: 3, casePack: 1 },
    priority: cumulative([0.85, 0.12, 0.03]), priceFactor: 0.97, business: false },
  { id: 'marketplace-b', share: 0.23, lines: { mean: 1.2, max: 3 }, qty: { mean: 1.1, max: 3, casePack: 1 },
    priority: cumulative([0.88, 0.1, 0.02]), priceFactor: 0.95, business: false },
  { id: 'wholesale-portal', share: 0.01, lines: { mean: 8, max: 30 }, qty: { mean: 1.5, max: 8, casePack: 6 },
    priority: cumulative([1, 0, 0]), priceFactor: 0.55, business: true },
];
export const PRIORITIES: PriorityId[] = ['standard', 'expedited', 'express'];

export interface ServiceProfile { id: string; priority: PriorityId; transitDays: [number, number]; weight: number }

export interface CarrierProfile {
  id: string;
  trackingPrefix: string;
  services: ServiceProfile[];
  /** Local [hour, minute] of the daily cutoff per site (index = site). */
  cutoff: [number, number][];
  /** Days of the week (0 = Sunday) with a pickup. */
  pickupDays: number[];
}

export const CARRIERS: CarrierProfile[] = [
  { id: 'ups', trackingPrefix: '1Z', cutoff: [[18, 0], [17, 0]], pickupDays: [1, 2, 3, 4, 5, 6], services: [
    { id: 'ground', priority: 'standard', transitDays: [2, 5], weight: 0.4 },
    { id: 'next_day_air', priority: 'express', transitDays: [1, 1], weight: 1 }] },
  { id: 'fedex', trackingPrefix: 'FX', cutoff: [[17, 30], [16, 30]], pickupDays: [1, 2, 3, 4, 5, 6], services: [
    { id: 'ground', priority: 'standard', transitDays: [2, 5], weight: 0.25 },
    { id: '2day', priority: 'expedited', transitDays: [2, 2], weight: 0.6 }] },
  { id: 'usps', trackingPrefix: '94', cutoff: [[16, 0], [15, 30]], pickupDays: [1, 2, 3, 4, 5, 6], services: [
    { id: 'ground_advantage', priority: 'standard', transitDays: [2, 5], weight: 0.35 },
    { id: 'priority_mail', priority: 'expedited', transitDays: [1, 3], weight: 0.4 }] },
];

/** Per priority (PRIORITIES order): the carrier services that serve it, with cumulative weights. */
export const SERVICE_CHOICES = PRIORITIES.map((p) => {
  const options = CARRIERS.flatMap((c, carrier) => c.services.map((s, service) => ({ carrier, service, priority: s.priority, weight: s.weight })))
    .filter((o) => o.priority === p);
  return { options, cum: cumulative(options.map((o) => o.weight)) };
});

export interface SupplierProfile {
  id: string;
  region: 'domestic' | 'overseas';
  /** Order-to-receipt days; overseas spreads are wide (ocean freight, port dwell). */
  leadDays: { mean: number; sd: number };
  /** Days between ASN (shipped) and receipt. */
  transitDays: number;
  confirmHours: [number, number];
  skuShare: number;
}

export const SUPPLIERS: SupplierProfile[] = [
  { id: 'sup-acme-dist', region: 'domestic', leadDays: { mean: 1, sd: 0.25 }, transitDays: 0.5, confirmHours: [0.5, 3], skuShare: 0.35 },
  { id: 'sup-northfield', region: 'domestic', leadDays: { mean: 4, sd: 1 }, transitDays: 1.5, confirmHours: [1, 8], skuShare: 0.25 },
  { id: 'sup-shenzhen-mfg', region: 'overseas', leadDays: { mean: 35, sd: 7 }, transitDays: 24, confirmHours: [6, 36], skuShare: 0.25 },
  { id: 'sup-hanoi-textile', region: 'overseas', leadDays: { mean: 45, sd: 10 }, transitDays: 28, confirmHours: [12, 48], skuShare: 0.15 },
];

export interface Region { id: string; weight: number; site: number }

/** Ship-to regions; the west ones are served from the 3PL when it holds the stock. */
export const REGIONS: Region[] = [
  { id: 'us-ne', weight: 0.22, site: EAST }, { id: 'us-se', weight: 0.2, site: EAST }, { id: 'us-mw', weight: 0.2, site: EAST },
  { id: 'us-sw', weight: 0.12, site: WEST }, { id: 'us-w', weight: 0.18, site: WEST }, { id: 'us-nw', weight: 0.08, site: WEST },
];

const CATEGORIES = [
  { id: 'apparel', weight: 0.35, returnRate: 0.12, price: 35 },
  { id: 'home', weight: 0.25, returnRate: 0.04, price: 45 },
  { id: 'electronics', weight: 0.15, returnRate: 0.06, price: 90 },
  { id: 'beauty', weight: 0.15, returnRate: 0.02, price: 22 },
  { id: 'outdoor', weight: 0.1, returnRate: 0.05, price: 60 },
];

export interface Sku {
  index: number;
  id: string;
  /** 0 = best seller. */
  rank: number;
  category: string;
  price: number;
  unitCost: number;
  /** Share of all units sold (Zipf, s = 1.05: the top 10 of 500 skus sell ~40%). */
  share: number;
  returnRate: number;
  supplier: number;
  casePack: number;
  /** The 3PL stocks only the fast movers (top 40%). */
  atWest: boolean;
}

export interface Catalog {
  skus: Sku[];
  sampler: AliasTable;
  /** Skus by descending popularity. */
  byRank: number[];
  regionWeights: number[];
}

const ZIPF_S = 1.05;

export function buildCatalog(o: { rng: Random; skus: number }): Catalog {
  const { rng } = o;
  const n = Math.max(10, Math.floor(o.skus));
  const weights = Array.from({ length: n }, (_, rank) => 1 / Math.pow(rank + 1, ZIPF_S));
  const total = weights.reduce((a, b) => a + b, 0);
  // Sku numbers are not ranks: SKU-00001 is not the best seller.
  const byRank = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  const supplierCum = cumulative(SUPPLIERS.map((s) => s.skuShare));
  const categoryCum = cumulative(CATEGORIES.map((c) => c.weight));
  const skus: Sku[] = new Array(n);
  byRank.forEach((index, rank) => {
    const cat = CATEGORIES[rng.weighted(categoryCum)];
    const price = Math.round(Math.min(950, Math.max(4, cat.price * Math.exp(rng.normal(0, 0.6)))) * 100) / 100;
    skus[index] = {
      index,
      id: `SKU-${String(index + 1).padStart(5, '0')}`,
      rank,
      category: cat.id,
      price,
      unitCost: Math.round(price * rng.between(0.35, 0.55) * 100) / 100,
      share: weights[rank] / total,
      returnRate: cat.returnRate * rng.between(0.6, 1.4),
      supplier: rng.weighted(supplierCum),
      casePack: rng.pick([6, 12, 24]),
      atWest: rank < n * 0.4,
    };
  });
  return {
    skus,
    sampler: new AliasTable(skus.map((s) => s.share)),
    byRank,
    regionWeights: cumulative(REGIONS.map((r) => r.weight)),
  };
}

/** Mean units per order across the channel mix: ~1.5 consumer units plus wholesale's cases (analytic estimate). */
export function meanUnitsPerOrder(): number {
  return CHANNELS.reduce((sum, c) => sum + c.share * c.lines.mean * c.qty.mean * c.qty.casePack, 0);
}
