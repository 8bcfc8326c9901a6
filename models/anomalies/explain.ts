/**
 * One plain sentence per score, for an operator who has not seen the model:
 *   "marketplace-b intake 85% below expected for Tuesday 14:00 (12 orders vs ~80; usual 62–99)"
 *   "SKU-00059 at wh-east: shrink adjustments 35× expected on Monday 6 Apr (7 adjustments, 23 units, vs ~0.2; usual 0–1)"
 * A change is a percentage up to double and a multiple beyond it (×35 reads better than +3400%); expected
 * values under 10 keep one decimal, because "~0" would hide that the series is merely rare.
 */
import type { Direction } from './count-model.ts';
import type { SeriesKey, AnomalyKind } from './series.ts';

export interface ExplainInput {
  /** What moved: "marketplace-b intake", "value". */
  subject: string;
  /** "for Tuesday 14:00" or "on Tuesday 7 Apr". */
  when: string;
  value: number;
  expected: number;
  low: number;
  high: number;
  direction: Direction;
  /** What is counted ("orders"), shown after the value; omitted for plain values. */
  noun?: string;
  units?: number;
  /** What the expectation is conditioned on: "given recent sales". */
  given?: string;
}

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  // Digit groups by hand: toLocaleString costs ~5 µs, and a day of scores formats ~100k numbers.
  if (a >= 10 || Number.isInteger(v)) return String(Math.round(v)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  if (a >= 0.1) return v.toFixed(1);
  return a === 0 ? '0' : v.toPrecision(1);
}

/** "85% below expected", "35× expected", "in line with expected". */
export function describeChange(value: number, expected: number, direction: Direction): string {
  if (direction === 'none' || expected === value) return 'in line with expected';
  if (expected <= 0) return value > 0 ? 'above expected (none expected)' : 'in line with expected';
  const ratio = value / expected;
  if (direction === 'spike' && ratio >= 2) return `${ratio >= 10 ? Math.round(ratio) : ratio.toFixed(1)}× expected`;
  const pct = Math.round(Math.abs(ratio - 1) * 100);
  if (pct === 0) return 'in line with expected';
  return `${pct}% ${direction === 'drop' ? 'below' : 'above'} expected`;
}

export function explain(i: ExplainInput): string {
  const counted = i.noun ? ` ${i.noun}` : '';
  const units = i.units !== undefined && i.noun !== 'orders' && i.units !== i.value ? `, ${formatNumber(i.units)} units,` : '';
  const range = i.low === i.high ? formatNumber(i.low) : `${formatNumber(i.low)}–${formatNumber(i.high)}`;
  return `${i.subject} ${describeChange(i.value, i.expected, i.direction)} ${i.when} `
    + `(${formatNumber(i.value)}${counted}${units} vs ~${formatNumber(i.expected)}${i.given ? ` ${i.given}` : ''}; usual ${range})`;
}

/** The subject and counted noun of a series of contract events. */
export function subjectOf(kind: AnomalyKind, key: SeriesKey): { subject: string; noun: string } {
  switch (kind) {
    case 'intake': return { subject: `${key.channel} intake`, noun: 'orders' };
    case 'adjustment': return { subject: `${key.sku} at ${key.location}: ${key.reason} adjustments`, noun: 'adjustments' };
    case 'returns': return { subject: `${key.sku} returns ${key.stage ?? ''}${key.reason ? ` as "${key.reason}"` : ''}`.replace(/ +$/, ''), noun: 'lines' };
  }
}
