/**
 * The inventory page end to end: real nats-server, embedded ClickHouse, ingest, the built web app and
 * Chromium. A few `inventory.moved` events go through the real ingest (ops.inventory.moved → inventory_events
 * → the ledger view); the page must list the positions lowest available-to-promise first, open a
 * SKU-location's chart and movements on a click, and turn the drift tile red once a check finds drift.
 * The APIs refuse unauthenticated calls as JSON.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InventoryDriftSchema, InventoryPositionsSchema, InventorySkuSchema } from '../../contracts/api/inventory.ts';
import { InventoryMovedSchema, subjectFor, type InventoryMoved, type Movement } from '../../contracts/index.ts';
import { insertDriftReport } from '../../clickhouse/queries/insertDriftReport.ts';
import { createPublisher } from '../../ingest/publish.ts';
import { accessKey, signAccessToken } from '../../runtime/access.ts';
import { startStack, type Stack } from './stack.ts';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-component-update',
  '--disable-sync', '--no-first-run'];
const DAY_MS = 86_400_000;

let stack: Stack | undefined;
let browser: Browser | undefined;
let page: Page;
const browserErrors: string[] = [];

let logSeq = 0;
/** One allocation batch at `site`, `daysAgo` days back (noon UTC, so it lands inside the chart's UTC days). */
const moved = (site: string, daysAgo: number, sku: string, reason: Movement['reason'], reference: string,
  movements: Pick<Movement, 'state' | 'delta' | 'channel'>[]): InventoryMoved => {
  const seq = ++logSeq;
  const noon = Math.floor(Date.now() / DAY_MS) * DAY_MS - daysAgo * DAY_MS + 12 * 3_600_000;
  return InventoryMovedSchema.parse({
    id: `e2e-inv-${seq}`, type: 'inventory.moved', occurredAt: new Date(Math.min(noon, Date.now())).toISOString(),
    source: 'allocation', site, schemaVersion: 1, logSeq: seq,
    movements: movements.map((m) => ({ ...m, sku, reason, reference })),
  });
};

// wh-e2e/E2E-WIDGET: on hand 120 − 10 shipped = 110; reserved 30 − 10 = 20; hold 5; damaged 2; in transit 40.
// ATP = 110 − 20 − 5 − 2 = 83. wh-e2e/E2E-SHRINK: 5 received, 5 reserved, 3 lost: ATP −3. 3pl-e2e/E2E-WIDGET: 10.
const EVENTS = [
  moved('wh-e2e', 3, 'E2E-WIDGET', 'receipt', 'PO-E2E-1', [{ state: 'on_hand', delta: 120 }]),
  moved('wh-e2e', 2, 'E2E-WIDGET', 'reserve', 'SO-E2E-1', [{ state: 'reserved', delta: 30, channel: 'dtc-web' }]),
  moved('wh-e2e', 2, 'E2E-WIDGET', 'quality_hold', 'QH-E2E-1', [{ state: 'quality_hold', delta: 5 }]),
  moved('wh-e2e', 1, 'E2E-WIDGET', 'damage', 'ADJ-E2E-1', [{ state: 'damaged', delta: 2 }]),
  moved('wh-e2e', 1, 'E2E-WIDGET', 'asn_shipped', 'ASN-E2E-1', [{ state: 'in_transit', delta: 40 }]),
  moved('wh-e2e', 0, 'E2E-WIDGET', 'commit', 'SO-E2E-1', [{ state: 'reserved', delta: -10, channel: 'dtc-web' },
    { state: 'on_hand', delta: -10 }]),
  moved('wh-e2e', 2, 'E2E-SHRINK', 'receipt', 'PO-E2E-2', [{ state: 'on_hand', delta: 5 }]),
  moved('wh-e2e', 1, 'E2E-SHRINK', 'reserve', 'SO-E2E-2', [{ state: 'reserved', delta: 5, channel: 'dtc-web' }]),
  moved('wh-e2e', 0, 'E2E-SHRINK', 'adjustment', 'ADJ-E2E-2', [{ state: 'on_hand', delta: -3 }]),
  moved('3pl-e2e', 1, 'E2E-WIDGET', 'receipt', 'PO-E2E-3', [{ state: 'on_hand', delta: 10 }]),
];

const api = (path: string, auth = true) =>
  fetch(`${stack!.baseUrl}${path}`, { headers: auth ? { authorization: `Bearer ${stack!.token}` } : {} });

beforeAll(async () => {
  stack = await startStack();
  const publisher = createPublisher({ nc: stack.nc });
  for (const e of EVENTS) await publisher.publish({ subject: subjectFor(e.type), id: e.id, data: JSON.stringify(e) });
  await publisher.flush();
  // Landed once every position shows (the ingest flushes every 100 ms here).
  const landed = async () => (await api('/api/inventory/positions').then((r) => r.json())).matched === 3;
  for (const until = Date.now() + 60_000; !(await landed());) {
    if (Date.now() > until) throw new Error('the inventory events did not land within 60 s');
    await new Promise((r) => setTimeout(r, 500));
  }
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (err) => browserErrors.push(`pageerror: ${err.message}`));
  page.on('console', (m) => { if (m.type() === 'error') browserErrors.push(`console: ${m.text()}`); });
}, 300_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await stack?.stop();
}, 120_000);

const row = (location: string, sku: string) => page.locator(`[data-testid=position-row][data-location="${location}"][data-sku="${sku}"]`);

describe('inventory page', () => {
  test('the APIs refuse calls without a token, as JSON with code unauthorized', async () => {
    for (const path of ['/api/inventory/positions', '/api/inventory/sku?sku=E2E-WIDGET&location=wh-e2e', '/api/inventory/drift']) {
      const res = await api(path, false);
      expect(res.status, path).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(await res.json()).toMatchObject({ code: 'unauthorized', message: expect.any(String) });
    }
  });

  test('the APIs answer in their contract shapes: lowest ATP first, 400 and 404 as JSON', async () => {
    const positions = InventoryPositionsSchema.parse(await (await api('/api/inventory/positions')).json());
    expect(positions.positions.map((p) => [p.location, p.sku, p.atp])).toEqual([
      ['wh-e2e', 'E2E-SHRINK', -3], ['3pl-e2e', 'E2E-WIDGET', 10], ['wh-e2e', 'E2E-WIDGET', 83],
    ]);
    expect(positions.positions[2]).toMatchObject({ onHand: 110, reserved: 20, qualityHold: 5, damaged: 2, inTransit: 40, logSeq: 6 });
    expect(positions).toMatchObject({ matched: 3, negativeAtp: 1, truncated: false, locations: ['3pl-e2e', 'wh-e2e'] });
    const filtered = InventoryPositionsSchema.parse(await (await api('/api/inventory/positions?location=wh-e2e&q=widget')).json());
    expect(filtered.positions.map((p) => `${p.location}/${p.sku}`)).toEqual(['wh-e2e/E2E-WIDGET']);

    const sku = InventorySkuSchema.parse(await (await api('/api/inventory/sku?sku=E2E-WIDGET&location=wh-e2e&days=7')).json());
    expect(sku.daily).toHaveLength(7);
    expect(sku.daily.at(-1)).toMatchObject({ onHand: 110, reserved: 20, atp: 83 });
    expect(sku.daily.at(-4)).toMatchObject({ onHand: 120, reserved: 0, atp: 120 }); // 3 days ago: the receipt only
    expect(sku.movements.map((m) => [m.reason, m.state, m.delta])[0]).toEqual(['commit', expect.any(String), -10]);
    expect(sku.movements).toHaveLength(7);

    const bad = await api('/api/inventory/positions?limit=0');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'bad_request', message: expect.stringContaining('limit') });
    const unknown = await api('/api/inventory/sku?sku=NOPE&location=wh-e2e');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'not_found' });
    expect(InventoryDriftSchema.parse(await (await api('/api/inventory/drift')).json()).check).toBeNull();
  });

  test('a planner scoped to one site reads only that site: positions, drilldowns (403 elsewhere), drift rows', async () => {
    const planner = signAccessToken(accessKey(stack!.token), { sub: 'pat', role: 'planner', sites: ['3pl-e2e'], channels: ['*'] },
      { kind: 'api', ttlSeconds: 600 });
    const as = (path: string) => fetch(`${stack!.baseUrl}${path}`, { headers: { authorization: `Bearer ${planner}` } });
    const mine = InventoryPositionsSchema.parse(await (await as('/api/inventory/positions')).json());
    expect(mine.positions.map((p) => `${p.location}/${p.sku}`)).toEqual(['3pl-e2e/E2E-WIDGET']);
    expect(InventoryPositionsSchema.parse(await (await as('/api/inventory/positions?location=wh-e2e')).json()).matched).toBe(0);
    const other = await as('/api/inventory/sku?sku=E2E-WIDGET&location=wh-e2e');
    expect(other.status).toBe(403);
    expect(await other.json()).toMatchObject({ code: 'forbidden' });
    expect((await as('/api/inventory/sku?sku=E2E-WIDGET&location=3pl-e2e')).status).toBe(200);
  });

  test('the page lists positions with ATP; a click opens the chart and the movements', async () => {
    const { baseUrl, token } = stack!;
    await page.goto(`${baseUrl}/login?token=${encodeURIComponent(token)}&next=/inventory`);
    expect(page.url()).toBe(`${baseUrl}/inventory`);
    await expect.poll(() => page.locator('[data-testid=drift-status]').textContent()).toContain('no drift check yet');

    const rows = page.locator('[data-testid=position-row]');
    expect(await rows.evaluateAll((rs) => rs.map((r) => `${r.dataset.location}/${r.dataset.sku}`)))
      .toEqual(['wh-e2e/E2E-SHRINK', '3pl-e2e/E2E-WIDGET', 'wh-e2e/E2E-WIDGET']);
    expect(await row('wh-e2e', 'E2E-WIDGET').locator('[data-testid=atp]').textContent()).toBe('83');
    expect(await row('wh-e2e', 'E2E-SHRINK').locator('[data-testid=atp]').textContent()).toBe('-3');
    expect(await row('wh-e2e', 'E2E-SHRINK').getAttribute('class')).toContain('neg');
    expect(await page.locator('[data-testid=negative-atp]').textContent()).toBe('1');

    // Clicked until it opens: a click that lands before hydration has no handler yet.
    const drill = page.locator('[data-testid=drilldown]');
    await expect.poll(async () => { await row('wh-e2e', 'E2E-WIDGET').click(); return drill.count(); }, { timeout: 15_000 }).toBe(1);
    await drill.locator('canvas').first().waitFor({ timeout: 15_000 }); // ECharts drew under the CSP
    await expect.poll(() => drill.locator('[data-testid=movement-row]').count()).toBe(7);
    const movements = await drill.locator('[data-testid=movements]').textContent();
    for (const text of ['PO-E2E-1', 'SO-E2E-1', 'ASN-E2E-1', 'asn shipped', 'quality hold', 'Damaged', '+120', '−10']) {
      expect(movements).toContain(text);
    }
    expect(new URL(page.url()).searchParams.get('sku')).toBe('E2E-WIDGET');
    expect(await row('wh-e2e', 'E2E-WIDGET').getAttribute('aria-selected')).toBe('true');

    await page.locator('[data-testid=sku-search]').fill('shrink');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(1);
    expect(await rows.first().getAttribute('data-sku')).toBe('E2E-SHRINK');
    expect(browserErrors).toEqual([]);
  });

  test('a deep link opens the drilldown, and the drift tile turns red once a check finds drift', async () => {
    const { baseUrl, db } = stack!;
    await insertDriftReport({ db, checkedAt: Date.now(), logSeq: 10, positionsChecked: 3, rows: [
      { location: 'wh-e2e', sku: 'E2E-WIDGET', state: 'on_hand', allocationQty: 112, ledgerQty: 110 },
    ] });
    await page.goto(`${baseUrl}/inventory?sku=E2E-SHRINK&location=wh-e2e`);
    await expect.poll(() => page.locator('[data-testid=drilldown] [data-testid=movement-row]').count(), { timeout: 15_000 }).toBe(3);

    const tile = page.locator('[data-testid=drift-tile]');
    expect(await tile.getAttribute('data-drifted')).toBe('1');
    expect(await tile.getAttribute('class')).toContain('bad');
    expect(await tile.locator('[data-testid=drift-status]').textContent())
      .toMatch(/last checked \d\d:\d\d at log 10 —\s+3 positions, 1 drifted/);
    expect(await tile.locator('tbody').textContent()).toContain('+2');
    expect(browserErrors).toEqual([]);
  });
});
