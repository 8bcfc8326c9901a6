import { describe, expect, test } from 'vitest';
import { rateSeries } from './ingest-overview.ts';

// 12:00:07 UTC: the bucket 12:00:05 is still filling, so the newest complete bucket starts at 12:00:00.
const NOW = Date.UTC(2026, 0, 1, 12, 0, 7);
const T = (hh: number, mm: number, ss: number) => Date.UTC(2026, 0, 1, hh, mm, ss) / 1000;

describe('rateSeries', () => {
  test('lays every family on the same gap-free grid of complete buckets', () => {
    const r = rateSeries({
      stepSeconds: 5,
      buckets: [
        { t: T(12, 0, 0), family: 'orders', events: 50 },
        { t: T(11, 59, 50), family: 'stock', events: 5 },
        { t: T(12, 0, 0), family: 'rejected', events: 2 },
      ],
      sources: [],
    }, 1, NOW);
    expect(r.buckets).toHaveLength(12); // 11:59:05 … 12:00:00
    expect(r.buckets[0]).toBe(T(11, 59, 5) * 1000);
    expect(r.buckets.at(-1)).toBe(T(12, 0, 0) * 1000);
    expect(r.byFamily.map((s) => s.family)).toEqual(['orders', 'stock', 'rejected']);
    for (const s of r.byFamily) expect(s.perSecond).toHaveLength(12);
    expect(r.byFamily[0]!.perSecond.at(-1)).toBe(10);
    expect(r.byFamily[1]!.perSecond.at(-3)).toBe(1);
    expect(r.nowPerSecond).toBe(10); // rejected is not a valid event
    expect(r.rejectedPerSecond).toBe(0.4);
  });

  test('drops buckets outside the window and families it does not know', () => {
    const r = rateSeries({
      stepSeconds: 5,
      buckets: [
        { t: T(12, 0, 5), family: 'orders', events: 99 }, // still filling
        { t: T(11, 50, 0), family: 'orders', events: 99 }, // before the window
        { t: T(12, 0, 0), family: 'mystery', events: 99 },
      ],
      sources: [],
    }, 1, NOW);
    expect(r.byFamily).toEqual([]);
    expect(r.nowPerSecond).toBe(0);
  });

  test('ranks sources by their rate over the last minute', () => {
    const r = rateSeries({ stepSeconds: 5, buckets: [], sources: [
      { source: 'wms', events: 600, lastMinute: 60 },
      { source: 'dtc-web', events: 100, lastMinute: 120 },
    ] }, 10, NOW);
    expect(r.bySource).toEqual([
      { source: 'dtc-web', perSecond: 2, events: 100 },
      { source: 'wms', perSecond: 1, events: 600 },
    ]);
  });
});
