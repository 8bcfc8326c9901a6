/**
 * Store alert transitions (the lifecycle book's output) in alert_transitions (migration 0006). The caller sends
 * small batches (the engine: up to 500, every 250 ms) and retries a failed one with the same rows: the retry has
 * the same bytes, so the deduplication token insertJsonLines derives from them drops it if the first attempt had
 * landed; a transition re-sent in another batch collapses on the table's key, which ends in the transition id.
 */
import { insertJsonLines, type Db } from '../client.ts';
import type { AlertTransition } from '../../contracts/alerts.ts';

/** Write the transitions; returns how many were sent. */
export async function insertAlertTransitions(o: { db: Db; rows: AlertTransition[] }): Promise<{ written: number }> {
  await insertJsonLines(o.db, 'alert_transitions', o.rows.map((t) => JSON.stringify({
    id: t.id, at: t.at, alert_key: t.alertKey, rule_id: t.ruleId, type: t.type, site: t.site, labels: t.labels,
    from_state: t.from, to_state: t.to, severity: t.severity, orders_at_risk: t.impact.ordersAtRisk,
    revenue_at_risk: t.impact.revenueAtRisk, units_at_risk: t.impact.unitsAtRisk ?? null, value: Number.isFinite(t.value) ? t.value : 0,
    actor: t.actor, comment: t.comment ?? '', silenced: t.silenced, inhibited: t.inhibited,
  })));
  return { written: o.rows.length };
}
