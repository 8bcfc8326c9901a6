import { describe, expect, test } from 'vitest';
import { EVENT_TYPES as ALL_EVENT_TYPES, parseEvent, type OpsEvent } from '../contracts/index.ts';
import { MALFORMED_KINDS, malform, type RawMessage } from './malformed.ts';
import { Random } from './random.ts';
import { createScenario } from './scenario.ts';

/** The simulated business produces every family but `inventory`, which only the allocation service emits. */
const EVENT_TYPES = ALL_EVENT_TYPES.filter((t) => !t.startsWith('inventory.'));

/** What a consumer would conclude: the JSON error, or parseEvent's verdict on the message's own subject. */
function verdict(m: RawMessage): { ok: boolean; reason: string } {
  let input: unknown;
  try { input = JSON.parse(m.data); } catch (err) { return { ok: false, reason: (err as Error).message }; }
  const r = parseEvent(input, m.subject);
  return r.ok ? { ok: true, reason: '' } : r;
}

describe('malformed payloads', () => {
  // One event of every type (a 2-day back-fill has them all) and the first 5,000 events.
  const types = new Map<string, OpsEvent>();
  const events: OpsEvent[] = [];
  for (const ev of createScenario({ seed: 2, start: '2026-03-02T00:00:00Z', days: 2 }).events()) {
    if (!types.has(ev.type)) types.set(ev.type, ev);
    if (events.length < 5_000) events.push(ev);
  }
  const rng = new Random(99);

  test.each(MALFORMED_KINDS)('every %s payload fails validation with a reason, for every event type', (kind) => {
    expect(types.size).toBe(EVENT_TYPES.length);
    for (const ev of types.values()) {
      const m = malform(ev, rng, kind);
      const v = verdict(m);
      expect(v.ok, `${kind} of ${ev.type}: ${m.data.slice(0, 200)}`).toBe(false);
      expect(v.reason.length).toBeGreaterThan(0);
      expect(m.id).not.toBe(ev.id);
    }
  });

  test('random kinds over 5,000 events all fail, and the source events are left intact', () => {
    const sample = events.slice(0, 5_000);
    const before = JSON.stringify(sample);
    const seen = new Set<string>();
    for (const ev of sample) {
      const m = malform(ev, rng);
      seen.add(m.kind);
      expect(verdict(m).ok).toBe(false);
    }
    expect([...seen].sort()).toEqual([...MALFORMED_KINDS].sort());
    expect(JSON.stringify(sample)).toBe(before);
    for (const ev of sample.slice(0, 500)) expect(parseEvent(ev).ok).toBe(true);
  });
});
