/**
 * The live ingest page end to end: real nats-server, embedded ClickHouse, ingest, the built web app and
 * Chromium. Events are published continuously; the page must show the landed total rising WITHOUT a
 * reload (same URL, a marker set on `window` survives). No realtime gateway runs here: the live KPI strip must
 * say so while the rest of the page works. The API must refuse unauthenticated calls as JSON.
 */
import { randomBytes } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { IngestOverviewSchema } from '../../contracts/api/ingest-overview.ts';
import { createPublisher } from '../../ingest/publish.ts';
import { startEventFeed, type EventFeed } from './event-feed.ts';
import { startStack, type Stack } from './stack.ts';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-component-update',
  '--disable-sync', '--no-first-run'];

let stack: Stack | undefined;
let feed: EventFeed | undefined;
let browser: Browser | undefined;
let page: Page;
const browserErrors: string[] = [];

beforeAll(async () => {
  stack = await startStack();
  feed = startEventFeed({ nc: stack.nc, runId: randomBytes(4).toString('hex') });
  // One malformed event (no lines, no currency …) so the reject path shows up too.
  const bad = createPublisher({ nc: stack.nc });
  await bad.publish({ subject: 'ops.orders.created', id: `e2e-bad-${randomBytes(4).toString('hex')}`,
    data: JSON.stringify({ type: 'orders.created', id: 'bad-1', source: 'e2e-web', site: 'site-e2e' }) });
  await bad.flush();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (err) => browserErrors.push(`pageerror: ${err.message}`));
  // Chromium reports each refused WebSocket as a console error: expected here, where no gateway runs.
  page.on('console', (m) => { if (m.type() === 'error' && !/^WebSocket connection to .* failed/.test(m.text())) browserErrors.push(`console: ${m.text()}`); });
}, 300_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  const feedError = await feed?.stop().then(() => undefined, (err: Error) => err);
  await stack?.stop();
  if (feedError) throw feedError;
}, 120_000);

const landedTotal = async () => Number(await page.locator('[data-testid=landed-total]').textContent());

describe('live ingest overview', () => {
  test('the landed total rises without a reload', async () => {
    const { baseUrl, token } = stack!;
    await page.goto(`${baseUrl}/login?token=${encodeURIComponent(token)}`);
    expect(page.url()).toBe(`${baseUrl}/`);
    await page.locator('[data-testid=landed-total]').waitFor({ timeout: 30_000 });

    const first = await landedTotal();
    expect(Number.isInteger(first)).toBe(true);
    const urlBefore = page.url();
    await page.evaluate(() => { (window as unknown as { __loadMarker?: string }).__loadMarker = 'set-before-waiting'; });

    await expect.poll(landedTotal, { timeout: 60_000, interval: 500 }).toBeGreaterThan(first);

    expect(page.url()).toBe(urlBefore);
    expect(await page.evaluate(() => (window as unknown as { __loadMarker?: string }).__loadMarker)).toBe('set-before-waiting');
    await expect.poll(() => page.locator('[data-testid=freshness]').textContent()).toContain('live');
    expect(await page.locator('canvas').count()).toBeGreaterThanOrEqual(1); // ECharts drew under the CSP
    expect(browserErrors).toEqual([]);
  });

  test('without a gateway the KPI strip says live updates are unavailable, and the page keeps working', async () => {
    await page.locator('[data-testid=kpi-unavailable]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid=kpi-unavailable]').textContent()).toBe('live updates unavailable');
    const before = await landedTotal();
    await expect.poll(landedTotal, { timeout: 30_000, interval: 500 }).toBeGreaterThan(before);
    expect(browserErrors).toEqual([]);
  });

  test('the reject shows up with its reason', async () => {
    await expect.poll(() => page.locator('table.data').first().textContent(), { timeout: 30_000 }).toContain('occurredAt');
  });

  test('an unauthenticated API call gets 401 JSON with code unauthorized', async () => {
    const res = await fetch(`${stack!.baseUrl}/api/ingest/overview`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toMatchObject({ code: 'unauthorized', message: expect.any(String) });
  });

  test('a bearer token gets the overview in its contract shape', async () => {
    const get = async () => {
      const res = await fetch(`${stack!.baseUrl}/api/ingest/overview`, { headers: { authorization: `Bearer ${stack!.token}` } });
      expect(res.status).toBe(200);
      return IngestOverviewSchema.parse(await res.json());
    };
    const body = await get();
    expect(body.landed.total).toBeGreaterThan(0);
    expect(body.lag).not.toBeNull();
    // The rate leaves out the 5 s bucket still filling, so the first complete bucket can be seconds away.
    await expect.poll(async () => (await get()).rate.byFamily.map((s) => s.family), { timeout: 20_000 }).toContain('orders');
  });

  test('pages redirect to sign-in, /metrics wants the bearer token, /healthz is open', async () => {
    const { baseUrl, token } = stack!;
    const home = await fetch(`${baseUrl}/`, { redirect: 'manual' });
    expect(home.status).toBe(303);
    expect(home.headers.get('location')).toBe('/login');
    expect(home.headers.get('x-content-type-options')).toBe('nosniff');
    const login = await fetch(`${baseUrl}/login`);
    expect(login.headers.get('content-security-policy')).toMatch(/script-src 'self' 'nonce-/);
    const gateway = new URL(stack!.gatewayUrl).host;
    expect(login.headers.get('content-security-policy')).toContain(`connect-src 'self' http://${gateway} ws://${gateway}`);
    expect(login.headers.get('referrer-policy')).toBe('no-referrer');
    expect((await fetch(`${baseUrl}/metrics`)).status).toBe(401);
    const metrics = await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(await metrics.text()).toMatch(/web_http_requests_total\{method="GET",route="\/api\/ingest\/overview",status="200"\} \d+/);
    expect(await (await fetch(`${baseUrl}/healthz`)).json()).toEqual({ ok: true });
  });
});
