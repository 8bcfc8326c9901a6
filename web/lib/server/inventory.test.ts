import { describe, expect, test } from 'vitest';
import { InventoryPositionsQuery, InventorySkuQuery, type InventoryPositionRow } from '$contracts/api/inventory.ts';
import { rankPositions, scopedLocations } from './inventory.ts';

const pos = (location: string, sku: string, atp: number, extra: Partial<InventoryPositionRow> = {}): InventoryPositionRow => ({
  sku, location, onHand: Math.max(atp, 0) + 10, reserved: 10, qualityHold: 0, damaged: 0, inTransit: 0, pendingInspection: 0,
  channelCommitment: 0, safetyStock: 0, atp, logSeq: 1, ...extra,
});

// As getInventoryPositions returns them: by location, then SKU.
const ROWS = [
  pos('3pl-west', 'SKU-001', 40), pos('3pl-west', 'SKU-002', -3), pos('3pl-west', 'TOY-9', 0),
  pos('wh-east', 'SKU-001', 5), pos('wh-east', 'SKU-002', -3), pos('wh-east', 'SKU-010', 120),
];
const key = (ps: { location: string; sku: string }[]) => ps.map((p) => `${p.location}/${p.sku}`);

describe('rankPositions', () => {
  test('puts the lowest available-to-promise first, ties by location then SKU', () => {
    const r = rankPositions(ROWS, { q: '', limit: 100 });
    expect(key(r.positions)).toEqual([
      '3pl-west/SKU-002', 'wh-east/SKU-002', '3pl-west/TOY-9', 'wh-east/SKU-001', '3pl-west/SKU-001', 'wh-east/SKU-010',
    ]);
    expect(r.matched).toBe(6);
    expect(r.negativeAtp).toBe(2);
    expect(r.locations).toEqual(['3pl-west', 'wh-east']);
  });

  test('cuts to the limit after ordering, and counts everything that matched', () => {
    const r = rankPositions(ROWS, { q: '', limit: 2 });
    expect(key(r.positions)).toEqual(['3pl-west/SKU-002', 'wh-east/SKU-002']);
    expect(r.matched).toBe(6);
    expect(r.negativeAtp).toBe(2);
  });

  test('searches a part of the SKU, ignoring case; locations still list the whole scan', () => {
    const r = rankPositions(ROWS, { q: 'sku-00', limit: 100 });
    expect(key(r.positions)).toEqual(['3pl-west/SKU-002', 'wh-east/SKU-002', 'wh-east/SKU-001', '3pl-west/SKU-001']);
    expect(r.matched).toBe(4);
    expect(rankPositions(ROWS, { q: 'nothing-like-it', limit: 100 })).toMatchObject({ positions: [], matched: 0, negativeAtp: 0 });
    expect(rankPositions(ROWS, { q: 'nothing-like-it', limit: 100 }).locations).toEqual(['3pl-west', 'wh-east']);
  });

  test('leaves its input alone and returns only the contract fields', () => {
    const rows = [pos('wh-east', 'B', 9), { ...pos('wh-east', 'A', 1), lastMovedAt: 123 } as InventoryPositionRow];
    const r = rankPositions(rows, { q: '', limit: 10 });
    expect(key(rows)).toEqual(['wh-east/B', 'wh-east/A']);
    expect(r.positions[0]).toEqual(pos('wh-east', 'A', 1));
  });
});

describe('scopedLocations', () => {
  test('all sites: what was asked (or no filter); some sites: what was asked within them, else all of them', () => {
    expect(scopedLocations({ sites: ['*'] }, undefined)).toBeNull();
    expect(scopedLocations({ sites: ['*'] }, ['a'])).toEqual(['a']);
    expect(scopedLocations({ sites: ['a', 'b'] }, undefined)).toEqual(['a', 'b']);
    expect(scopedLocations({ sites: ['a', 'b'] }, ['b', 'c'])).toEqual(['b']);
    expect(scopedLocations({ sites: ['a'] }, ['c'])).toEqual([]);
  });
});

describe('inventory API queries', () => {
  test('positions: comma lists, a trimmed search, a bounded limit', () => {
    expect(InventoryPositionsQuery.parse({})).toEqual({ sku: [], location: [], q: '', limit: 200 });
    expect(InventoryPositionsQuery.parse({ sku: 'A, B,,', location: 'wh-east', q: '  sku-1 ', limit: '5' }))
      .toEqual({ sku: ['A', 'B'], location: ['wh-east'], q: 'sku-1', limit: 5 });
    expect(InventoryPositionsQuery.safeParse({ limit: '0' }).success).toBe(false);
    expect(InventoryPositionsQuery.safeParse({ limit: '1001' }).success).toBe(false);
    expect(InventoryPositionsQuery.safeParse({ sku: 'has space' }).success).toBe(false);
    expect(InventoryPositionsQuery.safeParse({ location: Array.from({ length: 101 }, (_, i) => `l${i}`).join(',') }).success).toBe(false);
  });

  test('sku: both ids required, a window of 1–180 days (30 by default)', () => {
    expect(InventorySkuQuery.parse({ sku: 'A', location: 'wh-east' })).toEqual({ sku: 'A', location: 'wh-east', days: 30, movements: 50 });
    expect(InventorySkuQuery.safeParse({ sku: 'A' }).success).toBe(false);
    expect(InventorySkuQuery.safeParse({ sku: 'A', location: 'wh-east', days: '181' }).success).toBe(false);
    expect(InventorySkuQuery.safeParse({ sku: 'A', location: 'wh-east', days: 'x' }).success).toBe(false);
  });
});
