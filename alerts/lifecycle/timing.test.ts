import { describe, expect, test } from 'vitest';
import { Driver, inst, kinds, makeRule, moves, t } from './fixtures.ts';

const KEY = 'stockout|site=wh-east,sku=SKU-1';

describe('repeat with back-off', () => {
  test('repeats at +10, +30, +60, +90 min for first 10 min, ×2, capped at 30 min', () => {
    const d = new Driver([makeRule({ repeat: { firstSeconds: 600, backoff: 2, maxSeconds: 1800 } })]);
    d.eval(t(0), [inst(0.8)]);
    const at: number[] = [];
    for (let m = 1; m <= 100; m++) if (kinds(d.tick(t(m))).includes('repeat')) at.push(m);
    expect(at).toEqual([10, 30, 60, 90]);
    expect(d.notices.filter((n) => n.kind === 'repeat').map((n) => n.alert.notices)).toEqual([2, 3, 4, 5]);
  });

  test('a tick late by several gaps sends one repeat and keeps the schedule', () => {
    const d = new Driver([makeRule({ repeat: { firstSeconds: 600, backoff: 2, maxSeconds: 1800 } })]);
    d.eval(t(0), [inst(0.8)]);
    expect(kinds(d.tick(t(65)))).toEqual(['repeat']);
    expect(kinds(d.tick(t(89)))).toEqual([]);
    expect(kinds(d.tick(t(90)))).toEqual(['repeat']);
  });

  test('no repeats once acknowledged or resolved', () => {
    const d = new Driver([makeRule({ repeat: { firstSeconds: 600, backoff: 2, maxSeconds: 1800 } })]);
    d.eval(t(0), [inst(0.8)]);
    d.eval(t(1), [inst(0.1)]);
    expect(d.tick(t(200)).notices).toHaveLength(0);
  });
});

describe('flapping', () => {
  const rule = makeRule({ flapping: { changes: 4, windowSeconds: 3600, quietSeconds: 600 } });

  test('the fourth firing↔resolved change within the window enters flapping; quiet settles it resolved', () => {
    const d = new Driver([rule]);
    expect(kinds(d.eval(t(0), [inst(0.8)]))).toEqual(['firing']);
    expect(kinds(d.eval(t(1), [inst(0.1)]))).toEqual(['resolved']);
    expect(kinds(d.eval(t(2), [inst(0.8)]))).toEqual(['firing']);
    const flap = d.eval(t(3), [inst(0.1)]);
    expect(moves(flap)).toEqual(['firing>flapping']);
    expect(kinds(flap)).toEqual(['flapping']);
    // Still oscillating: no notices, no transitions, and the quiet period restarts.
    expect(d.eval(t(4), [inst(0.8)]).notices).toHaveLength(0);
    expect(d.eval(t(5), [inst(0.1)]).notices).toHaveLength(0);
    expect(d.tick(t(14.9)).notices).toHaveLength(0);
    const settled = d.tick(t(15));
    expect(moves(settled)).toEqual(['flapping>resolved']);
    expect(kinds(settled)).toEqual(['resolved']);
  });

  test('settles to firing when the condition holds through the quiet period, then repeats', () => {
    const d = new Driver([rule]);
    d.eval(t(0), [inst(0.8)]);
    d.eval(t(1), [inst(0.1)]);
    d.eval(t(2), [inst(0.8)]);
    d.eval(t(3), [inst(0.1)]);
    expect(d.eval(t(4), [inst(0.8)]).notices).toHaveLength(0);
    expect(d.eval(t(10), [inst(0.6)]).notices).toHaveLength(0); // above recover: no change
    expect(d.tick(t(13.9)).notices).toHaveLength(0); // flapping never repeats (firingAt t(0) + 15 min would not be due yet either)
    expect(d.book.alerts()[0].state).toBe('flapping');
    const out = d.eval(t(14), [inst(0.8)]);
    expect(moves(out)).toEqual(['flapping>firing']);
    expect(kinds(out)).toEqual(['firing']);
    expect(kinds(d.tick(t(29)))).toEqual(['repeat']);
  });

  test('no repeats while flapping, even with the condition held past a repeat time', () => {
    const d = new Driver([makeRule({ flapping: { changes: 4, windowSeconds: 3600, quietSeconds: 3600 }, repeat: { firstSeconds: 600, backoff: 2, maxSeconds: 1800 } })]);
    for (let i = 0; i < 4; i++) d.eval(t(i), [inst(i % 2 === 0 ? 0.8 : 0.1)]);
    d.eval(t(4), [inst(0.8)]);
    expect(d.tick(t(30)).notices).toHaveLength(0);
    expect(d.book.alerts()[0].state).toBe('flapping');
  });

  test('changes spread wider than the window never flap; flapping can be acknowledged', () => {
    const d = new Driver([rule]);
    for (let i = 0; i < 8; i++) d.eval(t(i * 30), [inst(i % 2 === 0 ? 0.8 : 0.1)]);
    expect(d.notices.map((n) => n.kind)).toEqual(['firing', 'resolved', 'firing', 'resolved', 'firing', 'resolved', 'firing', 'resolved']);

    const e = new Driver([rule]);
    for (let i = 0; i < 4; i++) e.eval(t(i), [inst(i % 2 === 0 ? 0.8 : 0.1)]);
    const r = e.book.ack({ key: KEY, principal: { sub: 'ana', role: 'planner', sites: ['*'], channels: ['*'] }, at: t(5) });
    expect(r.ok && moves(r.output)).toEqual(['flapping>acknowledged']);
  });
});
