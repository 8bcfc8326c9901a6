import { expect, test } from 'vitest';
import { buildStockoutInputs } from './inputs.ts';

const NOW = Date.parse('2026-03-10T06:00:00Z');
const DAY = 86_400_000;

test('positions, open PO lines, lead times and forecasts become stockout inputs', () => {
  const demand = { mean: [1, 1], sd: [1, 1] };
  const { inputs, missingForecast } = buildStockoutInputs({
    positions: [{ sku: 'A', location: 'wh-east', atp: 12 }, { sku: 'B', location: 'wh-east', atp: 3 }, { sku: 'A', location: 'wh-west', atp: 0 }],
    forecasts: new Map([['A@wh-east', demand], ['A@wh-west', demand]]),
    inbound: [
      { site: 'wh-east', sku: 'A', poId: 'PO-1', openQty: 40, expectedAt: NOW + 2.5 * DAY, confirmed: true },
      { site: 'wh-east', sku: 'A', poId: 'PO-0', openQty: 5, expectedAt: NOW - 3 * DAY, confirmed: true }, // overdue
      { site: 'wh-east', sku: 'A', poId: 'PO-2', openQty: 99, expectedAt: NOW + 9 * DAY, confirmed: false },
    ],
    leadTime: (site) => (site === 'wh-east' ? { meanDays: 7, sdDays: 2 } : { meanDays: 30, sdDays: 6 }),
    now: NOW,
    orderMultiple: (sku) => (sku === 'A' ? 6 : undefined),
  });
  expect(missingForecast).toEqual(['B@wh-east']);
  expect(inputs).toEqual([
    { sku: 'A', location: 'wh-east', demand, atp: 12, leadTime: { meanDays: 7, sdDays: 2 }, orderMultiple: 6,
      inbound: [{ qty: 40, inDays: 2.5, reference: 'PO-1' }, { qty: 5, inDays: 1, reference: 'PO-0' }] },
    { sku: 'A', location: 'wh-west', demand, atp: 0, leadTime: { meanDays: 30, sdDays: 6 }, orderMultiple: 6, inbound: [] },
  ]);
});
