import fc from 'fast-check';
import { expect, test } from 'vitest';
import { AlertNoticeSchema, type AlertState, type NoticeKind } from '../../contracts/alerts.ts';
import { AlertBook } from './book.ts';
import { inst, makeRule, MIN, silence, T0, who } from './fixtures.ts';
import type { BookOutput } from './types.ts';

const rule = makeRule({
  nOfM: { n: 2, m: 3 }, pendingSeconds: 60, groupWindowSeconds: 60,
  severity: { base: 'info', warningAt: { orders: 5 }, criticalAt: { orders: 20 } },
  repeat: { firstSeconds: 600, backoff: 2, maxSeconds: 1800 },
  flapping: { changes: 3, windowSeconds: 3600, quietSeconds: 600 },
});
const SKUS = ['SKU-1', 'SKU-2', 'SKU-3'];
const keyOf = (sku: string) => `stockout|site=wh-east,sku=${sku}`;

const Cmd = fc.oneof(
  fc.record({ op: fc.constant('eval' as const), complete: fc.boolean(),
    values: fc.array(fc.option(fc.record({ v: fc.constantFrom(0.1, 0.6, 0.8, 0.95), orders: fc.constantFrom(0, 6, 30) })), { minLength: 3, maxLength: 3 }) }),
  fc.record({ op: fc.constantFrom('ack' as const, 'resolve' as const, 'silence' as const), sku: fc.constantFrom(...SKUS) }),
  fc.record({ op: fc.constant('tick' as const) }),
);
const Step = fc.record({ dt: fc.integer({ min: 0, max: 20 * MIN }), cmd: Cmd });

const STATE_OF: Record<NoticeKind, AlertState> = { firing: 'firing', repeat: 'firing', escalated: 'firing', acknowledged: 'acknowledged', flapping: 'flapping', resolved: 'resolved' };

test('property: one alert per key, notices match transitions, every announced alert is resolved once values recover', () => {
  fc.assert(fc.property(fc.array(Step, { maxLength: 40 }), (steps) => {
    const book = new AlertBook({ rules: [rule] });
    const lastTo = new Map<string, AlertState>();
    const announced = new Set<string>();
    let silences = 0;
    const check = (o: BookOutput) => {
      for (const x of o.transitions) {
        const prev = lastTo.get(x.alertKey) ?? 'inactive';
        expect(x.from === prev || (prev === 'resolved' && x.from === 'inactive')).toBe(true);
        lastTo.set(x.alertKey, x.to);
      }
      for (const n of o.notices) {
        AlertNoticeSchema.parse(n);
        expect(n.alert.state).toBe(STATE_OF[n.kind]);
        expect(lastTo.get(n.alert.key)).toBe(n.alert.state);
        for (const m of n.group?.members ?? []) expect(lastTo.get(m.key)).toBe('firing');
        if (n.kind === 'resolved') announced.delete(n.alert.key);
        else for (const k of [n.alert.key, ...(n.group?.members.map((m) => m.key) ?? [])]) announced.add(k);
      }
      const keys = book.alerts().map((a) => a.key);
      expect(new Set(keys).size).toBe(keys.length);
    };
    let at = T0;
    for (const { dt, cmd } of steps) {
      at += dt;
      switch (cmd.op) {
        case 'eval': {
          const instances = cmd.values.flatMap((x, i) => (x ? [inst(x.v, { sku: SKUS[i] }, { ordersAtRisk: x.orders, revenueAtRisk: 0 })] : []));
          check(book.evaluate({ rule, at, instances, complete: cmd.complete }));
          break;
        }
        case 'ack': { const r = book.ack({ key: keyOf(cmd.sku), principal: who(), at }); if (r.ok) check(r.output); break; }
        case 'resolve': { const r = book.resolve({ key: keyOf(cmd.sku), principal: who(), comment: 'done', at }); if (r.ok) check(r.output); break; }
        case 'silence':
          check(book.addSilence({ silence: silence({ id: `sil-${++silences}`, matchers: [{ label: 'sku', op: '=', value: cmd.sku }], startsAt: new Date(at).toISOString(), endsAt: new Date(at + 10 * MIN).toISOString() }), at }));
          break;
        case 'tick': check(book.tick(at)); break;
      }
    }
    // Every value recovers (m = 3 evaluations empty a pending ring); flapping settles after its quiet period.
    for (let i = 1; i <= 3; i++) check(book.evaluate({ rule, at: at + i * MIN, instances: [], complete: true }));
    check(book.tick(at + 60 * MIN));
    expect(book.alerts().filter((a) => a.state !== 'resolved')).toEqual([]);
    expect([...announced]).toEqual([]);
  }), { numRuns: 300 });
});
