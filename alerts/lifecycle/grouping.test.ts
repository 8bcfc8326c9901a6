import { describe, expect, test } from 'vitest';
import { Driver, inst, kinds, makeRule, t } from './fixtures.ts';

const rule = makeRule({ groupWindowSeconds: 60, repeat: { firstSeconds: 600, backoff: 2, maxSeconds: 3600 } });
const sku = (n: number, site = 'wh-east') => inst(0.8, { sku: `SKU-${n}`, site });
const partial = { complete: false };

describe('grouping', () => {
  test('the first alert of a group goes out at once; the rest of the window is batched into one notice', () => {
    const d = new Driver([rule]);
    const first = d.eval(t(0), [sku(1)], partial);
    expect(kinds(first)).toEqual(['firing']);
    expect(first.notices[0].group).toBeUndefined();
    expect(d.eval(t(0.25), [sku(2), sku(3)], partial).notices).toHaveLength(0);
    expect(kinds(d.eval(t(0.5), [sku(9, 'wh-west')], partial))).toEqual(['firing']); // another group
    expect(d.tick(t(0.9)).notices).toHaveLength(0);
    const batch = d.tick(t(1));
    expect(kinds(batch)).toEqual(['firing']);
    const n = batch.notices[0];
    expect(n.alert.labels.sku).toBe('SKU-2');
    expect(n.group).toMatchObject({ key: 'stockout|wh-east', size: 2 });
    expect(n.group!.members.map((m) => [m.labels.sku, m.notices])).toEqual([['SKU-2', 1], ['SKU-3', 1]]);
    expect(d.book.alerts().map((a) => a.notices)).toEqual([1, 1, 1, 1]);
    // The batch counts as the group's notice: a newcomer waits a window from it.
    expect(d.eval(t(1.5), [sku(4)], partial).notices).toHaveLength(0);
    expect(d.tick(t(2)).notices.map((x) => x.group?.size)).toEqual([1]);
    // Members repeat from the batch time, each on its own.
    expect(d.tick(t(10.9)).notices.map((x) => x.alert.labels.sku)).toEqual(['SKU-1', 'SKU-9']);
    expect(d.tick(t(11)).notices.map((x) => x.alert.labels.sku)).toEqual(['SKU-2', 'SKU-3']);
  });

  test('a held alert that resolves before the window closes leaves the batch (its resolve is still sent)', () => {
    const d = new Driver([rule]);
    d.eval(t(0), [sku(1)], partial);
    d.eval(t(0.2), [sku(2), sku(3)], partial);
    expect(kinds(d.eval(t(0.4), [inst(0.1, { sku: 'SKU-3' })], partial))).toEqual(['resolved']);
    const batch = d.tick(t(1));
    expect(batch.notices).toHaveLength(1);
    expect(batch.notices[0].group).toMatchObject({ size: 1 });
  });

  test('a batch lists at most 100 members and counts them all', () => {
    const d = new Driver([rule]);
    d.eval(t(0), [sku(0)], partial);
    d.eval(t(0.5), Array.from({ length: 150 }, (_, i) => sku(i + 1)), partial);
    const batch = d.tick(t(1));
    expect(batch.notices).toHaveLength(1);
    expect(batch.notices[0].group!.size).toBe(150);
    expect(batch.notices[0].group!.members).toHaveLength(100);
    expect(d.book.alerts().every((a) => a.notices === 1)).toBe(true);
  });
});
