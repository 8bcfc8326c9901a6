/**
 * Routing: which alerts reach whom. Scope first — the alert's site must be in the principal's sites (`network`
 * alerts, such as ingest lag, concern every site) and its channel label, if any, in its channels. Then the role:
 * a planner gets planner-owned alerts, a warehouse lead warehouse-lead-owned ones, an executive executive-owned
 * ones plus every critical alert; admins and programs get every role's. A subscription filter narrows this
 * further (and `ownerRoles` in it replaces the role default, within scope).
 */
import { inScope, type OwnerRole, type Principal } from '../contracts/access.ts';
import { SEVERITY_RANK, type Alert, type AlertFilter, type AlertNotice } from '../contracts/alerts.ts';

/** The site of alerts that concern the whole network (ingest lag, a feed down everywhere). */
export const NETWORK_SITE = 'network';

/** Whether the principal may see (and act on) the alert at all: site and channel scope. */
export function inPrincipalScope(alert: Pick<Alert, 'site' | 'labels'>, p: Principal): boolean {
  if (alert.site !== NETWORK_SITE && !inScope(p.sites, alert.site)) return false;
  return inScope(p.channels, alert.labels.channel);
}

function routedByRole(alert: Pick<Alert, 'ownerRole' | 'severity'>, p: Principal, roles: OwnerRole[] | undefined): boolean {
  if (roles) return roles.includes(alert.ownerRole);
  switch (p.role) {
    case 'admin': case 'program': return true;
    case 'executive': return alert.ownerRole === 'executive' || alert.severity === 'critical';
    default: return alert.ownerRole === p.role;
  }
}

/** Whether a subscription filter (without the principal) admits the alert. */
export function matchesFilter(alert: Pick<Alert, 'site' | 'type' | 'severity' | 'labels'>, f: AlertFilter): boolean {
  if (f.sites && !f.sites.includes(alert.site)) return false;
  if (f.types && !f.types.includes(alert.type)) return false;
  if (f.minSeverity && SEVERITY_RANK[alert.severity] < SEVERITY_RANK[f.minSeverity]) return false;
  if (f.labels) for (const [k, v] of Object.entries(f.labels)) if (alert.labels[k] !== v) return false;
  return true;
}

/** Whether a notice about `alert` goes to a subscriber: scope, role routing, then its filter. */
export function routesTo(alert: Pick<Alert, 'site' | 'type' | 'severity' | 'labels' | 'ownerRole'>, p: Principal, f: AlertFilter = {}): boolean {
  return inPrincipalScope(alert, p) && routedByRole(alert, p, f.ownerRoles) && matchesFilter(alert, f);
}

/**
 * The notice as `p` may see it: a group notice lists only the members in its scope (a group spans channels — intake
 * drops group by site — or sites, when a rule's groupBy leaves `site` out), and its size shrinks by those left out.
 */
export function scopedNotice(n: AlertNotice, p: Principal): AlertNotice {
  if (!n.group) return n;
  const members = n.group.members.filter((m) => inPrincipalScope(m, p));
  if (members.length === n.group.members.length) return n;
  const size = Math.max(1, n.group.size - (n.group.members.length - members.length));
  return { ...n, group: { ...n.group, size, members } };
}
