/**
 * Stored alert transitions, newest first: one alert's history (by key; the bloom filter on alert_key finds its
 * granules) or the recent transitions at a site (a range of the key (site, at, …)), for the dashboard's alert
 * detail and timeline. FINAL: a transition written twice (a retried batch after a restart) is shown once.
 * One evaluation can store several transitions at the same millisecond (inactive → pending → firing when a rule has
 * no pending time); SQL can only break such ties by id, a hash, so `chainTies` puts them back in lifecycle order.
 */
import { selectRows, type Db } from '../client.ts';
import type { AlertState, AlertTransition, Severity } from '../../contracts/alerts.ts';

interface Row {
  id: string; at_ms: number; alert_key: string; rule_id: string; type: string; site: string; labels: Record<string, string>;
  from_state: AlertState; to_state: AlertState; severity: Severity; orders_at_risk: number; revenue_at_risk: number;
  units_at_risk: number | null; value: number; actor: string; comment: string; silenced: boolean | number; inhibited: boolean | number;
}

const sql = (where: string[]) => `
SELECT id, toUnixTimestamp64Milli(at) AS at_ms, alert_key, rule_id, type, site, labels, from_state, to_state, severity,
       orders_at_risk, revenue_at_risk, units_at_risk, value, actor, comment, silenced, inhibited
FROM alert_transitions FINAL
WHERE at >= fromUnixTimestamp64Milli({sinceMs:Int64}) ${where.map((w) => `AND ${w}`).join(' ')}
ORDER BY at DESC, id DESC
LIMIT {limit:UInt32}`;

/**
 * Up to `limit` transitions at or after `since` (epoch ms, default 30 days ago), newest first, of one alert
 * (`alertKey`) and/or at one site.
 */
export async function getAlertTransitions(o: { db: Db; alertKey?: string; site?: string; since?: number; limit: number }): Promise<AlertTransition[]> {
  const where = [o.alertKey !== undefined ? 'alert_key = {alertKey:String}' : '', o.site !== undefined ? 'site = {site:String}' : ''].filter(Boolean);
  const rows = await selectRows<Row>(o.db, 'getAlertTransitions', sql(where), {
    sinceMs: o.since ?? Date.now() - 30 * 86_400_000, alertKey: o.alertKey ?? '', site: o.site ?? '', limit: o.limit,
  });
  return chainTies(rows.map((r) => ({
    id: r.id, alertKey: r.alert_key, ruleId: r.rule_id, type: r.type, site: r.site, labels: r.labels, from: r.from_state,
    to: r.to_state, severity: r.severity, value: Number(r.value), actor: r.actor, comment: r.comment,
    at: new Date(Number(r.at_ms)).toISOString(), silenced: Boolean(r.silenced), inhibited: Boolean(r.inhibited),
    impact: { ordersAtRisk: Number(r.orders_at_risk), revenueAtRisk: Number(r.revenue_at_risk),
      ...(r.units_at_risk === null ? {} : { unitsAtRisk: Number(r.units_at_risk) }) },
  })));
}

/**
 * Transitions newest first, with each run of equal `at` ordered as a chain (a transition's `from` is the `to` of the
 * one after it). A run that is not one unambiguous chain keeps the order it came in.
 */
export function chainTies(newestFirst: readonly AlertTransition[]): AlertTransition[] {
  const out: AlertTransition[] = [];
  for (let i = 0; i < newestFirst.length;) {
    let j = i + 1;
    while (j < newestFirst.length && newestFirst[j]!.at === newestFirst[i]!.at) j++;
    out.push(...chain(newestFirst.slice(i, j)));
    i = j;
  }
  return out;
}

function chain(run: AlertTransition[]): AlertTransition[] {
  if (run.length < 2) return run;
  const heads = run.filter((t) => !run.some((u) => u !== t && u.from === t.to));
  if (heads.length !== 1) return run;
  const left = new Set(run);
  const out: AlertTransition[] = [];
  for (let cur: AlertTransition | undefined = heads[0]; cur; ) {
    out.push(cur);
    left.delete(cur);
    const before: AlertTransition[] = [...left].filter((u) => u.to === cur!.from);
    if (before.length > 1) return run;
    cur = before[0];
  }
  return left.size ? run : out;
}

