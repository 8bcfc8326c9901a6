/**
 * Test builders for the book: rules parsed by the real schema (so defaults are the product's), instances,
 * principals and a small driver that remembers every output. Minutes are the unit of the fake clock.
 */
import type { Principal } from '../../contracts/access.ts';
import { RuleSchema, type AlertNotice, type Rule, type RuleInput, type Silence } from '../../contracts/alerts.ts';
import { AlertBook } from './book.ts';
import type { BookOutput, BookSnapshot, Instance } from './types.ts';

export const MIN = 60_000;
export const T0 = Date.UTC(2025, 0, 6, 8, 0, 0);
export const t = (minutes: number) => T0 + minutes * MIN;

export function makeRule(o: Partial<RuleInput> = {}): Rule {
  return RuleSchema.parse({
    id: 'stockout', type: 'stockout_risk', title: 'Stock-out risk', ownerRole: 'planner',
    source: { kind: 'score', riskKind: 'stockout' },
    condition: { op: '>', threshold: 0.7, recover: 0.5 },
    groupWindowSeconds: 0,
    ...o,
  });
}

export function inst(value: number, labels: Record<string, string> = {}, impact = { ordersAtRisk: 0, revenueAtRisk: 0 }): Instance {
  return { labels: { site: 'wh-east', sku: 'SKU-1', ...labels }, value, impact, summary: `value ${value}` };
}

export const who = (o: Partial<Principal> = {}): Principal => ({ sub: 'ana', role: 'planner', sites: ['wh-east'], channels: ['*'], ...o });

export function silence(o: Partial<Silence> = {}): Silence {
  return {
    id: 'sil-001', matchers: [{ label: 'site', op: '=', value: 'wh-east' }], startsAt: new Date(t(0)).toISOString(),
    endsAt: new Date(t(60)).toISOString(), endOnResolve: false, createdBy: 'ana', comment: 'maintenance', endedAt: null, ...o,
  };
}

/** A book plus shorthand for evaluating and ticking; `kinds` lists notice kinds of one output. */
export class Driver {
  book: AlertBook;
  notices: AlertNotice[] = [];

  constructor(public rules: Rule[], snapshot?: BookSnapshot) {
    this.book = new AlertBook({ rules, snapshot });
  }

  private keep(o: BookOutput): BookOutput {
    this.notices.push(...o.notices);
    return o;
  }

  eval(at: number, instances: Instance[], o: { rule?: Rule; complete?: boolean } = {}): BookOutput {
    return this.keep(this.book.evaluate({ rule: o.rule ?? this.rules[0], at, instances, complete: o.complete ?? true }));
  }

  tick(at: number): BookOutput {
    return this.keep(this.book.tick(at));
  }

  state(key?: string): string | undefined {
    const all = this.book.alerts();
    return (key ? all.find((a) => a.key === key) : all[0])?.state;
  }
}

export const kinds = (o: BookOutput) => o.notices.map((n) => n.kind);
export const moves = (o: BookOutput) => o.transitions.map((x) => `${x.from}>${x.to}`);
