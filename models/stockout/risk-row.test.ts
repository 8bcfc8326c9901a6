import { expect, test } from 'vitest';
import { RiskScoreSchema } from '../../contracts/index.ts';
import { stockoutRiskRows } from './risk-row.ts';
import { explainStockout, scoreStockout } from './stockout.ts';

test('a stockout score becomes a risk row that satisfies the risk contract', () => {
  const [score] = scoreStockout([{
    sku: 'SKU-00042', location: 'wh-east', demand: { mean: Array(14).fill(10), sd: Array(14).fill(4) }, atp: 35,
    inbound: [{ qty: 200, inDays: 5, sdDays: 1, reference: 'PO-881' }], leadTime: { meanDays: 10, sdDays: 3 },
  }], { today: '2026-03-10' });
  const [row] = stockoutRiskRows([score!], { model: 'stockout', modelVersion: '3', scoredAt: '2026-03-10T06:00:00.000Z' });
  expect(row).toMatchObject({
    kind: 'stockout', entity: 'SKU-00042@wh-east', site: 'wh-east', sku: 'SKU-00042', score: score!.probability,
    stockoutDate: '2026-03-13', daysOfCover: 3.5, reorderQty: score!.reorderQty, explanation: explainStockout(score!),
    details: { replenishment: 'inbound', replenishmentInDays: 5, replenishmentSdDays: 1, reference: 'PO-881', stockoutDay: 3, inventoryPosition: 235 },
  });
  expect(RiskScoreSchema.safeParse(row).success).toBe(true);
});
