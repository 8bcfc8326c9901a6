/**
 * handleAlertctl over a real book with in-memory deps: what a principal may do to rules, which silence patterns are
 * refused, and that a person's action is saved before it is answered.
 */
import { describe, expect, test } from 'vitest';
import type { RuleSet } from '../../contracts/alerts.ts';
import { Driver, inst, makeRule, t, who } from '../lifecycle/fixtures.ts';
import { handleAlertctl, type AlertctlDeps } from './alertctl.ts';

function setup() {
  const rule = makeRule();
  const d = new Driver([rule]);
  d.eval(t(0), [inst(0.9)]);
  const events: string[] = [];
  let ruleSet: RuleSet = { version: 1, rules: [rule] };
  const deps: AlertctlDeps = {
    book: d.book, now: () => t(1), ruleSet: () => ruleSet,
    handle: () => { events.push('handled'); },
    persist: async () => { await Promise.resolve(); events.push('persisted'); },
    changeRules: async (c) => { ruleSet = { version: ruleSet.version + 1, rules: c.kind === 'put' ? [c.rule] : [] }; return ruleSet; },
  };
  return { d, deps, events, rule, key: d.book.alerts()[0]!.key };
}

describe('alertctl', () => {
  test('a rule applies everywhere: a planner of one site (or one channel) may not change or delete it', async () => {
    const { deps, rule } = setup();
    const raised = { ...rule, condition: { ...rule.condition, threshold: 0.99 } };
    expect(await handleAlertctl(deps, 'rules-put', { principal: who(), rule: raised })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await handleAlertctl(deps, 'rules-put', { principal: who({ sites: ['*'], channels: ['dtc-web'] }), rule: raised }))
      .toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await handleAlertctl(deps, 'rules-delete', { principal: who(), id: rule.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await handleAlertctl(deps, 'rules-put', { principal: who({ sites: ['*'] }), rule: raised })).toMatchObject({ ok: true });
  });

  test('silence patterns that cannot run in linear time are refused', async () => {
    const { deps } = setup();
    const create = (value: string) => handleAlertctl(deps, 'silence-create', { principal: who(), durationSeconds: 600, comment: 'x',
      matchers: [{ label: 'site', op: '=', value: 'wh-east' }, { label: 'sku', op: '=~', value }] });
    expect(await create('SKU-(1|2).*')).toMatchObject({ ok: true });
    for (const bad of ['(?=S).*', '(S)\\1', '(a+){1,30}', '(']) expect(await create(bad)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  test('an ack, a resolve and a silence are saved before they are answered', async () => {
    const { deps, events, key } = setup();
    expect(await handleAlertctl(deps, 'ack', { principal: who(), key })).toMatchObject({ ok: true });
    expect(events).toEqual(['handled', 'persisted']);
    expect(await handleAlertctl(deps, 'resolve', { principal: who(), key, comment: 'fixed' })).toMatchObject({ ok: true });
    expect(await handleAlertctl(deps, 'silence-create', { principal: who(), durationSeconds: 600, comment: 'x',
      matchers: [{ label: 'site', op: '=', value: 'wh-east' }] })).toMatchObject({ ok: true });
    expect(events).toEqual(['handled', 'persisted', 'handled', 'persisted', 'handled', 'persisted']);
  });
});
