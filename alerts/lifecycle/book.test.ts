import { describe, expect, test } from 'vitest';
import { AlertNoticeSchema, AlertSchema, AlertTransitionSchema } from '../../contracts/alerts.ts';
import { AlertBook } from './book.ts';
import { Driver, inst, kinds, makeRule, moves, silence, t, who } from './fixtures.ts';

const KEY = 'stockout|site=wh-east,sku=SKU-1';

describe('keys and dedupe', () => {
  test('one alert per key; breaching again updates the alert but sends nothing', () => {
    const d = new Driver([makeRule({ labels: { team: 'planning' } })]);
    expect(kinds(d.eval(t(0), [inst(0.8)]))).toEqual(['firing']);
    const again = d.eval(t(1), [inst(0.9, {}, { ordersAtRisk: 3, revenueAtRisk: 10 })]);
    expect(again.notices).toHaveLength(0);
    expect(again.transitions).toHaveLength(0);
    const [a] = d.book.alerts();
    expect(d.book.alerts()).toHaveLength(1);
    expect(a.key).toBe('stockout|site=wh-east,sku=SKU-1,team=planning');
    expect(a.groupKey).toBe('stockout|wh-east');
    expect(a).toMatchObject({ value: 0.9, impact: { ordersAtRisk: 3 }, summary: 'value 0.9', site: 'wh-east', type: 'stockout_risk', ownerRole: 'planner' });
    expect(a.updatedAt).toBe(new Date(t(1)).toISOString());
    expect(() => AlertSchema.parse(a)).not.toThrow();
  });

  test('outputs satisfy the contracts and ids are deterministic', () => {
    const run = () => new Driver([makeRule()]).eval(t(0), [inst(0.8)]);
    const a = run();
    const b = run();
    expect(moves(a)).toEqual(['inactive>pending', 'pending>firing']);
    for (const n of a.notices) AlertNoticeSchema.parse(n);
    for (const x of a.transitions) AlertTransitionSchema.parse(x);
    expect(a.notices[0].id).toHaveLength(32);
    expect(a.notices[0].id).toBe(b.notices[0].id);
    expect(a.transitions.map((x) => x.id)).toEqual(b.transitions.map((x) => x.id));
    expect(new Set(a.transitions.map((x) => x.id)).size).toBe(2);
  });
});

describe('pending and N of M', () => {
  test('pendingSeconds: pending until the condition held long enough, then firing (also on tick)', () => {
    const d = new Driver([makeRule({ pendingSeconds: 300 })]);
    const first = d.eval(t(0), [inst(0.8)]);
    expect(moves(first)).toEqual(['inactive>pending']);
    expect(kinds(first)).toEqual([]);
    expect(kinds(d.eval(t(4), [inst(0.8)]))).toEqual([]);
    expect(kinds(d.tick(t(4.9)))).toEqual([]);
    const fired = d.tick(t(5));
    expect(moves(fired)).toEqual(['pending>firing']);
    expect(kinds(fired)).toEqual(['firing']);
    expect(d.book.alerts()[0].startsAt).toBe(new Date(t(0)).toISOString());
  });

  test('pending → inactive when the value falls back before firing: stored, not published', () => {
    const d = new Driver([makeRule({ pendingSeconds: 300 })]);
    d.eval(t(0), [inst(0.8)]);
    const back = d.eval(t(1), [inst(0.2)]);
    expect(moves(back)).toEqual(['pending>inactive']);
    expect(back.notices).toHaveLength(0);
    expect(d.book.alerts()).toHaveLength(0);
    expect(d.tick(t(10)).transitions).toHaveLength(0);
  });

  test('2 of 3: one breach stays pending, a second within three evaluations fires, none left goes inactive', () => {
    const d = new Driver([makeRule({ nOfM: { n: 2, m: 3 } })]);
    expect(moves(d.eval(t(0), [inst(0.8)]))).toEqual(['inactive>pending']);
    expect(moves(d.eval(t(1), [inst(0.1)]))).toEqual([]);
    const fired = d.eval(t(2), [inst(0.8)]);
    expect(moves(fired)).toEqual(['pending>firing']);
    expect(kinds(fired)).toEqual(['firing']);

    const e = new Driver([makeRule({ nOfM: { n: 2, m: 3 } })]);
    e.eval(t(0), [inst(0.8)]);
    e.eval(t(1), [inst(0.1)]);
    expect(moves(e.eval(t(2), [inst(0.1)]))).toEqual([]);
    expect(moves(e.eval(t(3), [inst(0.1)]))).toEqual(['pending>inactive']);
  });

  test('a complete evaluation without the instance counts as a non-breach; a partial one does not', () => {
    const d = new Driver([makeRule({ nOfM: { n: 2, m: 2 } })]);
    d.eval(t(0), [inst(0.8)]);
    d.eval(t(1), [], { complete: false });
    expect(moves(d.eval(t(2), [inst(0.8)]))).toEqual(['pending>firing']);
    const e = new Driver([makeRule({ nOfM: { n: 2, m: 2 } })]);
    e.eval(t(0), [inst(0.8)]);
    e.eval(t(1), []);
    expect(moves(e.eval(t(2), [inst(0.8)]))).toEqual([]);
  });
});

describe('hysteresis and resolve', () => {
  test('stays firing between recover and threshold; resolves past recover with one notice', () => {
    const d = new Driver([makeRule()]);
    d.eval(t(0), [inst(0.8)]);
    expect(d.eval(t(1), [inst(0.6)]).transitions).toHaveLength(0);
    expect(d.state()).toBe('firing');
    const res = d.eval(t(2), [inst(0.5)]);
    expect(moves(res)).toEqual(['firing>resolved']);
    expect(kinds(res)).toEqual(['resolved']);
    expect(res.notices[0].silenced).toBe(false);
    expect(d.book.alerts()[0].resolvedAt).toBe(new Date(t(2)).toISOString());
  });

  test('an absent instance in a complete evaluation resolves; a new breach starts a new episode', () => {
    const d = new Driver([makeRule()]);
    d.eval(t(0), [inst(0.8)]);
    expect(kinds(d.eval(t(1), []))).toEqual(['resolved']);
    const again = d.eval(t(2), [inst(0.9)]);
    expect(moves(again)).toEqual(['resolved>pending', 'pending>firing']);
    expect(again.notices[0].alert).toMatchObject({ notices: 1, startsAt: new Date(t(2)).toISOString(), resolvedAt: null });
    expect(d.book.alerts()).toHaveLength(1);
  });

  test('resolved alerts are listed for 24 h, then dropped', () => {
    const d = new Driver([makeRule()]);
    d.eval(t(0), [inst(0.8)]);
    d.eval(t(1), [inst(0.1)]);
    d.tick(t(1 + 24 * 60 - 1));
    expect(d.book.alerts()).toHaveLength(1);
    d.tick(t(1 + 24 * 60));
    expect(d.book.alerts()).toHaveLength(0);
  });
});

describe('severity', () => {
  const rule = makeRule({ severity: { base: 'info', warningAt: { orders: 10 }, criticalAt: { revenue: 5000 } } });
  test('computed from impact; a rise sends escalated, a fall sends nothing', () => {
    const d = new Driver([rule]);
    expect(d.eval(t(0), [inst(0.8)]).notices[0].alert.severity).toBe('info');
    const up = d.eval(t(1), [inst(0.8, {}, { ordersAtRisk: 12, revenueAtRisk: 0 })]);
    expect(kinds(up)).toEqual(['escalated']);
    expect(up.notices[0].alert.severity).toBe('warning');
    expect(kinds(d.eval(t(2), [inst(0.8, {}, { ordersAtRisk: 0, revenueAtRisk: 6000 })]))).toEqual(['escalated']);
    expect(kinds(d.eval(t(3), [inst(0.8)]))).toEqual([]);
    expect(d.book.alerts()[0].severity).toBe('info');
  });

  test('an acknowledged alert that escalates fires again and repeats restart', () => {
    const d = new Driver([rule]);
    d.eval(t(0), [inst(0.8)]);
    expect(d.book.ack({ key: KEY, principal: who(), at: t(1) }).ok).toBe(true);
    const up = d.eval(t(2), [inst(0.8, {}, { ordersAtRisk: 0, revenueAtRisk: 9000 })]);
    expect(moves(up)).toEqual(['acknowledged>firing']);
    expect(kinds(up)).toEqual(['escalated']);
    expect(d.book.alerts()[0]).toMatchObject({ state: 'firing', severity: 'critical', acknowledgedBy: null });
    expect(kinds(d.tick(t(2 + 15)))).toEqual(['repeat']);
  });
});

describe('ack and manual resolve', () => {
  test('ack: firing only, stops repeats, notice carries the person', () => {
    const d = new Driver([makeRule()]);
    d.eval(t(0), [inst(0.8)]);
    const r = d.book.ack({ key: KEY, principal: who(), comment: 'on it', at: t(1) });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'ana', acknowledgedAt: new Date(t(1)).toISOString() });
    expect(kinds(r.output)).toEqual(['acknowledged']);
    expect(r.output.notices[0]).toMatchObject({ actor: 'ana', comment: 'on it' });
    expect(r.output.transitions[0]).toMatchObject({ from: 'firing', to: 'acknowledged', actor: 'ana', comment: 'on it' });
    expect(d.tick(t(600)).notices).toHaveLength(0);
    const twice = d.book.ack({ key: KEY, principal: who(), at: t(2) });
    expect(twice.ok ? null : twice.error.code).toBe('invalid_state');
  });

  test('errors: unknown key, out of scope, pending', () => {
    const d = new Driver([makeRule({ pendingSeconds: 600 })]);
    d.eval(t(0), [inst(0.8)]);
    const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'ok' : r.error!.code);
    expect(code(d.book.ack({ key: 'nope', principal: who(), at: t(1) }))).toBe('not_found');
    expect(code(d.book.ack({ key: KEY, principal: who({ sites: ['wh-west'] }), at: t(1) }))).toBe('forbidden');
    expect(code(d.book.resolve({ key: KEY, principal: who({ sites: ['wh-west'] }), comment: 'x', at: t(1) }))).toBe('forbidden');
    expect(code(d.book.ack({ key: KEY, principal: who(), at: t(1) }))).toBe('invalid_state');
    expect(code(d.book.resolve({ key: 'nope', principal: who(), comment: 'x', at: t(1) }))).toBe('not_found');
  });

  test('manual resolve: pending sends nothing; firing sends resolved; a later breach is a new episode', () => {
    const d = new Driver([makeRule({ pendingSeconds: 600 })]);
    d.eval(t(0), [inst(0.8)]);
    const p = d.book.resolve({ key: KEY, principal: who(), comment: 'false alarm', at: t(1) });
    expect(p.ok && p.output.notices.length).toBe(0);
    expect(p.ok && moves(p.output)).toEqual(['pending>resolved']);

    const e = new Driver([makeRule()]);
    e.eval(t(0), [inst(0.8)]);
    const r = e.book.resolve({ key: KEY, principal: who(), comment: 'restocked', at: t(1) });
    if (!r.ok) throw new Error(r.error.message);
    expect(kinds(r.output)).toEqual(['resolved']);
    expect(r.output.notices[0]).toMatchObject({ actor: 'ana', comment: 'restocked' });
    const again = e.book.resolve({ key: KEY, principal: who(), comment: 'x', at: t(2) });
    expect(again.ok ? null : again.error.code).toBe('invalid_state');
    expect(moves(e.eval(t(3), [inst(0.8)]))).toEqual(['resolved>pending', 'pending>firing']);
  });
});

describe('rules and snapshots', () => {
  test('a removed or disabled rule resolves its open alerts at the next tick', () => {
    const d = new Driver([makeRule()]);
    d.eval(t(0), [inst(0.8)]);
    d.book.setRules([]);
    const out = d.tick(t(1));
    expect(moves(out)).toEqual(['firing>resolved']);
    expect(out.notices[0]).toMatchObject({ kind: 'resolved', actor: 'engine', comment: 'rule removed' });
    expect(d.eval(t(2), [inst(0.9)]).transitions).toHaveLength(0);

    const e = new Driver([makeRule()]);
    e.eval(t(0), [inst(0.8)]);
    e.book.setRules([makeRule({ enabled: false })]);
    expect(kinds(e.tick(t(1)))).toEqual(['resolved']);
  });

  test('snapshot round trip: alerts and silences restored; the restored alert resolves and repeats as before', () => {
    const rule = makeRule({ nOfM: { n: 2, m: 3 } });
    const d = new Driver([rule]);
    d.eval(t(0), [inst(0.8)]);
    d.eval(t(1), [inst(0.8)]);
    d.eval(t(2), [inst(0.8, { sku: 'SKU-2' })], { complete: false });
    d.book.addSilence({ silence: silence({ matchers: [{ label: 'sku', op: '=', value: 'SKU-9' }] }), at: t(2) });
    const snap = d.book.snapshot();
    expect(snap.alerts.map((a) => a.state).sort()).toEqual(['firing', 'pending']);
    const back = new AlertBook({ rules: [rule], snapshot: JSON.parse(JSON.stringify(snap)) });
    expect(back.snapshot()).toEqual(snap);
    // A full ring: one more breach does not refire, one recovery resolves with a notice.
    expect(back.evaluate({ rule, at: t(3), instances: [inst(0.8), inst(0.1, { sku: 'SKU-2' })], complete: true }).transitions.map((x) => `${x.from}>${x.to}`)).toEqual([]);
    expect(kinds(back.tick(t(15)))).toEqual([]);
    expect(kinds(back.tick(t(16)))).toEqual(['repeat']); // firingAt t(1) + 15 min, as if never restarted
    expect(kinds(back.evaluate({ rule, at: t(17), instances: [inst(0.1)], complete: true }))).toEqual(['resolved']);
  });
});
