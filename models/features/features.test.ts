import { describe, expect, test } from 'vitest';
import type { SupplierLeadTime } from '../../clickhouse/queries/getSupplierLeadTimes.ts';
import { toDemandSeries } from './demand-series.ts';
import { staffAt, staffByHour } from './labor.ts';
import { leadTimeLookup } from './lead-times.ts';

describe('demand series', () => {
  const row = (day: string, sku: string, channel: string, units: number, site = 'wh-east') => ({ day, site, sku, channel, units, orders: 1 });

  test('dense days with zeros, summed over channels, promotion share weighted by the series\' channel mix', () => {
    const series = toDemandSeries({
      from: '2026-03-01', to: '2026-03-05',
      rows: [row('2026-03-01', 'A', 'dtc-web', 3), row('2026-03-01', 'A', 'marketplace-a', 1), row('2026-03-03', 'A', 'dtc-web', 4),
        row('2026-03-02', 'B', 'marketplace-a', 2), row('2026-03-05', 'B', 'dtc-web', 9) /* outside */, row('2026-03-04', 'A', 'dtc-web', 2, 'wh-west')],
      promotions: [{ day: '2026-03-03', channel: 'dtc-web', lines: 10, discountedLines: 8, promoHours: 12 },
        { day: '2026-03-04', channel: 'marketplace-a', lines: 5, discountedLines: 5, promoHours: 24 }],
    });
    expect(series).toEqual([
      // A@wh-east: 7 of 8 units on dtc-web, 1 on marketplace-a.
      { id: 'A@wh-east', start: '2026-03-01', grain: 'day', values: [4, 0, 4, 0], promo: [0, 0, (7 / 8) * 0.5, 1 / 8] },
      { id: 'A@wh-west', start: '2026-03-01', grain: 'day', values: [0, 0, 0, 2], promo: [0, 0, 0.5, 0] }, // dtc-web only
      { id: 'B@wh-east', start: '2026-03-01', grain: 'day', values: [0, 2, 0, 0], promo: [0, 0, 0, 1] },
    ]);
    const web = toDemandSeries({ from: '2026-03-01', to: '2026-03-02', rows: [row('2026-03-01', 'A', 'dtc-web', 3), row('2026-03-01', 'A', 'marketplace-a', 1)],
      channels: ['marketplace-a'] });
    expect(web.map((s) => s.values)).toEqual([[1]]);
    expect(() => toDemandSeries({ from: '2026-03-02', to: '2026-03-02', rows: [] })).toThrow(RangeError);
  });
});

describe('lead times', () => {
  const stat = (supplier: string, sku: string, n: number, meanDays: number | null, sdDays: number | null): SupplierLeadTime =>
    ({ supplier, site: 'wh-east', sku, n, pending: 0, meanDays, sdDays, minDays: null, maxDays: null, meanLateDays: null });
  const lookup = leadTimeLookup([
    stat('S1', '', 12, 6, 1.5), stat('S1', 'A', 5, 7, 2), stat('S1', 'B', 1, 9, null), stat('S2', '', 2, 30, 4), stat('S2', 'C', 2, 31, 5),
    stat('S9', 'A', 1, 50, null), // A came once from another supplier: S1 (5 lines) is its supplier
  ], { fallback: { meanDays: 14, sdDays: 4 } });

  test('the sku\'s own history, else its supplier\'s, else the default', () => {
    expect(lookup('wh-east', 'A')).toEqual({ meanDays: 7, sdDays: 2, source: 'sku', supplier: 'S1', n: 5 });
    expect(lookup('wh-east', 'B')).toEqual({ meanDays: 6, sdDays: 1.5, source: 'supplier', supplier: 'S1', n: 12 });
    expect(lookup('wh-east', 'C')).toEqual({ meanDays: 14, sdDays: 4, source: 'default', supplier: 'S2', n: 0 }); // S2: 2 POs only
    expect(lookup('wh-west', 'A')).toEqual({ meanDays: 14, sdDays: 4, source: 'default', supplier: '', n: 0 });
  });
});

describe('labor', () => {
  const H = 3_600_000;
  const t0 = Date.parse('2026-03-02T00:00:00Z');
  const shifts = [
    { site: 'wh-east', shiftId: 'day', startsAt: t0 + 6.5 * H, endsAt: t0 + 9 * H, pickers: 10, packers: 4, publishedAt: 0 },
    { site: 'wh-east', shiftId: 'late', startsAt: t0 + 8 * H, endsAt: t0 + 9.25 * H, pickers: 2, packers: 2, publishedAt: 0 },
  ];

  test('staff at an instant, shift ends exclusive', () => {
    expect(staffAt(shifts, 'wh-east', t0 + 8.5 * H)).toEqual({ pickers: 12, packers: 6 });
    expect(staffAt(shifts, 'wh-east', t0 + 9 * H)).toEqual({ pickers: 2, packers: 2 });
    expect(staffAt(shifts, 'wh-west', t0 + 8.5 * H)).toEqual({ pickers: 0, packers: 0 });
  });

  test('picker- and packer-hours per hour, partial hours pro rata', () => {
    const hours = staffByHour(shifts, { from: t0 + 6 * H, to: t0 + 10 * H });
    expect(hours.map((h) => [(h.hour - t0) / H, h.pickerHours, h.packerHours])).toEqual([
      [6, 5, 2], [7, 10, 4], [8, 12, 6], [9, 0.5, 0.5],
    ]);
  });
});
