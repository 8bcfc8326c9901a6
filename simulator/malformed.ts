/**
 * Malformed payloads, the way broken producers send them: truncated JSON, a missing envelope field, a wrong
 * type, an unknown event type, a negative quantity, a naive timestamp, or a valid event on the wrong subject.
 * Each is derived from a real event (so it looks plausible) and carries its own msgID (`<event id>.bad`), so
 * it never displaces the real event. Every one must be rejected by parseEvent (or by JSON.parse first).
 */
import { EVENT_TYPES, subjectFor, type OpsEvent } from '../contracts/index.ts';
import type { Random } from './random.ts';

export const MALFORMED_KINDS = [
  'bad_json', 'missing_field', 'wrong_type', 'unknown_type', 'negative_qty', 'naive_timestamp', 'subject_mismatch',
] as const;
export type MalformedKind = (typeof MALFORMED_KINDS)[number];

/** A raw message as a producer would publish it. */
export interface RawMessage {
  subject: string;
  id: string;
  data: string;
  kind: MalformedKind;
}

const ENVELOPE_FIELDS = ['id', 'occurredAt', 'source', 'site', 'schemaVersion'] as const;
const QUANTITY_FIELDS = ['qty', 'units', 'packages', 'parcels'] as const;
const LINE_ARRAYS = ['lines', 'allocations'] as const;

/** Corrupt a copy of `ev` in one way (random unless `kind` is given); `ev` itself is not modified. */
export function malform(ev: OpsEvent, rng: Random, kind: MalformedKind = rng.pick(MALFORMED_KINDS)): RawMessage {
  const id = `${ev.id}.bad`;
  const subject = subjectFor(ev.type);
  const copy = { ...ev, id } as Record<string, unknown>;
  switch (kind) {
    case 'bad_json': {
      const json = JSON.stringify(copy);
      // Any strict prefix of a JSON object lacks its closing brace, so it never parses.
      return { subject, id, kind, data: json.slice(0, rng.int(1, json.length - 2)) };
    }
    case 'missing_field':
      delete copy[rng.pick(ENVELOPE_FIELDS)];
      break;
    case 'wrong_type': {
      const field = rng.pick(['schemaVersion', 'occurredAt', 'site'] as const);
      copy[field] = field === 'schemaVersion' ? '1' : field === 'occurredAt' ? Date.parse(ev.occurredAt) : 42;
      break;
    }
    case 'unknown_type': {
      const type = `${ev.type.split('.')[0]}.teleported`;
      copy.type = type;
      return { subject: subjectFor(type), id, kind, data: JSON.stringify(copy) };
    }
    case 'negative_qty':
      if (!negateQuantity(copy, rng)) {
        // No quantity on this event type: a stock receipt of minus some units, with the same envelope.
        return { subject: subjectFor('stock.received'), id, kind, data: JSON.stringify({
          id, type: 'stock.received', occurredAt: ev.occurredAt, source: ev.source, site: ev.site, schemaVersion: 1,
          sku: 'SKU-00001', qty: -rng.int(1, 50),
        }) };
      }
      break;
    case 'naive_timestamp':
      // Local wall-clock time without an offset: ambiguous across sites, so the contract refuses it.
      copy.occurredAt = ev.occurredAt.slice(0, 19);
      break;
    case 'subject_mismatch': {
      let other = rng.pick(EVENT_TYPES);
      if (other === ev.type) other = EVENT_TYPES[(EVENT_TYPES.indexOf(other) + 1) % EVENT_TYPES.length];
      return { subject: subjectFor(other), id, kind, data: JSON.stringify(copy) };
    }
  }
  return { subject, id, kind, data: JSON.stringify(copy) };
}

/** Make one quantity negative (top level or first line); false when the event has none. */
function negateQuantity(copy: Record<string, unknown>, rng: Random): boolean {
  for (const f of QUANTITY_FIELDS) {
    if (typeof copy[f] === 'number') { copy[f] = -rng.int(1, 50); return true; }
  }
  for (const f of LINE_ARRAYS) {
    const lines = copy[f];
    if (Array.isArray(lines) && lines.length) {
      copy[f] = [{ ...lines[0], qty: -rng.int(1, 50) }, ...lines.slice(1)];
      return true;
    }
  }
  return false;
}
