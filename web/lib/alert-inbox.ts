/**
 * The alert inbox's state, as pure functions: merge the API's list and the gateway's notices by alert key
 * (newest state wins), filter, sort and count for the chart. The page owns one `Inbox` and replaces it whole.
 */
import type { Principal } from '$contracts/access.ts';
import { SEVERITY_RANK, type Alert, type AlertState, type Severity } from '$contracts/alerts.ts';
import type { SequencedNotice } from '$contracts/realtime.ts';
import { routesTo } from '../../alerts/routing.ts';

/** An alert as last seen: `seq` is the ALERTS stream sequence of the notice that carried it (0: from the list). */
export interface InboxEntry { alert: Alert; seq: number }
export type Inbox = ReadonlyMap<string, InboxEntry>;

/**
 * Whether `next` is newer than `prev`: by stream sequence when both came in notices (the stream orders them),
 * else by the engine's `updatedAt` (a list answer has no sequence); on a tie the notice wins.
 */
function newer(next: InboxEntry, prev: InboxEntry): boolean {
  if (next.seq > 0 && prev.seq > 0) return next.seq > prev.seq;
  const a = Date.parse(next.alert.updatedAt);
  const b = Date.parse(prev.alert.updatedAt);
  return a > b || (a === b && next.seq >= prev.seq);
}

function put(map: Map<string, InboxEntry>, e: InboxEntry): boolean {
  const prev = map.get(e.alert.key);
  if (prev && !newer(e, prev)) return false;
  map.set(e.alert.key, e);
  return true;
}

/** The inbox with `alerts` (an API list) merged in; the same object when nothing changed. */
export function mergeList(inbox: Inbox, alerts: readonly Alert[]): Inbox {
  const map = new Map(inbox);
  let changed = false;
  for (const alert of alerts) changed = put(map, { alert, seq: 0 }) || changed;
  return changed ? map : inbox;
}

/** The inbox with a batch of notices merged in (each notice's alert and its group's members). */
export function mergeNotices(inbox: Inbox, notices: readonly SequencedNotice[]): Inbox {
  const map = new Map(inbox);
  let changed = false;
  for (const { seq, notice } of notices) {
    for (const m of notice.group?.members ?? []) changed = put(map, { alert: m, seq }) || changed;
    changed = put(map, { alert: notice.alert, seq }) || changed;
  }
  return changed ? map : inbox;
}

export const OPEN_STATES: readonly AlertState[] = ['pending', 'firing', 'acknowledged', 'flapping'];
/** What needs an operator first: firing, then flapping, pending, acknowledged; resolved last. */
const STATE_RANK: Record<AlertState, number> = { firing: 5, flapping: 4, pending: 3, acknowledged: 2, resolved: 1, inactive: 0 };

export interface InboxFilter {
  site: string;
  minSeverity: Severity | '';
  /** 'open' (default): every state but resolved; '' = all. */
  state: AlertState | 'open' | '';
  type: string;
  /** Only alerts routed to my role (alerts/routing.ts: planners get planner-owned ones, executives also every critical). */
  mine: boolean;
}
export const NO_FILTER: InboxFilter = { site: '', minSeverity: '', state: 'open', type: '', mine: false };

export function filterAlerts(inbox: Inbox, f: InboxFilter, me: Principal | null): Alert[] {
  const out: Alert[] = [];
  for (const { alert: a } of inbox.values()) {
    if (f.site && a.site !== f.site) continue;
    if (f.type && a.type !== f.type) continue;
    if (f.minSeverity && SEVERITY_RANK[a.severity] < SEVERITY_RANK[f.minSeverity]) continue;
    if (f.state === 'open' ? !OPEN_STATES.includes(a.state) : f.state && a.state !== f.state) continue;
    if (f.mine && me && !routesTo(a, me)) continue;
    out.push(a);
  }
  return out;
}

export type SortKey = 'severity' | 'state' | 'type' | 'site' | 'impact' | 'age';
const since = (a: Alert) => Date.parse(a.firingAt ?? a.startsAt);
const COMPARE: Record<SortKey, (a: Alert, b: Alert) => number> = {
  severity: (a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity],
  state: (a, b) => STATE_RANK[a.state] - STATE_RANK[b.state],
  type: (a, b) => b.type.localeCompare(a.type),
  site: (a, b) => b.site.localeCompare(a.site),
  impact: (a, b) => a.impact.revenueAtRisk - b.impact.revenueAtRisk || a.impact.ordersAtRisk - b.impact.ordersAtRisk,
  age: (a, b) => since(b) - since(a),
};

/** Sorted by `key` (descending = most urgent / largest / oldest first), ties by severity, state, revenue at risk, age. */
export function sortAlerts(alerts: readonly Alert[], key: SortKey, descending = true): Alert[] {
  const order: SortKey[] = [key, ...(['severity', 'state', 'impact', 'age'] as const).filter((k) => k !== key)];
  const sign = descending ? -1 : 1;
  return [...alerts].sort((a, b) => {
    for (const k of order) {
      const c = COMPARE[k](a, b);
      if (c !== 0) return k === key ? sign * c : -c;
    }
    return a.key.localeCompare(b.key);
  });
}

/** Open alerts per type and severity, types with the most critical first: the chart's data. */
export function openByType(alerts: Iterable<Alert>): { types: string[]; counts: Record<Severity, number[]> } {
  const per = new Map<string, Record<Severity, number>>();
  for (const a of alerts) {
    if (!OPEN_STATES.includes(a.state)) continue;
    const row = per.get(a.type) ?? { info: 0, warning: 0, critical: 0 };
    row[a.severity]++;
    per.set(a.type, row);
  }
  const rows = [...per].sort(([ta, a], [tb, b]) => b.critical - a.critical || b.warning - a.warning || b.info - a.info || ta.localeCompare(tb));
  return {
    types: rows.map(([t]) => t),
    counts: { critical: rows.map(([, r]) => r.critical), warning: rows.map(([, r]) => r.warning), info: rows.map(([, r]) => r.info) },
  };
}

/** Distinct values for the filter menus. */
export function facets(inbox: Inbox): { sites: string[]; types: string[] } {
  const sites = new Set<string>();
  const types = new Set<string>();
  for (const { alert } of inbox.values()) { sites.add(alert.site); types.add(alert.type); }
  return { sites: [...sites].sort(), types: [...types].sort() };
}
