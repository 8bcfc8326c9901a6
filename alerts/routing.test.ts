import { describe, expect, test } from 'vitest';
import type { Principal } from '../contracts/access.ts';
import type { AlertNotice } from '../contracts/alerts.ts';
import { inPrincipalScope, routesTo, scopedNotice } from './routing.ts';

const alert = (o: Partial<{ site: string; type: string; severity: 'info' | 'warning' | 'critical'; ownerRole: 'planner' | 'warehouse_lead' | 'executive'; labels: Record<string, string> }> = {}) =>
  ({ site: 'wh-east', type: 'stockout_risk', severity: 'warning' as const, ownerRole: 'planner' as const, labels: {}, ...o });
const who = (o: Partial<Principal>): Principal => ({ sub: 'x', role: 'planner', sites: ['wh-east'], channels: ['*'], ...o });

describe('routing', () => {
  test('site scope: another site never sees it; network alerts reach every site', () => {
    expect(routesTo(alert(), who({}))).toBe(true);
    expect(routesTo(alert(), who({ sites: ['wh-west'] }))).toBe(false);
    expect(routesTo(alert({ site: 'network' }), who({ sites: ['wh-west'] }))).toBe(true);
  });
  test('channel scope applies to alerts with a channel label only', () => {
    expect(inPrincipalScope(alert({ labels: { channel: 'dtc-web' } }), who({ channels: ['marketplace-a'] }))).toBe(false);
    expect(inPrincipalScope(alert(), who({ channels: ['marketplace-a'] }))).toBe(true);
  });
  test('roles: owner role, executives also get critical, programs and admins get all', () => {
    const cutoff = alert({ ownerRole: 'warehouse_lead' });
    expect(routesTo(cutoff, who({}))).toBe(false);
    expect(routesTo(cutoff, who({ role: 'warehouse_lead' }))).toBe(true);
    expect(routesTo(cutoff, who({ role: 'executive' }))).toBe(false);
    expect(routesTo({ ...cutoff, severity: 'critical' }, who({ role: 'executive' }))).toBe(true);
    expect(routesTo(cutoff, who({ role: 'program' }))).toBe(true);
    expect(routesTo(cutoff, who({}), { ownerRoles: ['warehouse_lead'] })).toBe(true);
  });
  test('filters narrow: type, severity, labels', () => {
    const p = who({ role: 'program' });
    expect(routesTo(alert({ labels: { sku: 'A' } }), p, { labels: { sku: 'A' } })).toBe(true);
    expect(routesTo(alert({ labels: { sku: 'A' } }), p, { labels: { sku: 'B' } })).toBe(false);
    expect(routesTo(alert(), p, { minSeverity: 'critical' })).toBe(false);
    expect(routesTo(alert(), p, { types: ['cutoff_risk'] })).toBe(false);
  });
  test('a group notice lists only the members in the principal\'s scope (channels and sites)', () => {
    const member = (site: string, channel: string) => ({ ...alert({ site, labels: { channel } }), key: `${site}/${channel}` });
    const first = member('wh-east', 'dtc-web');
    const members = [first, member('wh-east', 'marketplace-a'), member('wh-west', 'dtc-web')];
    const n = { id: 'n-00000001', kind: 'firing', alert: first, group: { key: 'g', size: 3, members }, actor: 'engine', at: '', silenced: false } as unknown as AlertNotice;
    const seen = scopedNotice(n, who({ sites: ['wh-east'], channels: ['dtc-web'] }));
    expect(seen.group?.members.map((m) => m.key)).toEqual(['wh-east/dtc-web']);
    expect(seen.group?.size).toBe(1);
    expect(n.group?.members).toHaveLength(3); // the shared notice is not changed
    expect(scopedNotice(n, who({ sites: ['*'] }))).toBe(n);
  });
});
