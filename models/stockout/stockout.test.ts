import { describe, expect, test } from 'vitest';
import { explainStockout, scoreStockout, type StockoutInput } from './stockout.ts';

const PHI1 = 0.8413447461; // Φ(1)
const PHI3 = 0.998650102; // Φ(3)
const Z95 = 1.644853627;

const flat = (n: number, mean: number, sd: number) => ({ mean: Array(n).fill(mean), sd: Array(n).fill(sd) });
const input = (o: Partial<StockoutInput> = {}): StockoutInput => ({
  sku: 'A', location: 'wh-east', demand: flat(14, 10, 10), atp: 20, leadTime: { meanDays: 3, sdDays: 0 }, ...o,
});
const one = (o: Partial<StockoutInput>, opts = {}) => scoreStockout([input(o)], opts)[0]!;

describe('probability of stocking out before the next replenishment', () => {
  test('deterministic lead time: one gamma tail (3 days of μ 10, σ² 150: shape 2, scale 15)', () => {
    const s = one({ demand: flat(14, 10, Math.sqrt(150)), atp: 40 });
    // P(C(3) > 40.5) = e^(−2.7)·(1 + 2.7)
    expect(s.probability).toBeCloseTo(Math.exp(-2.7) * 3.7, 9);
    expect(s.replenishment).toEqual({ kind: 'new_order', inDays: 3, sdDays: 0 });
  });

  test('uncertain lead time: the mixture over lead-time days, by hand', () => {
    // ρ = 1 and σ = μ make every C(t) exponential with mean 10t: P(C(t) > 20.5) = e^(−20.5 / 10t).
    const s = one({ atp: 20, leadTime: { meanDays: 1.5, sdDays: 0.5 } }, { errorCorrelation: 1 });
    const weights = [1 - PHI3, (1 - PHI1) - (1 - PHI3), PHI1 - (1 - PHI1), PHI3 - PHI1, 1 - PHI3]; // T = 0 … 4 (±5σ)
    const tail = [0, Math.exp(-2.05), Math.exp(-20.5 / 20), Math.exp(-20.5 / 30), Math.exp(-20.5 / 40)];
    expect(s.probability).toBeCloseTo(weights.reduce((p, w, t) => p + w * tail[t]!, 0), 6);
  });

  test('the earliest confirmed inbound is the next replenishment, with its own spread', () => {
    const s = one({
      atp: 20, leadTime: { meanDays: 30, sdDays: 5 },
      inbound: [{ qty: 50, inDays: 6, reference: 'PO-2' }, { qty: 0, inDays: 1 }, { qty: 50, inDays: 2, sdDays: 0, reference: 'PO-1' }],
    }, { errorCorrelation: 1 });
    expect(s.probability).toBeCloseTo(Math.exp(-20.5 / 20), 9); // two days of demand before PO-1
    expect(s.replenishment).toEqual({ kind: 'inbound', inDays: 2, sdDays: 0, reference: 'PO-1' });
    expect(s.inventoryPosition).toBe(120);
  });

  test('agrees with a Monte Carlo of the same assumptions (exponential days, normal lead time)', () => {
    // Exponential daily demand of mean 10 sums to an exact gamma: the only approximation left is the mixture.
    const s = one({ atp: 45, leadTime: { meanDays: 4, sdDays: 1.5 } });
    let state = 12345;
    const uniform = () => { // mulberry32
      state = (state + 0x6d2b79f5) | 0;
      let r = Math.imul(state ^ (state >>> 15), 1 | state);
      r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
      return (((r ^ (r >>> 14)) >>> 0) + 0.5) / 4294967296;
    };
    const n = 200_000;
    let outs = 0;
    for (let i = 0; i < n; i++) {
      const x = 4 + 1.5 * Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
      let c = 0;
      for (let t = 0; t < Math.max(0, Math.ceil(x)); t++) c -= 10 * Math.log(uniform());
      if (c > 45.5) outs++;
    }
    const p = outs / n;
    expect(Math.abs(s.probability - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
  });

  test('oversold is certain, no demand is no risk', () => {
    expect(one({ atp: -3 })).toMatchObject({ probability: 1, stockoutDay: 0, daysOfCover: 0 });
    const none = one({ demand: flat(14, 0, 0), atp: 5, leadTime: { meanDays: 3, sdDays: 1 } });
    expect(none).toMatchObject({ probability: 0, stockoutDay: null, daysOfCover: Infinity, safetyStock: 0, reorderQty: 0 });
  });
});

describe('projected stockout, days of cover, reorder', () => {
  test('the stockout day is where P50 cumulative demand crosses ATP plus the inbound landed by then', () => {
    const demand = flat(7, 10, 1);
    expect(one({ demand, atp: 25 }, { today: '2026-03-10' })).toMatchObject({ stockoutDay: 2, stockoutDate: '2026-03-12' });
    // 30 more from day 2 on: 55 lasts until cumulative demand passes it on day 5 (60 by its end).
    expect(one({ demand, atp: 25, inbound: [{ qty: 30, inDays: 2 }] }).stockoutDay).toBe(5);
    // Landing in the middle of day 2 serves from day 3: too late for day 2.
    expect(one({ demand, atp: 25, inbound: [{ qty: 30, inDays: 2.5 }] }).stockoutDay).toBe(2);
    expect(one({ demand, atp: 1000 })).toMatchObject({ stockoutDay: null, stockoutDate: null });
  });

  test('days of cover interpolate within the day and continue past the horizon at the last week\'s rate', () => {
    expect(one({ demand: flat(14, 10, 3), atp: 25 }).daysOfCover).toBeCloseTo(2.5, 12);
    expect(one({ demand: flat(3, 10, 3), atp: 45 }).daysOfCover).toBeCloseTo(4.5, 12);
    expect(one({ demand: { mean: [10, 20, 0, 5], sd: [0, 0, 0, 0] }, atp: 32 }).daysOfCover).toBeCloseTo(3.4, 12);
  });

  test('order-up-to with safety stock from demand and lead-time variability, by hand', () => {
    // d 10, σd 5, L 4 ± 1, R 1: SS = z·√(5·25 + 10²·1²) = 15z; S = 50 + 15z; position 30 + 10.
    const s = one({ demand: flat(14, 10, 5), atp: 30, inbound: [{ qty: 10, inDays: 1 }], leadTime: { meanDays: 4, sdDays: 1 } });
    expect(s.safetyStock).toBeCloseTo(15 * Z95, 7);
    expect(s.orderUpTo).toBeCloseTo(50 + 15 * Z95, 7);
    expect(s.inventoryPosition).toBe(40);
    expect(s.reorderQty).toBe(35); // ⌈34.67⌉
    expect(one({ demand: flat(14, 10, 5), atp: 30, inbound: [{ qty: 10, inDays: 1 }], leadTime: { meanDays: 4, sdDays: 1 }, orderMultiple: 12 })
      .reorderQty).toBe(36);
    expect(one({ demand: flat(14, 10, 5), atp: 500, leadTime: { meanDays: 4, sdDays: 1 } }).reorderQty).toBe(0);
    // 99% service and a 2.5-day protection interval (L 1.5 + R 1): fractional days are pro rata.
    const f = one({ demand: flat(14, 10, 5), atp: 0, leadTime: { meanDays: 1.5, sdDays: 0 } }, { serviceLevel: 0.99 });
    expect(f.orderUpTo).toBeCloseTo(25 + 2.326347874 * Math.sqrt(2.5 * 25), 6);
  });

  test('P10/P50/P90 become a mean by Swanson\'s rule and a spread from the P10–P90 span', () => {
    const q = { p10: Array(5).fill(4), p50: Array(5).fill(10), p90: Array(5).fill(20) };
    // mean 0.3·4 + 0.4·10 + 0.3·20 = 11.2; σ = 16 / 2.5631 per day.
    const s = one({ demand: q, atp: 28, leadTime: { meanDays: 1, sdDays: 0 } });
    expect(s.daysOfCover).toBeCloseTo(2 + (28 - 22.4) / 11.2, 10);
    expect(s.safetyStock).toBeCloseTo(Z95 * Math.sqrt(2) * (16 / 2.5631031311), 6);
    // The forecaster's own mean wins over the rule.
    expect(one({ demand: { ...q, mean: Array(5).fill(7) }, atp: 28 }).daysOfCover).toBeCloseTo(4, 10);
  });

  test('scores keep input order, are deterministic, and explain themselves', () => {
    const inputs = [input({ sku: 'B', atp: 5 }), input({ sku: 'A', atp: 500 })];
    const a = scoreStockout(inputs, { today: '2026-03-10' });
    expect(a.map((s) => s.sku)).toEqual(['B', 'A']);
    expect(scoreStockout(inputs, { today: '2026-03-10' })).toEqual(a);
    const s = one({ atp: 20, inbound: [{ qty: 50, inDays: 2, sdDays: 0, reference: 'PO-881' }], orderMultiple: 1 }, { today: '2026-03-10' });
    expect(explainStockout(s)).toBe(`A at wh-east: ${Math.round(s.probability * 100)}% chance to stock out before PO-881 lands (in 2.0 days); `
      + `projected stockout 2026-03-17; 2.0 days of cover; reorder ${s.reorderQty} (up to ${Math.round(s.orderUpTo)}).`);
    expect(explainStockout(one({ demand: flat(14, 0, 0), atp: 5 }))).toBe(
      'A at wh-east: 0% chance to stock out before a new order placed today would land (lead time 3.0 ± 0.0 days); '
      + 'no stockout projected within the forecast; no demand forecast; no reorder needed.');
    expect(() => one({ demand: { mean: [], sd: [] } })).toThrow(RangeError);
    expect(() => one({ leadTime: { meanDays: NaN, sdDays: 1 } })).toThrow(RangeError);
  });
});
