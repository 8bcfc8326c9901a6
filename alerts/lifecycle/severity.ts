/**
 * Conditions and severity. A rule breaches when `value <op> threshold`; a firing alert stays unrecovered while
 * `value <op> recover` still holds (same operator: hysteresis, so a value hovering at the threshold does not flap).
 * Severity is the rule's base raised by business impact: orders or revenue at risk past the warning or critical
 * thresholds (a threshold left undefined never applies).
 */
import { SEVERITY_RANK, type Impact, type Rule, type Severity } from '../../contracts/alerts.ts';

export type Op = Rule['condition']['op'];

export function compare(op: Op, value: number, bound: number): boolean {
  switch (op) {
    case '>': return value > bound;
    case '>=': return value >= bound;
    case '<': return value < bound;
    case '<=': return value <= bound;
  }
}

type Bounds = { orders?: number; revenue?: number };
const reaches = (impact: Impact, b: Bounds) =>
  (b.orders !== undefined && impact.ordersAtRisk >= b.orders) || (b.revenue !== undefined && impact.revenueAtRisk >= b.revenue);

/** max(base, warning when warningAt is reached, critical when criticalAt is reached). */
export function severityFor(rule: Pick<Rule, 'severity'>, impact: Impact): Severity {
  let s: Severity = rule.severity.base;
  if (reaches(impact, rule.severity.warningAt) && SEVERITY_RANK.warning > SEVERITY_RANK[s]) s = 'warning';
  if (reaches(impact, rule.severity.criticalAt)) s = 'critical';
  return s;
}

export const rises = (from: Severity, to: Severity) => SEVERITY_RANK[to] > SEVERITY_RANK[from];
