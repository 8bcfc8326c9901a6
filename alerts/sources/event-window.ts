/**
 * Event rules' sliding windows (pure): per rule, matching events are counted per key (site + the rule's keyBy
 * fields) over the last `windowSeconds` of their occurredAt, so a late-arriving burst counts where it happened and
 * a back-fill of old events counts for nothing. A resolving event (resolveOn) empties its key's window at once.
 * Memory: one timestamp per counted event, trimmed on every touch; a key whose window empties is forgotten, so
 * a complete evaluation no longer lists it and its alert recovers. The keys are saved with the engine state
 * (dump/restore): acked events are not redelivered, so a restart would otherwise forget them.
 */
import type { Rule } from '../../contracts/alerts.ts';
import type { Instance } from '../lifecycle/types.ts';

export type EventRule = Rule & { source: Extract<Rule['source'], { kind: 'event' }> };
export type FlatEvent = Record<string, unknown> & { type: string; site: string; occurredAt: string };

interface KeyWindow { labels: Instance['labels']; times: number[]; last: FlatEvent }
/** A window's keys as saved with the engine state (timestamps and the last event of each key). */
export type WindowDump = [string, KeyWindow][];

const label = (v: unknown) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v).slice(0, 128) : '');

/** What one event did to a rule: counted (with the key's new instance), resolved a key, or nothing. */
export type WindowChange = { kind: 'counted' | 'resolved'; instance: Instance } | null;

export class EventWindows {
  private readonly keys = new Map<string, KeyWindow>();

  constructor(readonly rule: EventRule, private readonly impact: (labels: Instance['labels'], count: number) => Instance['impact']) {}

  /** Identity of the event's instance: site plus the keyBy fields, labelled by labelAs. */
  private identify(e: FlatEvent): { key: string; labels: Instance['labels'] } {
    const s = this.rule.source;
    const labels: Instance['labels'] = { site: label(e.site) };
    const parts = [labels.site];
    for (const f of s.keyBy) {
      const v = label(e[f]);
      parts.push(v);
      if (v) labels[s.labelAs[f] ?? f.toLowerCase().replace(/[^a-z0-9_]/g, '_')] = v;
    }
    return { key: JSON.stringify(parts), labels };
  }

  private matches(e: FlatEvent): boolean {
    for (const [k, v] of Object.entries(this.rule.source.match)) if (e[k] !== v) return false;
    return true;
  }

  /** Apply one event at `at` (epoch ms). */
  apply(e: FlatEvent, at: number): WindowChange {
    const s = this.rule.source;
    if (s.resolveOn.includes(e.type)) {
      const { key, labels } = this.identify(e);
      const w = this.keys.get(key);
      if (!w) return null;
      this.keys.delete(key);
      return { kind: 'resolved', instance: { labels, value: 0, impact: this.impact(labels, 0), summary: `${e.type} ended it` } };
    }
    if (e.type !== s.eventType || !this.matches(e)) return null;
    const t = Date.parse(e.occurredAt);
    const from = at - s.windowSeconds * 1000;
    if (!(t > from)) return null;
    const { key, labels } = this.identify(e);
    const w = this.keys.get(key) ?? { labels, times: [], last: e };
    w.times.push(Math.min(t, at));
    w.last = e;
    this.keys.set(key, w);
    this.trim(w, from);
    return { kind: 'counted', instance: this.instance(w) };
  }

  dump(): WindowDump { return [...this.keys]; }

  /** Put back saved keys (after a restart), so restored alerts of event rules are not resolved by an empty memory. */
  restore(d: WindowDump): void { for (const [k, w] of d) if (Array.isArray(w?.times) && w.labels?.site) this.keys.set(k, w); }

  /** Every key with events in the window at `at`; empty keys are forgotten. */
  instances(at: number): Instance[] {
    const from = at - this.rule.source.windowSeconds * 1000;
    const out: Instance[] = [];
    for (const [key, w] of this.keys) {
      this.trim(w, from);
      if (w.times.length === 0) this.keys.delete(key);
      else out.push(this.instance(w));
    }
    return out;
  }

  private trim(w: KeyWindow, from: number): void {
    if (w.times.length > 1 && w.times[w.times.length - 1]! < w.times[w.times.length - 2]!) w.times.sort((a, b) => a - b);
    let i = 0;
    while (i < w.times.length && w.times[i]! <= from) i++;
    if (i > 0) w.times.splice(0, i);
  }

  private instance(w: KeyWindow): Instance {
    const n = w.times.length;
    const s = this.rule.source;
    const detail = ['reason', 'code', 'description', 'newExpectedAt'].map((f) => w.last[f]).filter((v) => typeof v === 'string').join('; ');
    const who = Object.entries(w.labels).map(([k, v]) => `${k} ${v}`).join(', ');
    return { labels: w.labels, value: n, impact: this.impact(w.labels, n),
      summary: `${n} × ${s.eventType} within ${Math.round(s.windowSeconds / 60)} min (${who})${detail ? `: ${detail}` : ''}`.slice(0, 1000) };
  }
}
