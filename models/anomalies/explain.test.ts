import { describe, expect, test } from 'vitest';
import { describeChange, explain, formatNumber, subjectOf } from './explain.ts';

describe('explanations', () => {
  test('an intake drop reads like the issue asks', () => {
    expect(explain({ ...subjectOf('intake', { channel: 'marketplace-b' }), when: 'for Tuesday 14:00', value: 12, expected: 80, low: 62, high: 99, direction: 'drop', units: 13 }))
      .toBe('marketplace-b intake 85% below expected for Tuesday 14:00 (12 orders vs ~80; usual 62–99)');
  });

  test('a rare series spiking: a multiple, the units beside the count, one decimal on a small expectation', () => {
    expect(explain({ ...subjectOf('adjustment', { sku: 'SKU-00059', location: 'wh-east', reason: 'shrink' }), when: 'on Monday 6 Apr',
      value: 7, expected: 0.2, low: 0, high: 1, direction: 'spike', units: 23 }))
      .toBe('SKU-00059 at wh-east: shrink adjustments 35× expected on Monday 6 Apr (7 adjustments, 23 units, vs ~0.2; usual 0–1)');
    expect(explain({ ...subjectOf('returns', { sku: 'SKU-00040', stage: 'authorized' }), when: 'on Tuesday 7 Apr', value: 31, expected: 2.6,
      low: 0, high: 7, direction: 'spike', units: 33, given: 'given recent sales' }))
      .toBe('SKU-00040 returns authorized 12× expected on Tuesday 7 Apr (31 lines, 33 units, vs ~2.6 given recent sales; usual 0–7)');
    expect(subjectOf('returns', { sku: 'SKU-1', stage: 'authorized', reason: 'defective' }).subject).toBe('SKU-1 returns authorized as "defective"');
  });

  test('changes: percent up to double, a multiple beyond; nothing to say when in line', () => {
    expect(describeChange(140, 100, 'spike')).toBe('40% above expected');
    expect(describeChange(250, 100, 'spike')).toBe('2.5× expected');
    expect(describeChange(0, 40, 'drop')).toBe('100% below expected');
    expect(describeChange(100.2, 100, 'spike')).toBe('in line with expected');
    expect(describeChange(3, 0, 'spike')).toBe('above expected (none expected)');
  });

  test('numbers: whole above 10, one decimal above 0.1, one significant digit below', () => {
    expect([formatNumber(1234.6), formatNumber(9.94), formatNumber(0.04), formatNumber(0), formatNumber(-2.5)]).toEqual(['1,235', '9.9', '0.04', '0', '-2.5']);
  });
});
