import { describe, expect, test } from 'vitest';
import type { Matcher } from '../../contracts/alerts.ts';
import { silence, t, who } from './fixtures.ts';
import { mayExpire, SilenceStore } from './silences.ts';

const alert = { labels: { site: 'wh-east', sku: 'SKU-42', channel: 'dtc-web' }, type: 'stockout_risk', severity: 'warning' as const };
const hits = (...matchers: Matcher[]) => new SilenceStore([silence({ matchers })]).matching(alert, t(1)).length === 1;

describe('silence matchers', () => {
  test('= and != compare exact values; a missing label reads as empty', () => {
    expect(hits({ label: 'site', op: '=', value: 'wh-east' })).toBe(true);
    expect(hits({ label: 'site', op: '=', value: 'wh-eas' })).toBe(false);
    expect(hits({ label: 'site', op: '!=', value: 'wh-west' })).toBe(true);
    expect(hits({ label: 'carrier', op: '!=', value: 'ups' })).toBe(true);
    expect(hits({ label: 'carrier', op: '=', value: '' })).toBe(true);
  });

  test('=~ and !~ are anchored; an invalid expression matches nothing', () => {
    expect(hits({ label: 'sku', op: '=~', value: 'SKU-4.' })).toBe(true);
    expect(hits({ label: 'sku', op: '=~', value: 'SKU-4' })).toBe(false);
    expect(hits({ label: 'sku', op: '=~', value: 'KU-42' })).toBe(false);
    expect(hits({ label: 'sku', op: '=~', value: 'SKU-1|SKU-42' })).toBe(true);
    expect(hits({ label: 'sku', op: '!~', value: 'SKU-1.*' })).toBe(true);
    expect(hits({ label: 'sku', op: '!~', value: 'SKU-4.*' })).toBe(false);
    expect(hits({ label: 'sku', op: '=~', value: '(' })).toBe(false);
    expect(hits({ label: 'sku', op: '!~', value: '(' })).toBe(false);
  });

  test('a catastrophically backtracking expression runs in linear time; what the linear engine cannot run matches nothing', () => {
    const label = { ...alert, labels: { ...alert.labels, sku: `${'a'.repeat(27)}!` } };
    const store = new SilenceStore([silence({ matchers: [{ label: 'sku', op: '=~', value: '(a+)+b' }] })]);
    expect(store.matching(label, t(1))).toEqual([]); // seconds of backtracking without the V8 fallback
    expect(hits({ label: 'sku', op: '=~', value: '(?=S)SKU-42' })).toBe(false);
    expect(hits({ label: 'sku', op: '=~', value: '(S)KU-4\\1?2' })).toBe(false);
    expect(hits({ label: 'sku', op: '=~', value: 'SKU-4{1,2}2' })).toBe(false);
  });

  test('pseudo labels type and severity; every matcher must match', () => {
    expect(hits({ label: 'type', op: '=', value: 'stockout_risk' })).toBe(true);
    expect(hits({ label: 'severity', op: '=~', value: 'warning|critical' })).toBe(true);
    expect(hits({ label: 'severity', op: '=', value: 'critical' })).toBe(false);
    expect(hits({ label: 'site', op: '=', value: 'wh-east' }, { label: 'channel', op: '=', value: 'marketplace-a' })).toBe(false);
  });

  test('active from startsAt until endsAt or endedAt; listed for 24 h after', () => {
    const store = new SilenceStore([silence({ startsAt: new Date(t(10)).toISOString(), endsAt: new Date(t(20)).toISOString() })]);
    expect([t(9), t(10), t(19.9), t(20)].map((at) => store.isActive('sil-001', at))).toEqual([false, true, true, false]);
    store.end('sil-001', t(15));
    expect(store.isActive('sil-001', t(16))).toBe(false);
    store.prune(t(15 + 24 * 60 - 1));
    expect(store.list()).toHaveLength(1);
    store.prune(t(15 + 24 * 60));
    expect(store.list()).toHaveLength(0);
  });

  test('who may end a silence early', () => {
    const s = silence({ createdBy: 'bo' });
    expect(mayExpire(s, who({ sub: 'bo', sites: ['wh-west'] }))).toBe(true);
    expect(mayExpire(s, who({ sub: 'cy', sites: ['wh-east'] }))).toBe(true);
    expect(mayExpire(s, who({ sub: 'cy', sites: ['wh-west'] }))).toBe(false);
    expect(mayExpire(s, who({ sub: 'cy', role: 'executive', sites: ['wh-west'] }))).toBe(true);
    expect(mayExpire(silence({ matchers: [{ label: 'type', op: '=', value: 'x' }] }), who({ sub: 'cy', sites: ['*'] }))).toBe(false);
  });
});
