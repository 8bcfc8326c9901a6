/**
 * Event rules' sliding windows (pure): per rule, matching events are counted per key (site + the rule's keyBy
 * fields) over the last `windowSeconds` of their occurredAt, so a late-arriving burst counts where it happened and
 * a back-fill of old events counts for nothing. A resolving event (resolveOn) empties its key's window at once.
 * Memory: one (timestamp, event id) per counted event, trimmed on every touch and capped at MAX_HITS per key (a
 * count that high is far past any threshold; the oldest go first) and MAX_KEYS per rule (the saved state must fit
 * one KV value); a key whose window empties is forgotten, so a complete evaluation no longer lists it and its
 * alert recovers. The keys are saved with the engine state (dump/restore), and the engine acks an event only once
 * a saved state includes it; an event redelivered after a crash between that save and the ack is recognised by its
 * id and not counted twice.
 */
import type { Rule } from '../../contracts/alerts.ts';
import type { Instance } from '../lifecycle/types.ts';

export type EventRule = Rule & { source: Extract<Rule['source'], { kind: 'event' }> };
export type FlatEvent = Record<string, unknown> & { type: string; site: string; occurredAt: string };

/** Per key: the counted events as [occurredAt ms, event id], oldest first, and the last event (for the summary). */
interface KeyWindow { labels: Instance['labels']; hits: [number, string][]; last: FlatEvent }
/** A window's keys as saved with the engine state (hits and the last event of each key). */
export type WindowDump = [string, KeyWindow][];

const label = (v: unknown) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v).slice(0, 128) : '');

/** What one event did to a rule: counted (with the key's new instance), resolved a key, or nothing. */
export type WindowChange = { kind: 'counted' | 'resolved'; instance: Instance } | null;

/** Events kept per key: 1,000 × ~40 bytes. */
export const MAX_HITS = 1_000;
/** Keys per rule: 5,000 keys of a few hits each keep the saved state well under NATS's 1 MB message limit. */
export const MAX_KEYS = 5_000;

export class EventWindows {
  private readonly keys = new Map<string, KeyWindow>();
  /** New keys refused because the rule already had MAX_KEYS. */
  droppedKeys = 0;

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
    const known = this.keys.get(key);
    if (!known && this.keys.size >= MAX_KEYS) { this.droppedKeys++; return null; }
    const id = typeof e.id === 'string' ? e.id : '';
    if (id && known?.hits.some((h) => h[1] === id)) return null; // a redelivery: counted already
    const w = known ?? { labels, hits: [], last: e };
    w.hits.push([Math.min(t, at), id]);
    w.last = e;
    this.keys.set(key, w);
    this.trim(w, from);
    if (w.hits.length > MAX_HITS) w.hits.splice(0, w.hits.length - MAX_HITS);
    return { kind: 'counted', instance: this.instance(w) };
  }

  dump(): WindowDump { return [...this.keys]; }

  /** Put back saved keys (after a restart), so restored alerts of event rules are not resolved by an empty memory. */
  restore(d: WindowDump): void {
    for (const [k, w] of d) {
      // A state saved before event ids were kept has `times` only.
      const legacy = (w as unknown as { times?: number[] }).times;
      const hits = Array.isArray(w?.hits) ? w.hits : Array.isArray(legacy) ? legacy.map((t): [number, string] => [t, '']) : null;
      if (hits && w.labels?.site) this.keys.set(k, { labels: w.labels, hits, last: w.last });
    }
  }

  /** Every key with events in the window at `at`; empty keys are forgotten. */
  instances(at: number): Instance[] {
    const from = at - this.rule.source.windowSeconds * 1000;
    const out: Instance[] = [];
    for (const [key, w] of this.keys) {
      this.trim(w, from);
      if (w.hits.length === 0) this.keys.delete(key);
      else out.push(this.instance(w));
    }
    return out;
  }

  private trim(w: KeyWindow, from: number): void {
    const h = w.hits;
    if (h.length > 1 && h[h.length - 1]![0] < h[h.length - 2]![0]) h.sort((a, b) => a[0] - b[0]);
    let i = 0;
    while (i < h.length && h[i]![0] <= from) i++;
    if (i > 0) h.splice(0, i);
  }

  private instance(w: KeyWindow): Instance {
    const n = w.hits.length;
    const s = this.rule.source;
    const detail = ['reason', 'code', 'description', 'newExpectedAt'].map((f) => w.last[f]).filter((v) => typeof v === 'string').join('; ');
    const who = Object.entries(w.labels).map(([k, v]) => `${k} ${v}`).join(', ');
    return { labels: w.labels, value: n, impact: this.impact(w.labels, n),
      summary: `${n} × ${s.eventType} within ${Math.round(s.windowSeconds / 60)} min (${who})${detail ? `: ${detail}` : ''}`.slice(0, 1000) };
  }
}
