import { describe, expect, test } from 'vitest';
import { Driver, inst, kinds, makeRule, moves, silence, t, who } from './fixtures.ts';

const KEY = 'stockout|site=wh-east,sku=SKU-1';
const isoT = (m: number) => new Date(t(m)).toISOString();

describe('silences', () => {
  test('a silenced alert fires without notices; when the silence expires it is announced, then repeats', () => {
    const d = new Driver([makeRule()]);
    expect(d.book.addSilence({ silence: silence(), at: t(0) }).notices).toHaveLength(0);
    const fired = d.eval(t(1), [inst(0.8)]);
    expect(moves(fired)).toEqual(['inactive>pending', 'pending>firing']);
    expect(fired.transitions[1].silenced).toBe(true);
    expect(fired.notices).toHaveLength(0);
    expect(d.book.alerts()[0].silencedBy).toEqual(['sil-001']);
    expect(d.tick(t(59)).notices).toHaveLength(0);
    const late = d.tick(t(60));
    expect(kinds(late)).toEqual(['firing']);
    expect(late.notices[0].alert).toMatchObject({ silencedBy: [], notices: 1 });
    expect(kinds(d.tick(t(75)))).toEqual(['repeat']);
  });

  test('a silence added to a firing alert stops its repeats; its resolve is still sent, marked silenced', () => {
    const d = new Driver([makeRule()]);
    d.eval(t(0), [inst(0.8)]);
    d.book.addSilence({ silence: silence({ endsAt: isoT(600) }), at: t(1) });
    expect(d.tick(t(15)).notices).toHaveLength(0);
    const res = d.eval(t(16), [inst(0.1)]);
    expect(kinds(res)).toEqual(['resolved']);
    expect(res.notices[0].silenced).toBe(true);
  });

  test('ending a silence early announces what it muted; only the creator, a site lead or an executive may', () => {
    const d = new Driver([makeRule()]);
    d.book.addSilence({ silence: silence({ createdBy: 'bo' }), at: t(0) });
    d.eval(t(1), [inst(0.8)]);
    const denied = d.book.expireSilence({ id: 'sil-001', principal: who({ sub: 'cy', sites: ['wh-west'] }), at: t(2) });
    expect(denied.ok ? 'ok' : denied.error.code).toBe('forbidden');
    const missing = d.book.expireSilence({ id: 'sil-404', principal: who(), at: t(2) });
    expect(missing.ok ? 'ok' : missing.error.code).toBe('not_found');
    const r = d.book.expireSilence({ id: 'sil-001', principal: who({ sub: 'bo' }), at: t(3) });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.endedAt).toBe(isoT(3));
    expect(kinds(r.output)).toEqual(['firing']);
    const twice = d.book.expireSilence({ id: 'sil-001', principal: who({ sub: 'bo' }), at: t(4) });
    expect(twice.ok ? 'ok' : twice.error.code).toBe('invalid_state');
    expect(d.book.silences()).toHaveLength(1);
  });

  test('endOnResolve: the silence ends when an alert it matched resolves, releasing the others it muted', () => {
    const d = new Driver([makeRule()]);
    d.book.addSilence({ silence: silence({ matchers: [{ label: 'sku', op: '=', value: 'SKU-1' }], endOnResolve: true }), at: t(0) });
    d.eval(t(1), [inst(0.8), inst(0.8, { site: 'wh-west' })]);
    expect(d.notices).toHaveLength(0);
    const out = d.eval(t(2), [inst(0.1), inst(0.8, { site: 'wh-west' })]);
    expect(out.notices.map((n) => [n.kind, n.alert.site, n.silenced])).toEqual([['resolved', 'wh-east', true], ['firing', 'wh-west', false]]);
    expect(d.book.silences()[0].endedAt).toBe(isoT(2));
  });
});

describe('inhibition', () => {
  const site = makeRule({
    id: 'site_down', type: 'site_outage', title: 'Site feed down', ownerRole: 'warehouse_lead',
    source: { kind: 'query', query: 'site_silence' }, condition: { op: '>', threshold: 600, recover: 300 },
    inhibits: { types: ['stockout_risk'], equal: ['site'] },
  });
  const sku = makeRule();
  const siteInst = (value: number, s = 'wh-east') => ({ labels: { site: s }, value, impact: { ordersAtRisk: 0, revenueAtRisk: 0 }, summary: 'quiet' });

  test("a site-wide alert mutes that site's per-SKU alerts, not another site's; release announces them", () => {
    const d = new Driver([sku, site]);
    expect(kinds(d.eval(t(0), [siteInst(900)], { rule: site }))).toEqual(['firing']);
    const skus = d.eval(t(1), [inst(0.8), inst(0.8, { site: 'wh-west' })], { rule: sku });
    expect(skus.notices.map((n) => n.alert.site)).toEqual(['wh-west']);
    expect(skus.transitions.filter((x) => x.to === 'firing').map((x) => x.inhibited)).toEqual([true, false]);
    expect(d.book.alerts().find((a) => a.key === KEY)?.inhibitedBy).toBe('site_down|site=wh-east');
    // Repeats: the outage itself and the other site's alert, not the muted one.
    expect(d.tick(t(20)).notices.map((n) => `${n.kind}:${n.alert.key}`)).toEqual(['repeat:site_down|site=wh-east', 'repeat:stockout|site=wh-west,sku=SKU-1']);
    const release = d.eval(t(21), [siteInst(100)], { rule: site });
    expect(release.notices.map((n) => `${n.kind}:${n.alert.key}`)).toEqual(['resolved:site_down|site=wh-east', `firing:${KEY}`]);
  });

  test('an alert that fired before the outage goes quiet, and its resolve is sent marked silenced', () => {
    const d = new Driver([sku, site]);
    d.eval(t(0), [inst(0.8)], { rule: sku });
    d.eval(t(1), [siteInst(900)], { rule: site });
    expect(d.book.alerts().find((a) => a.key === KEY)?.inhibitedBy).toBe('site_down|site=wh-east');
    expect(d.tick(t(15)).notices).toHaveLength(0);
    const res = d.eval(t(16), [inst(0.1)], { rule: sku });
    expect(res.notices.map((n) => [n.kind, n.silenced])).toEqual([['resolved', true]]);
    expect(res.transitions[0].inhibited).toBe(true);
  });
});
