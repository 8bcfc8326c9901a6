/**
 * The rules view's words: one rule as short strings a person can scan in a table row (source, condition,
 * severity thresholds, repeat, grouping, inhibits). Pure; the /alerts/rules page renders them.
 */
import type { Rule, RuleSource } from '$contracts/alerts.ts';

export interface RuleSummary {
  source: { kind: RuleSource['kind']; what: string };
  condition: string;
  pending: string;
  nOfM: string;
  severity: string;
  repeat: string;
  grouping: string;
  inhibits: string;
}

const num = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });

/** Seconds as the largest whole unit that fits: `45 s`, `15 min`, `4 h`, `2 d` (`90 s` stays seconds). */
export function fmtSeconds(s: number): string {
  for (const [unit, size] of [['d', 86_400], ['h', 3600], ['min', 60]] as const) if (s >= size && s % size === 0) return `${s / size} ${unit}`;
  return `${s} s`;
}

const pairs = (o: Record<string, unknown>) => Object.entries(o).map(([k, v]) => `${k}=${String(v)}`).join(' ');

function what(s: RuleSource): string {
  switch (s.kind) {
    case 'score': return [s.riskKind, s.anomalyKind, s.direction && `(${s.direction})`].filter(Boolean).join(' ');
    case 'query': return [s.query, pairs(s.params)].filter(Boolean).join(' ');
    case 'event': return [s.eventType, pairs(s.match), s.keyBy.length ? `per ${s.keyBy.join(', ')}` : '',
      `within ${fmtSeconds(s.windowSeconds)}`, s.resolveOn.length ? `resolved by ${s.resolveOn.join(', ')}` : ''].filter(Boolean).join(' ');
  }
}

function at(t: { orders?: number; revenue?: number }): string {
  return [t.orders !== undefined && `${num.format(t.orders)} orders`, t.revenue !== undefined && `${num.format(t.revenue)} revenue`]
    .filter(Boolean).join(' or ');
}

/** The table row's cells for one rule. */
export function summarizeRule(r: Rule): RuleSummary {
  const { warningAt, criticalAt } = r.severity;
  return {
    source: { kind: r.source.kind, what: what(r.source) },
    condition: `${r.condition.op} ${num.format(r.condition.threshold)} · recover ${num.format(r.condition.recover)}`,
    pending: r.pendingSeconds ? fmtSeconds(r.pendingSeconds) : 'at once',
    nOfM: `${r.nOfM.n} of ${r.nOfM.m}`,
    severity: [r.severity.base, at(warningAt) && `warning ≥ ${at(warningAt)}`, at(criticalAt) && `critical ≥ ${at(criticalAt)}`]
      .filter(Boolean).join(' · '),
    repeat: `${fmtSeconds(r.repeat.firstSeconds)}, ×${num.format(r.repeat.backoff)}, ≤ ${fmtSeconds(r.repeat.maxSeconds)}`,
    grouping: `${r.groupBy.length ? r.groupBy.join(', ') : 'none'} · ${fmtSeconds(r.groupWindowSeconds)} window`,
    inhibits: r.inhibits ? `${r.inhibits.types.join(', ')} (same ${r.inhibits.equal.join(', ')})` : '',
  };
}
