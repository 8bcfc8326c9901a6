import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { processMessage } from './pipeline.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const valid = {
  id: 'evt-9', type: 'stock.adjusted', occurredAt: '2026-11-27T10:00:00Z', source: 'wms', site: 'wh-east', schemaVersion: 1,
  sku: 'SKU-9', qtyDelta: -4, reasonCode: 'shrink',
};

describe('ingest pipeline steps', () => {
  test('a valid event becomes a row of its family with the payload kept verbatim', () => {
    const raw = JSON.stringify(valid);
    const r = processMessage('ops.stock.adjusted', enc(raw), 17);
    expect(r.kind).toBe('row');
    if (r.kind !== 'row') return;
    expect(r.family).toBe('stock');
    const row = JSON.parse(r.line);
    expect(row).toMatchObject({ event_id: 'evt-9', stream_seq: 17, sku: 'SKU-9', qty_delta: -4, reason: 'shrink', site: 'wh-east' });
    expect(row.payload).toEqual(valid);
  });

  test.each([
    ['not UTF-8', new Uint8Array([0xff, 0xfe, 0x00]), 'UTF-8'],
    ['not JSON', enc('{"id": '), 'invalid JSON'],
    ['JSON but not an event', enc('42'), 'JSON object'],
    ['wrong subject', enc(JSON.stringify(valid)), 'does not match'],
  ])('dead-letters a message that is %s', (_n, data, reason) => {
    const subject = reason === 'does not match' ? 'ops.orders.created' : 'ops.stock.adjusted';
    const r = processMessage(subject, data, 1);
    expect(r.kind).toBe('deadLetter');
    if (r.kind === 'deadLetter') expect(r.reason).toContain(reason);
  });

  test('keeps the hints of a bad event for the rejects table', () => {
    const r = processMessage('ops.stock.adjusted', enc(JSON.stringify({ ...valid, qtyDelta: 'many' })), 3);
    expect(r).toMatchObject({ kind: 'deadLetter', hint: { id: 'evt-9', type: 'stock.adjusted', source: 'wms', site: 'wh-east' } });
  });

  test('never throws, whatever the bytes (fuzzed)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 512 }), fc.string(), (bytes, subject) => {
      const r = processMessage(subject, bytes, 1);
      expect(['row', 'deadLetter']).toContain(r.kind);
    }), { numRuns: 2000 });
    fc.assert(fc.property(fc.jsonValue(), (v) => {
      const r = processMessage('ops.stock.adjusted', enc(JSON.stringify(v)), 1);
      expect(r.kind).toBe('deadLetter');
    }), { numRuns: 2000 });
  });
});
