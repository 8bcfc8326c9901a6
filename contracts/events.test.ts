import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { EVENT_TYPES, FAMILIES, familyOf, parseEvent, subjectFor } from './index.ts';
import { contractJsonSchemas } from './json-schema.ts';

const base = { id: 'evt-1', occurredAt: '2026-11-27T10:00:00.000-05:00', source: 'dtc-web', site: 'wh-east', schemaVersion: 1 };
const order = {
  ...base, type: 'orders.created', orderId: 'o-1', channel: 'dtc-web', currency: 'USD', shipToRegion: 'us-east',
  lines: [{ sku: 'SKU-1', qty: 2, unitPrice: 9.5 }], promisedShipBy: '2026-11-27T17:00:00-05:00', priority: 'standard',
};

describe('event contracts', () => {
  test('a well-formed order passes and keeps its fields', () => {
    const r = parseEvent(order, 'ops.orders.created');
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.event.type).toBe('orders.created');
  });

  test.each([
    ['naive timestamp without offset', { ...order, occurredAt: '2026-11-27T10:00:00' }, 'occurredAt'],
    ['zero quantity', { ...order, lines: [{ sku: 'SKU-1', qty: 0, unitPrice: 1 }] }, 'lines.0.qty'],
    ['negative price', { ...order, lines: [{ sku: 'SKU-1', qty: 1, unitPrice: -1 }] }, 'lines.0.unitPrice'],
    ['no lines', { ...order, lines: [] }, 'lines'],
    ['unknown channel', { ...order, channel: 'fax' }, 'channel'],
    ['missing id', { ...order, id: undefined }, 'id'],
    ['unknown type', { ...order, type: 'orders.teleported' }, 'unknown event type'],
    ['schema version from the future', { ...order, schemaVersion: 2 }, 'schemaVersion'],
    ['an array instead of an object', [order], 'JSON object'],
  ])('refuses %s with a reason naming the field', (_name, input, field) => {
    const r = parseEvent(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(field);
  });

  test('refuses an event published on another type\'s subject', () => {
    const r = parseEvent(order, 'ops.stock.adjusted');
    expect(r).toEqual({ ok: false, reason: 'subject ops.stock.adjusted does not match type orders.created' });
  });

  test('stock adjustments must move stock', () => {
    const adj = { ...base, type: 'stock.adjusted', sku: 'S', qtyDelta: 0, reasonCode: 'shrink' };
    expect(parseEvent(adj).ok).toBe(false);
    expect(parseEvent({ ...adj, qtyDelta: -3 }).ok).toBe(true);
  });

  test('cutoffs need a real IANA timezone', () => {
    const c = { ...base, type: 'carrier.cutoff_scheduled', carrier: 'ups', service: 'ground', cutoffAt: '2026-11-27T17:00:00-05:00' };
    expect(parseEvent({ ...c, timezone: 'America/New_York' }).ok).toBe(true);
    expect(parseEvent({ ...c, timezone: 'Mars/Olympus' }).ok).toBe(false);
  });

  test('every type maps to its family and subject', () => {
    expect(EVENT_TYPES.length).toBeGreaterThanOrEqual(38);
    for (const t of EVENT_TYPES) {
      expect(FAMILIES).toContain(familyOf(t));
      expect(familyOf(subjectFor(t))).toBe(familyOf(t));
    }
    expect(familyOf('ops.nope.created')).toBeUndefined();
  });

  test('the committed JSON Schema matches the zod contracts (run npm run contracts:export)', () => {
    for (const [file, schema] of Object.entries(contractJsonSchemas())) {
      const committed = JSON.parse(readFileSync(new URL(`./json-schema/${file}`, import.meta.url), 'utf8'));
      expect(committed, file).toEqual(JSON.parse(JSON.stringify(schema)));
    }
  });
});
