/**
 * Lead time of a new order per SKU-location from the observed lead times (clickhouse/queries/
 * getSupplierLeadTimes.ts), falling back from the sku's own history to its supplier's, then to a default:
 *  - the sku's supplier at a site is the supplier with the most received lines of it there;
 *  - the sku's own mean and sd are used from `minObservations` (default 3) received lines on, since below that
 *    a sample sd is mostly noise (two lines give one degree of freedom);
 *  - otherwise the supplier's, counted per PO, from the same minimum;
 *  - otherwise the `fallback` (e.g. the supplier's quoted lead time, or a planning default).
 */
import type { SupplierLeadTime } from '../../clickhouse/queries/getSupplierLeadTimes.ts';

export interface LeadTime {
  meanDays: number;
  sdDays: number;
  source: 'sku' | 'supplier' | 'default';
  /** '' when no PO of the sku was observed at the site. */
  supplier: string;
  /** Observations behind the figures (0 for the default). */
  n: number;
}

const usable = (r: SupplierLeadTime | undefined, min: number): r is SupplierLeadTime & { meanDays: number; sdDays: number } =>
  r !== undefined && r.n >= min && r.meanDays !== null && r.sdDays !== null;

/** A lookup (site, sku) → lead time over one set of observed lead times. */
export function leadTimeLookup(stats: SupplierLeadTime[], o: { fallback: { meanDays: number; sdDays: number }; minObservations?: number }):
(site: string, sku: string) => LeadTime {
  const min = o.minObservations ?? 3;
  const bySku = new Map<string, SupplierLeadTime>();
  const bySupplier = new Map<string, SupplierLeadTime>();
  for (const r of stats) {
    if (r.sku === '') { bySupplier.set(`${r.site}|${r.supplier}`, r); continue; }
    const key = `${r.site}|${r.sku}`;
    const seen = bySku.get(key);
    if (!seen || r.n > seen.n) bySku.set(key, r);
  }
  return (site, sku) => {
    const own = bySku.get(`${site}|${sku}`);
    if (usable(own, min)) return { meanDays: own.meanDays, sdDays: own.sdDays, source: 'sku', supplier: own.supplier, n: own.n };
    const supplier = own ? bySupplier.get(`${site}|${own.supplier}`) : undefined;
    if (usable(supplier, min)) return { meanDays: supplier.meanDays, sdDays: supplier.sdDays, source: 'supplier', supplier: supplier.supplier, n: supplier.n };
    return { ...o.fallback, source: 'default', supplier: own?.supplier ?? '', n: 0 };
  };
}
