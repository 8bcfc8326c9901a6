import { describe, expect, test } from 'vitest';
import type { Principal } from '$contracts/access.ts';
import type { Alert, AlertNotice } from '$contracts/alerts.ts';
import { filterAlerts, mergeList, mergeNotices, NO_FILTER, openByType, sortAlerts, type Inbox } from './alert-inbox.ts';

const T = Date.UTC(2026, 2, 2, 9, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();
function alert(key: string, o: Partial<Alert> = {}): Alert {
  return {
    key, ruleId: 'po-delayed', type: 'po_delayed', title: 'PO delayed', site: 'wh-east', labels: { site: 'wh-east' },
    ownerRole: 'planner', state: 'firing', severity: 'warning', impact: { ordersAtRisk: 1, revenueAtRisk: 100 }, value: 1,
    summary: '', startsAt: iso(T), firingAt: iso(T), acknowledgedAt: null, acknowledgedBy: null, resolvedAt: null,
    updatedAt: iso(T), groupKey: 'g', silencedBy: [], inhibitedBy: null, notices: 1, ...o,
  };
}
const notice = (seq: number, a: Alert, members: Alert[] = []) => ({ seq, notice: {
  id: `n-${seq}-xxxxxx`, kind: a.state === 'acknowledged' ? 'acknowledged' : 'firing', alert: a, actor: 'engine', at: a.updatedAt,
  silenced: false, ...(members.length ? { group: { key: 'g', size: members.length + 1, members } } : {}),
} as AlertNotice });
const states = (inbox: Inbox) => Object.fromEntries([...inbox].map(([k, e]) => [k, e.alert.state]));

describe('merging', () => {
  test('by stream sequence between notices: a late, older notice does not undo a newer state', () => {
    let inbox: Inbox = new Map();
    inbox = mergeNotices(inbox, [notice(7, alert('a', { state: 'acknowledged', updatedAt: iso(T + 60_000) }))]);
    inbox = mergeNotices(inbox, [notice(5, alert('a', { state: 'firing', updatedAt: iso(T + 90_000) }))]);
    expect(states(inbox)).toEqual({ a: 'acknowledged' });
    inbox = mergeNotices(inbox, [notice(9, alert('a', { state: 'resolved', updatedAt: iso(T + 120_000) }))]);
    expect(states(inbox)).toEqual({ a: 'resolved' });
  });

  test('by updatedAt between the list and notices; group members come in with their notice', () => {
    let inbox = mergeList(new Map(), [alert('a'), alert('b', { state: 'pending' })]);
    inbox = mergeNotices(inbox, [notice(3, alert('a', { state: 'acknowledged', updatedAt: iso(T + 1000) }), [alert('c')])]);
    // A list answer older than what the socket said changes nothing (and returns the same object).
    expect(mergeList(inbox, [alert('a')])).toBe(inbox);
    inbox = mergeList(inbox, [alert('b', { state: 'firing', updatedAt: iso(T + 5000) })]);
    expect(states(inbox)).toEqual({ a: 'acknowledged', b: 'firing', c: 'firing' });
  });
});

describe('filtering and sorting', () => {
  const inbox = mergeList(new Map(), [
    alert('crit-east', { severity: 'critical', impact: { ordersAtRisk: 3, revenueAtRisk: 50 } }),
    alert('warn-west', { site: 'wh-west', labels: { site: 'wh-west' }, impact: { ordersAtRisk: 9, revenueAtRisk: 900 } }),
    alert('lead', { ownerRole: 'warehouse_lead', type: 'cutoff_risk', state: 'acknowledged' }),
    alert('done', { state: 'resolved' }),
  ]);
  const planner: Principal = { sub: 'pat', role: 'planner', sites: ['*'], channels: ['*'] };
  const keys = (xs: Alert[]) => xs.map((a) => a.key);

  test('open by default; site, severity, state, type and "mine" narrow it', () => {
    expect(keys(filterAlerts(inbox, NO_FILTER, planner)).sort()).toEqual(['crit-east', 'lead', 'warn-west']);
    expect(keys(filterAlerts(inbox, { ...NO_FILTER, state: '' }, planner))).toHaveLength(4);
    expect(keys(filterAlerts(inbox, { ...NO_FILTER, site: 'wh-west' }, planner))).toEqual(['warn-west']);
    expect(keys(filterAlerts(inbox, { ...NO_FILTER, minSeverity: 'critical' }, planner))).toEqual(['crit-east']);
    expect(keys(filterAlerts(inbox, { ...NO_FILTER, state: 'resolved' }, planner))).toEqual(['done']);
    expect(keys(filterAlerts(inbox, { ...NO_FILTER, type: 'cutoff_risk' }, planner))).toEqual(['lead']);
    expect(keys(filterAlerts(inbox, { ...NO_FILTER, mine: true }, planner)).sort()).toEqual(['crit-east', 'warn-west']);
  });

  test('severity first by default, then state, then revenue at risk; any column either way', () => {
    const open = filterAlerts(inbox, NO_FILTER, planner);
    expect(keys(sortAlerts(open, 'severity'))).toEqual(['crit-east', 'warn-west', 'lead']);
    expect(keys(sortAlerts(open, 'impact'))).toEqual(['warn-west', 'lead', 'crit-east']); // revenue 900, 100, 50
    expect(keys(sortAlerts(open, 'impact', false))[0]).toBe('crit-east');
  });

  test('the chart counts open alerts per type and severity, most critical type first', () => {
    expect(openByType(filterAlerts(inbox, { ...NO_FILTER, state: '' }, planner))).toEqual({
      types: ['po_delayed', 'cutoff_risk'], counts: { critical: [1, 0], warning: [1, 1], info: [0, 0] },
    });
  });
});
