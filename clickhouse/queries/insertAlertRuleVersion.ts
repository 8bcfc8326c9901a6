/**
 * Audit one stored version of the alert rule set (alert_rule_versions, migration 0006): who changed which rule
 * and the whole set as JSON. Keyed by version, so writing a version again (a retry, a restart that re-seeds)
 * collapses into one row.
 */
import { insertJsonLines, type Db } from '../client.ts';
import type { RuleSet } from '../../contracts/alerts.ts';

export interface RuleVersionAudit {
  ruleSet: RuleSet;
  /** Epoch ms. */
  storedAt: number;
  actor: string;
  change: 'seed' | 'put' | 'delete';
  /** The rule put or deleted; '' for a seed. */
  ruleId: string;
  comment?: string;
}

export async function insertAlertRuleVersion(o: { db: Db; audit: RuleVersionAudit }): Promise<void> {
  const a = o.audit;
  await insertJsonLines(o.db, 'alert_rule_versions', [JSON.stringify({
    version: a.ruleSet.version, stored_at: new Date(a.storedAt).toISOString(), actor: a.actor, change: a.change,
    rule_id: a.ruleId, comment: a.comment ?? '', rule_set: JSON.stringify(a.ruleSet),
  })]);
}
