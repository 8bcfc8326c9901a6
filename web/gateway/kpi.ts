/**
 * KPI ticks scoped to a principal: only the sites in its scope, and the network figures recomputed as their sum
 * (every figure is a count or a rate over sites, so the sum is the network of what it may see). A principal that
 * sees every site gets the tick as published.
 */
import type { KpiFigures, KpiTick } from '../../contracts/realtime.ts';

const ZERO: KpiFigures = { ordersLastHour: 0, unitsLastHour: 0, shippedLastHour: 0, openOrders: 0, eventsPerSecond: 0, firingAlerts: 0, criticalAlerts: 0 };

/** The tick a principal with these sites may see. */
export function scopeKpiTick(tick: KpiTick, sites: readonly string[]): KpiTick {
  if (sites.includes('*')) return tick;
  const visible: Record<string, KpiFigures> = {};
  const network = { ...ZERO };
  for (const site of sites) {
    const f = tick.sites[site];
    if (!f) continue;
    visible[site] = f;
    for (const k of Object.keys(network) as (keyof KpiFigures)[]) network[k] += f[k];
  }
  return { at: tick.at, network, sites: visible };
}
