/**
 * What an order and a unit are worth, for the impact estimates that set alert severity: per SKU the average unit
 * price (quantity-weighted over its `orders.created` lines of the last 30 days), per site × SKU the daily demand
 * and units per order line, per site and per channel the average order value. Refreshed from ClickHouse every
 * 15 minutes (two grouped reads of 30 days of orders: ~100 ms at 20k orders a day); a failed refresh keeps the
 * previous figures. Before the first refresh (or without order history) every figure is 0, so impact is 0 and
 * severity stays at the rule's base: an alert is never held back for want of prices.
 */
import type { Db } from '../../clickhouse/client.ts';
import { getOrderStats } from '../../clickhouse/queries/getOrderStats.ts';
import { getSkuPrices } from '../../clickhouse/queries/getSkuPrices.ts';

const DAY = 86_400_000;
const WINDOW_DAYS = 30;

interface Sums { units: number; revenue: number; orders: number }
const add = (m: Map<string, Sums>, k: string, s: Sums) => {
  const t = m.get(k) ?? { units: 0, revenue: 0, orders: 0 };
  t.units += s.units; t.revenue += s.revenue; t.orders += s.orders;
  m.set(k, t);
};
const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);

export class BusinessFigures {
  private sku = new Map<string, Sums>();
  private siteSku = new Map<string, Sums>();
  private orders = new Map<string, Sums>();
  private days = WINDOW_DAYS;
  refreshedAt = 0;

  /** Re-read the last 30 days before `now` (epoch ms). */
  async refresh(o: { db: Db; now: number }): Promise<void> {
    const from = o.now - WINDOW_DAYS * DAY;
    const [skus, stats] = await Promise.all([getSkuPrices({ db: o.db, from, to: o.now }), getOrderStats({ db: o.db, from, to: o.now })]);
    this.load({ skus, orders: stats.map((s) => ({ site: s.site, channel: s.channel, orders: s.orders, units: s.units, revenue: s.value })) });
    this.refreshedAt = o.now;
  }

  /** Replace the figures (refresh, and tests). */
  load(o: { skus: { site: string; sku: string; units: number; revenue: number; orders: number }[];
    orders: { site: string; channel: string; orders: number; units: number; revenue: number }[]; days?: number }): void {
    const sku = new Map<string, Sums>(), siteSku = new Map<string, Sums>(), orders = new Map<string, Sums>();
    for (const r of o.skus) { add(sku, r.sku, r); add(siteSku, `${r.site}\u0000${r.sku}`, r); }
    for (const r of o.orders) {
      for (const k of ['*', `site:${r.site}`, `channel:${r.channel}`]) add(orders, k, r);
    }
    Object.assign(this, { sku, siteSku, orders, days: o.days ?? WINDOW_DAYS });
  }

  unitPrice(sku: string): number { const s = this.sku.get(sku); return s ? ratio(s.revenue, s.units) : 0; }
  /** Mean units per day of the SKU at the site. */
  dailyUnits(site: string, sku: string): number { return ratio(this.siteSku.get(`${site}\u0000${sku}`)?.units ?? 0, this.days); }
  /** Mean units of the SKU on an order that has it (≥ 1 when known). */
  unitsPerOrder(site: string, sku: string): number {
    const s = this.siteSku.get(`${site}\u0000${sku}`) ?? this.sku.get(sku);
    return s && s.orders > 0 ? Math.max(1, s.units / s.orders) : 1;
  }
  /** Average order value at a site, of a channel, or of the network (the fallback when the first two are unknown). */
  orderValue(o: { site?: string; channel?: string } = {}): number {
    const pick = (k: string) => { const s = this.orders.get(k); return s && s.orders > 0 ? s.revenue / s.orders : undefined; };
    return (o.channel && pick(`channel:${o.channel}`)) || (o.site && pick(`site:${o.site}`)) || pick('*') || 0;
  }
  /** Mean orders per minute captured at a site over the window. */
  ordersPerMinute(site: string): number { return ratio(this.orders.get(`site:${site}`)?.orders ?? 0, this.days * 1440); }
}
