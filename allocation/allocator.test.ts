/**
 * Examples of the allocation engine's rules, each with its numbers worked out by hand: where a reservation
 * takes stock from, what a refusal promises, holds and order transitions, bad requests, the ATP formula, and
 * carrier cutoffs across a DST change. Times are fixed instants so the cutoff arithmetic can be checked.
 */
import { describe, expect, test } from 'vitest';
import type { AtpResult, ChangeResult, OrderResult, ReserveResult } from '../contracts/api/allocation.ts';
import { OpsEventSchema, type OpsEvent } from '../contracts/index.ts';
import { Allocator } from './allocator.ts';
import { CutoffClock, DEFAULT_LOCATIONS, LocationProfile } from './locations.ts';

/** Wednesday 2026-06-10 10:00 in New York (EDT, UTC−4), 07:00 in Los Angeles (PDT, UTC−7). */
const NOW = Date.parse('2026-06-10T14:00:00Z');
const MINUTE = 60_000;
const [EAST, WEST] = DEFAULT_LOCATIONS as [LocationProfile, LocationProfile];

type Handled = ReturnType<Allocator['handle']>;

let seq = 0;
const nextKey = () => `k-${++seq}`;

function event(type: OpsEvent['type'], site: string, fields: Record<string, unknown>, now = NOW): OpsEvent {
  return OpsEventSchema.parse({ id: `ev-${++seq}`, type, occurredAt: new Date(now).toISOString(), source: 'wms', site,
    schemaVersion: 1, ...fields });
}

function feed(a: Allocator, type: OpsEvent['type'], site: string, fields: Record<string, unknown>, now = NOW) {
  return a.feed(event(type, site, fields, now), ++seq, now);
}

const receive = (a: Allocator, sku: string, site: string, qty: number) => feed(a, 'stock.received', site, { sku, qty });

function reserve(a: Allocator, body: Record<string, unknown>, now = NOW): Handled {
  return a.handle('reserve', { idempotencyKey: nextKey(), orderId: 'o-1', channel: 'dtc-web', shipToRegion: 'us-ne', ...body }, now);
}

function ok<T>(h: Handled): T {
  if (!h.reply.ok) throw new Error(`expected an answer, got ${h.reply.error.code}: ${h.reply.error.message}`);
  return h.reply.result as T;
}

const errorCode = (h: Handled) => (h.reply.ok ? 'ok' : h.reply.error.code);

/** Everything a refused or rejected request must leave as it was. */
const snapshot = (a: Allocator) => JSON.stringify({ positions: [...a.state.allPositions()], orders: [...a.state.orders.values()],
  holds: [...a.state.holds], idempotency: [...a.state.idempotency.keys()] });

const commitmentOf = (a: Allocator, sku: string, location: string, channel: string) =>
  a.state.position(sku, location)?.commitments[channel as 'dtc-web'] ?? 0;

function allocator(locations: LocationProfile[] = DEFAULT_LOCATIONS): Allocator {
  return new Allocator({ locations });
}

describe('reserve: where the stock comes from', () => {
  test('takes stock from the primary warehouse before the 3PL overflow, even for a west-coast order', () => {
    const a = allocator();
    receive(a, 'A', 'wh-east', 10);
    receive(a, 'A', '3pl-west', 10);
    const r = ok<ReserveResult>(reserve(a, { shipToRegion: 'us-w', lines: [{ sku: 'A', qty: 3 }] }));
    expect(r.status).toBe('reserved');
    expect(r.allocations).toEqual([{ sku: 'A', location: 'wh-east', qty: 3 }]);
    expect(a.state.view('A', 'wh-east')).toMatchObject({ reserved: 3, atp: 7 });
    expect(a.state.view('A', '3pl-west')).toMatchObject({ reserved: 0, atp: 10 });
  });

  test('between two locations of the same kind, takes the one nearest the ship-to region', () => {
    const westPrimary = LocationProfile.parse({ ...WEST, id: 'wh-west', kind: 'primary' });
    const a = allocator([EAST, westPrimary]);
    receive(a, 'A', 'wh-east', 10);
    receive(a, 'A', 'wh-west', 10);
    const toWest = ok<ReserveResult>(reserve(a, { orderId: 'o-w', shipToRegion: 'us-nw', lines: [{ sku: 'A', qty: 1 }] }));
    expect(toWest.allocations).toEqual([{ sku: 'A', location: 'wh-west', qty: 1 }]);
    const toEast = ok<ReserveResult>(reserve(a, { orderId: 'o-e', shipToRegion: 'us-se', lines: [{ sku: 'A', qty: 1 }] }));
    expect(toEast.allocations).toEqual([{ sku: 'A', location: 'wh-east', qty: 1 }]);
  });

  test('ships everything from one location rather than splitting, even when that is the overflow', () => {
    const a = allocator();
    receive(a, 'A', 'wh-east', 10);
    receive(a, 'A', '3pl-west', 10);
    receive(a, 'B', '3pl-west', 10);
    const r = ok<ReserveResult>(reserve(a, { lines: [{ sku: 'A', qty: 2 }, { sku: 'B', qty: 2 }] }));
    expect(r.allocations).toEqual([{ sku: 'A', location: '3pl-west', qty: 2 }, { sku: 'B', location: '3pl-west', qty: 2 }]);
  });

  test('prefers the location that fills more lines whole over the one with more units, so no line is split', () => {
    const a = allocator();
    receive(a, 'A', 'wh-east', 5);
    receive(a, 'B', 'wh-east', 5);
    for (const sku of ['A', 'B']) receive(a, sku, '3pl-west', 4);
    receive(a, 'C', '3pl-west', 5);
    // wh-east fills A and B whole (10 units); 3pl-west fills only C whole (13 units). Whole lines win.
    const r = ok<ReserveResult>(reserve(a, { lines: [{ sku: 'A', qty: 5 }, { sku: 'B', qty: 5 }, { sku: 'C', qty: 5 }] }));
    expect(r.allocations).toEqual([
      { sku: 'A', location: 'wh-east', qty: 5 }, { sku: 'B', location: 'wh-east', qty: 5 }, { sku: 'C', location: '3pl-west', qty: 5 }]);
  });

  test('splits a line across locations only when no location can fill it, taking the larger share first', () => {
    const a = allocator();
    receive(a, 'A', 'wh-east', 3);
    receive(a, 'A', '3pl-west', 4);
    const r = ok<ReserveResult>(reserve(a, { lines: [{ sku: 'A', qty: 6 }] }));
    expect(r.status).toBe('reserved');
    expect(r.allocations).toEqual([{ sku: 'A', location: '3pl-west', qty: 4 }, { sku: 'A', location: 'wh-east', qty: 2 }]);
  });

  test('prefers the location holding the channel\'s commitment, and the reservation consumes it', () => {
    const a = allocator();
    receive(a, 'A', 'wh-east', 10);
    receive(a, 'A', '3pl-west', 10);
    ok(a.handle('commitment', { idempotencyKey: nextKey(), sku: 'A', location: '3pl-west', channel: 'marketplace-a', qty: 5 }, NOW));
    expect(a.state.view('A', '3pl-west').atp).toBe(5);

    const r = ok<ReserveResult>(reserve(a, { orderId: 'o-mkt', channel: 'marketplace-a', lines: [{ sku: 'A', qty: 3 }] }));
    expect(r.allocations).toEqual([{ sku: 'A', location: '3pl-west', qty: 3 }]);
    expect(commitmentOf(a, 'A', '3pl-west', 'marketplace-a')).toBe(2);
    // 10 on hand − 3 reserved − 2 still committed: the units came out of the commitment, not out of the free 5.
    expect(a.state.view('A', '3pl-west')).toMatchObject({ reserved: 3, channelCommitment: 2, atp: 5 });

    // Another channel has no commitment anywhere, so the primary wins for it.
    const other = ok<ReserveResult>(reserve(a, { orderId: 'o-web', channel: 'dtc-web', lines: [{ sku: 'A', qty: 1 }] }));
    expect(other.allocations).toEqual([{ sku: 'A', location: 'wh-east', qty: 1 }]);
  });

  test('another channel cannot take units committed to a channel', () => {
    const a = allocator();
    receive(a, 'A', '3pl-west', 5);
    ok(a.handle('commitment', { idempotencyKey: nextKey(), sku: 'A', location: '3pl-west', channel: 'marketplace-a', qty: 5 }, NOW));
    const r = ok<ReserveResult>(reserve(a, { channel: 'dtc-web', lines: [{ sku: 'A', qty: 1 }] }));
    expect(r.status).toBe('refused');
    expect(r.shortLines).toEqual([{ sku: 'A', requested: 1, reserved: 0, promisableNow: 0, promisableAt: null }]);
  });

  describe('skips a location whose next cutoff after handling time is after promiseBy', () => {
    // Wednesday 2026-06-10 21:00Z = 17:00 EDT in New York = 14:00 PDT in Los Angeles.
    const at = Date.parse('2026-06-10T21:00:00Z');
    // wh-east: 17:00 + 90 min handling = 18:30 EDT, past the last cutoff (18:00), so Thursday 16:00 EDT = 20:00Z.
    const eastHandoff = Date.parse('2026-06-11T20:00:00Z');
    // 3pl-west: 14:00 + 120 min = 16:00 PDT, next cutoff 16:30 PDT = 23:30Z the same day.
    const westHandoff = Date.parse('2026-06-10T23:30:00Z');

    function stocked(): Allocator {
      const a = allocator();
      receive(a, 'A', 'wh-east', 10);
      receive(a, 'A', '3pl-west', 10);
      return a;
    }
    const promise = (a: Allocator, promiseBy: number) =>
      ok<ReserveResult>(reserve(a, { promiseBy: new Date(promiseBy).toISOString(), lines: [{ sku: 'A', qty: 1 }] }, at));

    test('the handoff instants worked out by hand', () => {
      expect(new CutoffClock(EAST).handoffFor(at)).toBe(eastHandoff);
      expect(new CutoffClock(WEST).handoffFor(at)).toBe(westHandoff);
    });

    test('the primary is skipped when only the overflow meets the promise', () => {
      expect(promise(stocked(), Date.parse('2026-06-11T00:00:00Z')).allocations).toEqual([{ sku: 'A', location: '3pl-west', qty: 1 }]);
    });

    test('a handoff exactly at promiseBy meets it', () => {
      expect(promise(stocked(), westHandoff).allocations).toEqual([{ sku: 'A', location: '3pl-west', qty: 1 }]);
    });

    test('the primary is taken again once promiseBy reaches its handoff', () => {
      expect(promise(stocked(), eastHandoff).allocations).toEqual([{ sku: 'A', location: 'wh-east', qty: 1 }]);
    });

    test('nothing is reserved when no location meets the promise', () => {
      const a = stocked();
      const before = snapshot(a);
      const r = promise(a, westHandoff - MINUTE);
      expect(r.status).toBe('refused');
      expect(r.reason).toBe('no location can meet the promise-by with its next carrier cutoff');
      expect(r.allocations).toEqual([]);
      expect(JSON.parse(snapshot(a)).positions).toEqual(JSON.parse(before).positions);
      // Stock at a location that cannot make the promise is not promisable for this order.
      expect(r.shortLines).toEqual([{ sku: 'A', requested: 1, reserved: 0, promisableNow: 0, promisableAt: null }]);
    });

    test('only the overflow\'s stock counts as promisable when only it meets the promise', () => {
      const a = allocator();
      receive(a, 'A', 'wh-east', 10);
      receive(a, 'A', '3pl-west', 2);
      const r = ok<ReserveResult>(reserve(a, { promiseBy: new Date(westHandoff).toISOString(), lines: [{ sku: 'A', qty: 5 }] }, at));
      expect(r.status).toBe('refused');
      expect(r.shortLines[0]!.promisableNow).toBe(2);
    });
  });
});

describe('reserve: refusals and partial reservations', () => {
  test('reserves nothing when any line is short', () => {
    const a = allocator();
    receive(a, 'A', 'wh-east', 10);
    receive(a, 'B', 'wh-east', 2);
    const h = reserve(a, { lines: [{ sku: 'A', qty: 3 }, { sku: 'B', qty: 5 }] });
    const r = ok<ReserveResult>(h);
    expect(r.status).toBe('refused');
    expect(r.reason).toBe('1 of 2 line(s) short');
    expect(r.allocations).toEqual([]);
    expect(r.shortLines).toEqual([{ sku: 'B', requested: 5, reserved: 0, promisableNow: 2, promisableAt: null }]);
    expect(h.changes.flatMap((c) => c.moves ?? [])).toEqual([]);
    expect(a.state.view('A', 'wh-east')).toMatchObject({ reserved: 0, atp: 10 });
    expect(a.state.orders.size).toBe(0);
  });

  test('a refusal says when a confirmed purchase order covers the line; an unconfirmed one is ignored', () => {
    const a = allocator();
    receive(a, 'B', 'wh-east', 2);
    feed(a, 'purchase_orders.created', 'wh-east', { poId: 'po-1', supplier: 'acme', supplierRegion: 'domestic',
      lines: [{ sku: 'B', qty: 10, unitCost: 4 }], expectedAt: '2026-06-20T12:00:00Z' });
    const unconfirmed = ok<ReserveResult>(reserve(a, { lines: [{ sku: 'B', qty: 5 }] }));
    expect(unconfirmed.shortLines).toEqual([{ sku: 'B', requested: 5, reserved: 0, promisableNow: 2, promisableAt: null }]);

    feed(a, 'purchase_orders.confirmed', 'wh-east', { poId: 'po-1', supplier: 'acme', confirmedExpectedAt: '2026-06-18T15:00:00Z' });
    const confirmed = ok<ReserveResult>(reserve(a, { lines: [{ sku: 'B', qty: 5 }] }));
    expect(confirmed.status).toBe('refused');
    // 2 can be promised now; the 3 missing arrive with the PO at its confirmed date.
    expect(confirmed.shortLines).toEqual([
      { sku: 'B', requested: 5, reserved: 0, promisableNow: 2, promisableAt: '2026-06-18T15:00:00.000Z' }]);
  });

  test('with allowPartial, reserves what there is and reports the rest', () => {
    const a = allocator();
    receive(a, 'A', 'wh-east', 3);
    receive(a, 'B', 'wh-east', 10);
    const r = ok<ReserveResult>(reserve(a, { allowPartial: true, lines: [{ sku: 'A', qty: 5 }, { sku: 'B', qty: 4 }] }));
    expect(r.status).toBe('partial');
    expect(r.allocations).toEqual([{ sku: 'B', location: 'wh-east', qty: 4 }, { sku: 'A', location: 'wh-east', qty: 3 }]);
    expect(r.shortLines).toEqual([{ sku: 'A', requested: 5, reserved: 3, promisableNow: 3, promisableAt: null }]);
    expect(a.state.view('A', 'wh-east')).toMatchObject({ reserved: 3, atp: 0 });
    expect(a.state.orders.get('o-1')?.status).toBe('reserved');
  });

  test('refuses a second reservation for an order that already holds one', () => {
    const a = allocator();
    receive(a, 'A', 'wh-east', 10);
    ok(reserve(a, { lines: [{ sku: 'A', qty: 1 }] }));
    expect(errorCode(reserve(a, { lines: [{ sku: 'A', qty: 2 }] }))).toBe('invalid_state');
    expect(a.state.view('A', 'wh-east').reserved).toBe(1);
  });
});

describe('holds and order transitions', () => {
  function held(holdSeconds: number): Allocator {
    const a = allocator();
    receive(a, 'A', 'wh-east', 10);
    const r = ok<ReserveResult>(reserve(a, { holdSeconds, lines: [{ sku: 'A', qty: 4 }] }));
    expect(r.status).toBe('held');
    expect(r.expiresAt).toBe(new Date(NOW + holdSeconds * 1000).toISOString());
    return a;
  }

  test('a hold confirmed before it lapses becomes a reservation that no longer expires', () => {
    const a = held(600);
    const confirmed = ok<OrderResult>(a.handle('confirm', { idempotencyKey: nextKey(), orderId: 'o-1' }, NOW + 300_000));
    expect(confirmed).toMatchObject({ status: 'reserved', allocations: [{ sku: 'A', location: 'wh-east', qty: 4 }] });
    expect(a.sweep(NOW + 3_600_000)).toBeNull();
    expect(a.state.orders.get('o-1')).toMatchObject({ status: 'reserved' });
    expect(a.state.view('A', 'wh-east')).toMatchObject({ reserved: 4, atp: 6 });
  });

  test('a hold lapses exactly at its expiry and gives its units back', () => {
    const a = held(60);
    expect(a.sweep(NOW + 59_999)).toBeNull();
    expect(a.state.view('A', 'wh-east').reserved).toBe(4);
    const expired = a.sweep(NOW + 60_000);
    expect(expired?.moves).toEqual([{ sku: 'A', location: 'wh-east', reason: 'hold_expired', reference: 'o-1',
      movements: [{ state: 'reserved', delta: -4, channel: 'dtc-web' }] }]);
    expect(a.state.orders.get('o-1')?.status).toBe('expired');
    expect(a.state.view('A', 'wh-east')).toMatchObject({ reserved: 0, atp: 10 });
  });

  test('commit after the hold expired gives invalid_state, and the handler books the expiry', () => {
    const a = held(60);
    const h = a.handle('commit', { idempotencyKey: nextKey(), orderId: 'o-1' }, NOW + 61_000);
    expect(errorCode(h)).toBe('invalid_state');
    expect(h.changes.flatMap((c) => c.orders ?? []).map((o) => o.status)).toEqual(['expired']);
    expect(a.state.view('A', 'wh-east')).toMatchObject({ onHand: 10, reserved: 0 });
    expect(errorCode(a.handle('confirm', { idempotencyKey: nextKey(), orderId: 'o-1' }, NOW + 62_000))).toBe('invalid_state');
  });

  test('commit lowers on hand by what was reserved, once', () => {
    const a = allocator();
    receive(a, 'A', 'wh-east', 10);
    ok(reserve(a, { lines: [{ sku: 'A', qty: 4 }] }));
    const committed = ok<OrderResult>(a.handle('commit', { idempotencyKey: nextKey(), orderId: 'o-1' }, NOW));
    expect(committed.status).toBe('committed');
    expect(a.state.view('A', 'wh-east')).toMatchObject({ onHand: 6, reserved: 0, atp: 6 });
    const again = a.handle('commit', { idempotencyKey: nextKey(), orderId: 'o-1' }, NOW);
    expect(ok<OrderResult>(again).status).toBe('committed');
    expect(again.changes.flatMap((c) => c.moves ?? [])).toEqual([]);
    expect(a.state.view('A', 'wh-east').onHand).toBe(6);
  });

  test('release gives the units back and restores the channel commitment they came from', () => {
    const a = allocator();
    receive(a, 'A', 'wh-east', 10);
    ok(a.handle('commitment', { idempotencyKey: nextKey(), sku: 'A', location: 'wh-east', channel: 'dtc-web', qty: 5 }, NOW));
    ok(reserve(a, { channel: 'dtc-web', lines: [{ sku: 'A', qty: 3 }] }));
    expect(commitmentOf(a, 'A', 'wh-east', 'dtc-web')).toBe(2);
    const released = ok<OrderResult>(a.handle('release', { idempotencyKey: nextKey(), orderId: 'o-1' }, NOW));
    expect(released.status).toBe('released');
    expect(commitmentOf(a, 'A', 'wh-east', 'dtc-web')).toBe(5);
    expect(a.state.view('A', 'wh-east')).toMatchObject({ reserved: 0, channelCommitment: 5, atp: 5 });
  });

  test('commit, confirm and release of an order never reserved give not_found', () => {
    const a = allocator();
    for (const op of ['commit', 'confirm', 'release'] as const) {
      expect(errorCode(a.handle(op, { idempotencyKey: nextKey(), orderId: 'o-none' }, NOW))).toBe('not_found');
    }
  });
});

describe('idempotency', () => {
  test('a resent request gets the first answer and changes nothing; the key with another body is refused', () => {
    const a = allocator();
    receive(a, 'A', 'wh-east', 10);
    const body = { idempotencyKey: 'k-same', orderId: 'o-1', channel: 'dtc-web', shipToRegion: 'us-ne', lines: [{ sku: 'A', qty: 2 }] };
    const first = a.handle('reserve', body, NOW);
    const before = snapshot(a);
    const again = a.handle('reserve', body, NOW + MINUTE);
    expect(again.reply).toEqual(first.reply);
    expect(again.changes).toEqual([]);
    const other = a.handle('reserve', { ...body, lines: [{ sku: 'A', qty: 3 }] }, NOW + MINUTE);
    expect(errorCode(other)).toBe('idempotency_conflict');
    expect(other.changes).toEqual([]);
    expect(snapshot(a)).toBe(before);
  });

  test('an omitted allowPartial is the same request as allowPartial: false', () => {
    const a = allocator();
    receive(a, 'A', 'wh-east', 10);
    const body = { idempotencyKey: 'k-default', orderId: 'o-1', channel: 'dtc-web', shipToRegion: 'us-ne', lines: [{ sku: 'A', qty: 2 }] };
    const first = a.handle('reserve', body, NOW);
    expect(a.handle('reserve', { ...body, allowPartial: false }, NOW).reply).toEqual(first.reply);
  });
});

describe('bad requests change nothing', () => {
  const line = { sku: 'A', qty: 1 };
  const valid = { idempotencyKey: 'k-bad', orderId: 'o-1', channel: 'dtc-web', shipToRegion: 'us-ne', lines: [line] };
  const { idempotencyKey: _omitted, ...withoutKey } = valid;

  test.each([
    ['a zero quantity', { ...valid, lines: [{ sku: 'A', qty: 0 }] }, 'lines.0.qty'],
    ['a negative quantity', { ...valid, lines: [{ sku: 'A', qty: -2 }] }, 'lines.0.qty'],
    ['the same sku on two lines', { ...valid, lines: [line, { sku: 'A', qty: 2 }] }, 'duplicate sku'],
    ['an unknown extra field', { ...valid, priority: 'express' }, 'priority'],
    ['no idempotency key', withoutKey, 'idempotencyKey'],
  ])('a reserve with %s is a bad_request naming the problem', (_name, body, mention) => {
    const a = allocator();
    receive(a, 'A', 'wh-east', 10);
    const before = snapshot(a);
    const h = a.handle('reserve', body, NOW);
    expect(errorCode(h)).toBe('bad_request');
    if (!h.reply.ok) expect(h.reply.error.message).toContain(mention);
    expect(h.changes).toEqual([]);
    expect(snapshot(a)).toBe(before);
  });

  test('a reserve naming a sku never stocked is unknown_sku and reserves nothing', () => {
    const a = allocator();
    receive(a, 'A', 'wh-east', 10);
    const before = snapshot(a);
    const h = a.handle('reserve', { ...valid, lines: [line, { sku: 'NOPE', qty: 1 }] }, NOW);
    expect(errorCode(h)).toBe('unknown_sku');
    expect(h.changes).toEqual([]);
    expect(snapshot(a)).toBe(before);
  });

  test('an adjustment of zero units is a bad_request', () => {
    const a = allocator();
    receive(a, 'A', 'wh-east', 10);
    const before = snapshot(a);
    const h = a.handle('adjust', { idempotencyKey: nextKey(), sku: 'A', location: 'wh-east', kind: 'adjustment', qty: 0, reference: 'c-1' }, NOW);
    expect(errorCode(h)).toBe('bad_request');
    expect(snapshot(a)).toBe(before);
  });
});

describe('available to promise', () => {
  test('is on hand less reserved, quality hold, damaged, commitments and safety stock; inbound and returns do not count', () => {
    const a = allocator();
    receive(a, 'A', 'wh-east', 100);
    ok(reserve(a, { channel: 'marketplace-a', lines: [{ sku: 'A', qty: 7 }] }));
    feed(a, 'stock.quality_hold_placed', 'wh-east', { holdId: 'qh-1', sku: 'A', qty: 5, reason: 'label check' });
    ok(a.handle('adjust', { idempotencyKey: nextKey(), sku: 'A', location: 'wh-east', kind: 'damage', qty: 3, reference: 'dmg-1' }, NOW));
    feed(a, 'purchase_orders.shipped', 'wh-east', { poId: 'po-9', supplier: 'acme', asnId: 'asn-9', lines: [{ sku: 'A', qty: 20 }],
      expectedAt: '2026-06-12T12:00:00Z' });
    feed(a, 'returns.received', 'wh-east', { rmaId: 'rma-1', lines: [{ sku: 'A', qty: 4 }] });
    ok(a.handle('commitment', { idempotencyKey: nextKey(), sku: 'A', location: 'wh-east', channel: 'dtc-web', qty: 10 }, NOW));
    const set = ok<ChangeResult>(a.handle('safety-stock', { idempotencyKey: nextKey(), sku: 'A', location: 'wh-east', qty: 6 }, NOW));

    const position = { sku: 'A', location: 'wh-east', onHand: 100, reserved: 7, qualityHold: 5, damaged: 3, inTransit: 20,
      pendingInspection: 4, channelCommitment: 10, safetyStock: 6, atp: 100 - 7 - 5 - 3 - 10 - 6 };
    expect(position.atp).toBe(69);
    expect(set.position).toEqual(position);
    const atp = (channel?: string) => ok<AtpResult>(a.handle('atp', { skus: ['A'], locations: ['wh-east'], ...(channel ? { channel } : {}) }, NOW));
    expect(atp().positions).toEqual([position]);
    // dtc-web may also promise the 10 committed to it; marketplace-a may not.
    expect(atp('dtc-web').positions[0]?.atp).toBe(79);
    expect(atp('marketplace-a').positions[0]?.atp).toBe(69);
  });
});

describe('CutoffClock', () => {
  const east = () => new CutoffClock(EAST);

  test('a Saturday before the last cutoff is still in standard time (UTC−5)', () => {
    // Saturday 2026-03-07 12:00 EST → 16:00 EST = 21:00Z.
    expect(east().nextCutoff(Date.parse('2026-03-07T17:00:00Z'))).toBe(Date.parse('2026-03-07T21:00:00Z'));
    // 16:00 EST + 90 min = 17:30 EST, itself a cutoff = 22:30Z.
    expect(east().handoffFor(Date.parse('2026-03-07T21:00:00Z'))).toBe(Date.parse('2026-03-07T22:30:00Z'));
  });

  test('after Saturday\'s last cutoff it skips Sunday (the DST change, 2026-03-08) and lands on Monday in daylight time', () => {
    // Saturday 17:00 EST + 90 min = 18:30 EST, past 18:00; no pickup on Sunday; Monday 16:00 EDT (UTC−4) = 20:00Z,
    // an hour earlier in UTC than the same wall time on Saturday.
    expect(east().handoffFor(Date.parse('2026-03-07T22:00:00Z'))).toBe(Date.parse('2026-03-09T20:00:00Z'));
    // From Sunday 03:30 EDT, just after the clocks went forward.
    expect(east().nextCutoff(Date.parse('2026-03-08T07:30:00Z'))).toBe(Date.parse('2026-03-09T20:00:00Z'));
    // Monday 17:45 EDT → 18:00 EDT = 22:00Z.
    expect(east().nextCutoff(Date.parse('2026-03-09T21:45:00Z'))).toBe(Date.parse('2026-03-09T22:00:00Z'));
  });

  test('the 3PL in Los Angeles changes on the same Sunday: Saturday evening → Monday 15:30 PDT', () => {
    // Saturday 2026-03-07 17:30 PST (UTC−8) is past 17:00 → Monday 15:30 PDT (UTC−7) = 22:30Z.
    expect(new CutoffClock(WEST).nextCutoff(Date.parse('2026-03-08T01:30:00Z'))).toBe(Date.parse('2026-03-09T22:30:00Z'));
  });

  test('and back to standard time on Sunday 2026-11-01: Saturday evening → Monday 16:00 EST', () => {
    // Saturday 2026-10-31 19:00 EDT → Monday 2026-11-02 16:00 EST (UTC−5) = 21:00Z.
    expect(east().nextCutoff(Date.parse('2026-10-31T23:00:00Z'))).toBe(Date.parse('2026-11-02T21:00:00Z'));
  });

  test('a cutoff in the small hours of the change day is read in the offset in force at that wall time', () => {
    const night = LocationProfile.parse({ id: 'night-hub', kind: 'primary', timezone: 'America/New_York', regions: [],
      cutoffs: ['03:00'], pickupDays: [0, 1, 2, 3, 4, 5, 6], handlingMinutes: 0 });
    // Sunday 2026-03-08 01:00 EST; at 02:00 the clocks go to 03:00 EDT, so the 03:00 cutoff is 07:00Z, not 08:00Z.
    expect(new CutoffClock(night).nextCutoff(Date.parse('2026-03-08T06:00:00Z'))).toBe(Date.parse('2026-03-08T07:00:00Z'));
  });

  test('a cutoff at a wall time the change skips (02:30 on 2026-03-08) falls after the gap, not an hour before it', () => {
    const gap = LocationProfile.parse({ id: 'night-hub', kind: 'primary', timezone: 'America/New_York', regions: [],
      cutoffs: ['02:30'], pickupDays: [0, 1, 2, 3, 4, 5, 6], handlingMinutes: 0 });
    // 02:30 does not exist that night (02:00 EST → 03:00 EDT): read it as 02:30 EST = 03:30 EDT = 07:30Z, as
    // Temporal's 'compatible' disambiguation does. Asked at 01:00 EST (06:00Z), the cutoff is still ahead.
    expect(new CutoffClock(gap).nextCutoff(Date.parse('2026-03-08T06:00:00Z'))).toBe(Date.parse('2026-03-08T07:30:00Z'));
    // A 03:15 cutoff the same night (07:15Z) now comes first, although it is later on the wall.
    const both = LocationProfile.parse({ ...gap, cutoffs: ['02:30', '03:15'] });
    expect(new CutoffClock(both).nextCutoff(Date.parse('2026-03-08T06:00:00Z'))).toBe(Date.parse('2026-03-08T07:15:00Z'));
  });

  test('a clock asked again for an earlier instant answers for that instant, not from its cache', () => {
    const clock = east();
    expect(clock.nextCutoff(Date.parse('2026-03-07T22:00:00Z'))).toBe(Date.parse('2026-03-07T22:30:00Z'));
    expect(clock.nextCutoff(Date.parse('2026-03-07T17:00:00Z'))).toBe(Date.parse('2026-03-07T21:00:00Z'));
    expect(clock.nextCutoff(Date.parse('2026-03-07T22:10:00Z'))).toBe(Date.parse('2026-03-07T22:30:00Z'));
  });
});
