import { describe, expect, test } from 'vitest';
import type { AlertState, AlertTransition } from '../../contracts/alerts.ts';
import { chainTies } from './getAlertTransitions.ts';

const t = (id: string, at: string, from: AlertState, to: AlertState): AlertTransition => ({
  id, at: `2025-03-10T09:00:${at}.000Z`, from, to, alertKey: 'po_delayed|site=wh-1', ruleId: 'po_delayed', type: 'po_delayed',
  site: 'wh-1', labels: { site: 'wh-1' }, severity: 'warning', impact: { ordersAtRisk: 0, revenueAtRisk: 0 }, value: 1, actor: 'engine',
  comment: '', silenced: false, inhibited: false,
});
const path = (ts: AlertTransition[]) => ts.map((x) => `${x.from}>${x.to}`);

describe('chainTies', () => {
  test('orders transitions stored at the same millisecond as the lifecycle ran, newest first', () => {
    const stored = [t('a', '30', 'firing', 'acknowledged'), t('b', '00', 'inactive', 'pending'), t('c', '00', 'pending', 'firing')];
    expect(path(chainTies(stored))).toEqual(['firing>acknowledged', 'pending>firing', 'inactive>pending']);
  });

  test('leaves distinct times and ambiguous runs as they came', () => {
    const distinct = [t('a', '30', 'pending', 'firing'), t('b', '00', 'inactive', 'pending')];
    expect(chainTies(distinct)).toEqual(distinct);
    const twoHeads = [t('a', '00', 'inactive', 'pending'), t('b', '00', 'firing', 'resolved')];
    expect(chainTies(twoHeads)).toEqual(twoHeads);
  });
});
