/**
 * KPI ticks: every few seconds the engine publishes `kpi.tick` (core NATS, not stored; the gateway forwards it to
 * dashboards that asked for it) — per site the order and event figures from ClickHouse (getKpiSnapshot) plus the
 * book's firing and critical alert counts; `network` is the sum over sites plus the network-wide alerts.
 * "Firing" counts alerts past pending and not resolved (firing, acknowledged, flapping): what is wrong now.
 */
import type { Db } from '../../clickhouse/client.ts';
import { getKpiSnapshot } from '../../clickhouse/queries/getKpiSnapshot.ts';
import { KPI_SUBJECT, type Alert } from '../../contracts/alerts.ts';
import { KpiTickSchema, type KpiFigures, type KpiTick } from '../../contracts/realtime.ts';
import type { NatsConnection } from '../../runtime/nats.ts';
import { NETWORK_SITE } from '../routing.ts';

const FIRING = new Set(['firing', 'acknowledged', 'flapping']);
const zero = (): KpiFigures => ({ ordersLastHour: 0, unitsLastHour: 0, shippedLastHour: 0, openOrders: 0, eventsPerSecond: 0,
  firingAlerts: 0, criticalAlerts: 0 });

/** Build one tick as of `at` (epoch ms). */
export async function buildKpiTick(o: { db: Db; alerts: Alert[]; at: number }): Promise<KpiTick> {
  const sites: Record<string, KpiFigures> = {};
  const site = (s: string) => (sites[s] ??= zero());
  for (const k of await getKpiSnapshot({ db: o.db, at: o.at })) {
    Object.assign(site(k.site), { ordersLastHour: k.ordersLastHour, unitsLastHour: k.unitsLastHour, shippedLastHour: k.shippedLastHour,
      openOrders: k.openOrders, eventsPerSecond: Math.round(k.eventsPerSecond * 100) / 100 });
  }
  const network = zero();
  for (const a of o.alerts) {
    if (!FIRING.has(a.state)) continue;
    const f = a.site === NETWORK_SITE ? network : site(a.site);
    f.firingAlerts++;
    if (a.severity === 'critical') f.criticalAlerts++;
  }
  for (const f of Object.values(sites)) {
    for (const k of Object.keys(network) as (keyof KpiFigures)[]) network[k] += f[k];
  }
  network.eventsPerSecond = Math.round(network.eventsPerSecond * 100) / 100;
  return KpiTickSchema.parse({ at: new Date(o.at).toISOString(), network, sites });
}

/** Publish a tick every `everyMs`; a failed read skips that tick. Returns the stopper. */
export function startKpiTicks(o: { nc: NatsConnection; db: Db; alerts: () => Alert[]; everyMs: number; onError?: (e: Error) => void;
  subject?: string }): () => void {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    buildKpiTick({ db: o.db, alerts: o.alerts(), at: Date.now() })
      .then((t) => o.nc.publish(o.subject ?? KPI_SUBJECT, JSON.stringify(t)), (e: Error) => o.onError?.(e))
      .finally(() => { busy = false; });
  }, o.everyMs);
  return () => clearInterval(timer);
}
