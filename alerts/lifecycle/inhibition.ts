/**
 * Inhibition: while an alert of a rule with `inhibits { types, equal }` is firing, acknowledged or flapping, every
 * alert whose type is listed and whose `equal` labels all have the source's values is inhibited (a site-wide
 * outage mutes the per-SKU alerts it causes at that site, not at another). A label missing on both sides counts
 * as equal (''), as in Alertmanager. An inhibited alert may itself inhibit others.
 */
import type { Alert, Rule } from '../../contracts/alerts.ts';

export interface Source { key: string; labels: Alert['labels']; types: ReadonlySet<string>; equal: string[] }

/** The inhibiting alerts among `alerts`, sorted by key so the chosen source is deterministic. */
export function inhibitionSources(alerts: Iterable<Alert>, rules: ReadonlyMap<string, Rule>, firingLike: (a: Alert) => boolean): Source[] {
  const out: Source[] = [];
  for (const a of alerts) {
    const inh = rules.get(a.ruleId)?.inhibits;
    if (inh && firingLike(a)) out.push({ key: a.key, labels: a.labels, types: new Set(inh.types), equal: inh.equal });
  }
  return out.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
}

/** The key of the first source that inhibits `a`, or null. */
export function inhibitorOf(a: Pick<Alert, 'key' | 'type' | 'labels'>, sources: readonly Source[]): string | null {
  for (const s of sources) {
    if (s.key === a.key || !s.types.has(a.type)) continue;
    if (s.equal.every((l) => (s.labels[l] ?? '') === (a.labels[l] ?? ''))) return s.key;
  }
  return null;
}
