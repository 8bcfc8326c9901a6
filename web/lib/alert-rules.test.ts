import { describe, expect, test } from 'vitest';
import { RuleSchema } from '$contracts/alerts.ts';
import { fmtSeconds, summarizeRule } from './alert-rules.ts';

const rule = (over: object) => RuleSchema.parse({ id: 'po_delayed', type: 'po_delayed', title: 'PO delayed', ownerRole: 'planner',
  source: { kind: 'event', eventType: 'purchase_orders.delayed', keyBy: ['poId'], windowSeconds: 86_400, resolveOn: ['purchase_orders.received'] },
  condition: { op: '>=', threshold: 1, recover: 0.5 }, ...over });

describe('summarizeRule', () => {
  test('says the source, condition and defaults in words', () => {
    expect(summarizeRule(rule({}))).toEqual({
      source: { kind: 'event', what: 'purchase_orders.delayed per poId within 1 d resolved by purchase_orders.received' },
      condition: '>= 1 · recover 0.5', pending: 'at once', nOfM: '1 of 1', severity: 'warning',
      repeat: '15 min, ×2, ≤ 4 h', grouping: 'site · 30 s window', inhibits: '',
    });
  });

  test('lists severity thresholds and inhibited types', () => {
    const s = summarizeRule(rule({ pendingSeconds: 90, nOfM: { n: 3, m: 5 },
      severity: { base: 'info', warningAt: { orders: 10 }, criticalAt: { orders: 50, revenue: 5000 } },
      inhibits: { types: ['stockout_risk', 'cutoff_risk'] } }));
    expect(s).toMatchObject({ pending: '90 s', nOfM: '3 of 5', inhibits: 'stockout_risk, cutoff_risk (same site)',
      severity: 'info · warning ≥ 10 orders · critical ≥ 50 orders or 5,000 revenue' });
  });

  test('names a query source with its parameters and a score source with its detector', () => {
    expect(summarizeRule(rule({ source: { kind: 'query', query: 'ingest_lag', params: { maxLag: 5000 } } })).source)
      .toEqual({ kind: 'query', what: 'ingest_lag maxLag=5000' });
    expect(summarizeRule(rule({ source: { kind: 'score', riskKind: 'anomaly', anomalyKind: 'intake', direction: 'low' } })).source.what)
      .toBe('anomaly intake (low)');
  });
});

test('fmtSeconds uses the largest whole unit', () => {
  expect([45, 90, 900, 3600, 5400, 172_800].map(fmtSeconds)).toEqual(['45 s', '90 s', '15 min', '1 h', '90 min', '2 d']);
});
