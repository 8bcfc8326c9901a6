/**
 * The alert inbox end to end: real nats-server, embedded ClickHouse, ingest, the alert engine and a realtime
 * gateway as processes, the built web app and Chromium. Two planners sign in with signed api tokens, one scoped to
 * wh-e2e-east, one to wh-e2e-west. A purchase order at wh-e2e-east is delayed after both pages went live: the east
 * inbox shows the alert without a reload, Ack moves it to acknowledged; the west planner never sees it, on the page
 * or over the API. The alert API maps the engine's answers to JSON errors; tickets carry the caller's principal.
 * A row opens the alert's detail with its stored timeline (the west planner gets none of it); /alerts/rules lists
 * the rule set, and an executive edits a rule there, which bumps the version. The inbox's response panel and
 * /api/alerts/stats count the acked alert for the east planner and give the west one no row of it.
 */
import { randomBytes } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Principal } from '../../contracts/access.ts';
import { AlertSchema, AlertTransitionSchema, RuleSetSchema, SilenceSchema } from '../../contracts/alerts.ts';
import { AlertStatsSchema } from '../../contracts/api/alert-stats.ts';
import { RealtimeTicketSchema } from '../../contracts/api/realtime-ticket.ts';
import { parseEvent, subjectFor } from '../../contracts/index.ts';
import { createPublisher } from '../../ingest/publish.ts';
import { accessKey, signAccessToken, verifyAccessToken } from '../../runtime/access.ts';
import { startStack, type Stack } from './stack.ts';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-component-update',
  '--disable-sync', '--no-first-run'];
const EAST: Principal = { sub: 'pat-east', role: 'planner', sites: ['wh-e2e-east'], channels: ['*'] };
const WEST: Principal = { sub: 'kim-west', role: 'planner', sites: ['wh-e2e-west'], channels: ['*'] };
const EXEC: Principal = { sub: 'eve-exec', role: 'executive', sites: ['*'], channels: ['*'] };
const RUN = randomBytes(3).toString('hex');
const PO = `PO-E2E-${RUN}`;

let stack: Stack | undefined;
let browser: Browser | undefined;
let east: Page;
let west: Page;
const tokens: Record<string, string> = {};
const browserErrors: string[] = [];
let alertKey = '';

const api = (path: string, token: string, init: RequestInit = {}) => fetch(`${stack!.baseUrl}${path}`, {
  ...init, headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
});

async function signedIn(token: string, next: string, errors = browserErrors): Promise<Page> {
  const page = await (await browser!.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  await page.goto(`${stack!.baseUrl}/login?token=${encodeURIComponent(token)}&next=${encodeURIComponent(next)}`);
  return page;
}
const linkStatus = (page: Page) => page.locator('[data-testid=link-status]').getAttribute('data-status');
const poRow = (page: Page) => page.locator(`[data-testid=alert-row][data-key*="${PO}"]`);

async function publishDelay(site: string, poId: string): Promise<void> {
  const now = Date.now();
  const parsed = parseEvent({ id: `e2e-delay-${poId}`, type: 'purchase_orders.delayed', occurredAt: new Date(now).toISOString(),
    source: 'e2e-erp', site, schemaVersion: 1, poId, supplier: 'SUP-E2E', reason: 'vessel missed its slot',
    previousExpectedAt: new Date(now + 2 * 86_400_000).toISOString(), newExpectedAt: new Date(now + 9 * 86_400_000).toISOString() });
  if (!parsed.ok) throw new Error(`e2e event is not valid: ${parsed.reason}`);
  const publisher = createPublisher({ nc: stack!.nc });
  await publisher.publish({ subject: subjectFor(parsed.event.type), id: parsed.event.id, data: JSON.stringify(parsed.event) });
  await publisher.flush();
}

beforeAll(async () => {
  stack = await startStack({ alerts: true });
  const key = accessKey(stack.token);
  for (const p of [EAST, WEST, EXEC]) tokens[p.sub] = signAccessToken(key, p, { kind: 'api', ttlSeconds: 3600 });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}, 300_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await stack?.stop();
}, 120_000);

describe('alert inbox', () => {
  test('a ticket is a 60 s pass for the caller, naming the gateway; no ticket without a principal', async () => {
    const res = await api('/api/realtime/ticket', tokens[EAST.sub]!, { method: 'POST' });
    expect(res.status).toBe(200);
    const ticket = RealtimeTicketSchema.parse(await res.json());
    expect(ticket.url).toBe(stack!.gatewayUrl);
    expect(ticket.expiresAt - Date.now()).toBeGreaterThan(50_000);
    expect(ticket.expiresAt - Date.now()).toBeLessThanOrEqual(61_000);
    const check = verifyAccessToken({ key: accessKey(stack!.token), root: stack!.token, token: ticket.token, kinds: ['ticket'] });
    expect(check.ok && check.principal).toEqual(EAST);
    const anon = await fetch(`${stack!.baseUrl}/api/realtime/ticket`, { method: 'POST' });
    expect(anon.status).toBe(401);
    expect(await anon.json()).toMatchObject({ code: 'unauthorized' });
  });

  test('a delayed PO appears live in the scoped inbox; Ack moves it to acknowledged', async () => {
    east = await signedIn(tokens[EAST.sub]!, '/alerts');
    west = await signedIn(tokens[WEST.sub]!, '/alerts');
    expect(east.url()).toBe(`${stack!.baseUrl}/alerts`);
    const who = east.locator('[data-testid=who]');
    expect(await who.getAttribute('data-sub')).toBe('pat-east');
    expect(await who.textContent()).toMatch(/pat-east\s+planner\s+wh-e2e-east/);
    await expect.poll(() => linkStatus(east), { timeout: 30_000 }).toBe('live');
    await expect.poll(() => linkStatus(west), { timeout: 30_000 }).toBe('live');
    expect(await poRow(east).count()).toBe(0);
    await east.evaluate(() => { (window as unknown as { __marker?: string }).__marker = 'before-the-alert'; });

    await publishDelay('wh-e2e-east', PO);
    await expect.poll(() => poRow(east).count(), { timeout: 60_000, interval: 250 }).toBe(1);
    expect(await east.evaluate(() => (window as unknown as { __marker?: string }).__marker)).toBe('before-the-alert');
    const row = poRow(east);
    expect(await row.getAttribute('data-state')).toBe('firing');
    expect(await row.getAttribute('data-site')).toBe('wh-e2e-east');
    expect(await row.textContent()).toContain(`po=${PO}`);
    alertKey = (await row.getAttribute('data-key'))!;

    await row.locator('[data-testid=ack]').click();
    await east.locator('[data-testid=action-comment]').fill('calling the supplier');
    await east.locator('[data-testid=action-submit]').click();
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 15_000 }).toBe('acknowledged');
    expect(await row.textContent()).toContain('ack by pat-east');

    const listed = await (await api('/api/alerts?state=acknowledged', tokens[EAST.sub]!)).json() as { alerts: unknown[] };
    const alert = AlertSchema.parse(listed.alerts.map((a) => AlertSchema.parse(a)).find((a) => a.key === alertKey));
    expect(alert).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'pat-east', site: 'wh-e2e-east', ownerRole: 'planner' });
    await east.locator('canvas').first().waitFor({ timeout: 15_000 }); // the chart drew under the CSP
    expect(browserErrors).toEqual([]);
  });

  test('a row opens the detail: the stored timeline shows firing, then acknowledged by pat-east; Esc closes it', async () => {
    expect(alertKey).not.toBe('');
    await poRow(east).locator('td').nth(7).click(); // the summary cell: anywhere but a button opens the row
    const detail = east.locator('[data-testid=alert-detail]');
    expect(await detail.getAttribute('data-key')).toBe(alertKey);
    expect(await detail.textContent()).toContain(`po=${PO}`);
    const states = () => detail.locator('[data-testid=transition]').evaluateAll((els) => els.map((e) => e.getAttribute('data-to')));
    await expect.poll(states, { timeout: 15_000 }).toEqual(expect.arrayContaining(['firing', 'acknowledged']));
    expect((await states())[0]).toBe('acknowledged'); // newest first
    const ack = detail.locator('[data-testid=transition][data-to=acknowledged]');
    expect(await ack.locator('[data-testid=actor]').textContent()).toBe('pat-east');
    expect(await ack.textContent()).toContain('calling the supplier');
    await detail.locator('canvas').waitFor({ timeout: 15_000 }); // the value line: three transitions

    const res = await api(`/api/alerts/${encodeURIComponent(alertKey)}/history`, tokens[EAST.sub]!);
    expect([res.status, res.headers.get('cache-control')]).toEqual([200, 'no-store']);
    const stored = ((await res.json()) as { transitions: unknown[] }).transitions.map((t) => AlertTransitionSchema.parse(t));
    expect(stored.map((t) => t.to).slice(0, 2)).toEqual(['acknowledged', 'firing']);
    expect(stored.every((t) => t.alertKey === alertKey && t.site === 'wh-e2e-east')).toBe(true);

    await east.keyboard.press('Escape');
    expect(await detail.count()).toBe(0);
    expect(browserErrors).toEqual([]);
  });

  test('response stats: the acked po_delayed counts for the east planner, in the API and the panel; not for the west one', async () => {
    expect(alertKey).not.toBe('');
    const stats = async (token: string, query = '') => {
      const res = await api(`/api/alerts/stats?days=7${query}`, token);
      expect([res.status, res.headers.get('cache-control')]).toEqual([200, 'no-store']);
      return AlertStatsSchema.parse(await res.json());
    };
    const po = async () => (await stats(tokens[EAST.sub]!)).rows.find((r) => r.type === 'po_delayed');
    // The engine writes transitions in batches every 250 ms: the ack is in ClickHouse within a few seconds.
    await expect.poll(async () => (await po())?.acknowledged ?? 0, { timeout: 20_000, interval: 500 }).toBeGreaterThanOrEqual(1);
    const row = (await po())!;
    expect(row.fired).toBeGreaterThanOrEqual(1);
    expect(row.ackMedianSeconds).toBeGreaterThanOrEqual(0);
    expect(row.open).toBeGreaterThanOrEqual(1); // acknowledged, not resolved

    await east.reload();
    const listed = east.locator('[data-testid=response-row][data-type=po_delayed]');
    await listed.waitFor({ timeout: 15_000 });
    expect(Number(await listed.getAttribute('data-acked'))).toBeGreaterThanOrEqual(1);
    await east.locator('[data-testid=response-panel] canvas').waitFor({ timeout: 15_000 });

    const westRows = await stats(tokens[WEST.sub]!, '&bySite=true');
    expect(westRows.rows.filter((r) => r.site === 'wh-e2e-east' || r.type === 'po_delayed')).toEqual([]);
    const asked = await api('/api/alerts/stats?site=wh-e2e-east', tokens[WEST.sub]!);
    expect([asked.status, (await asked.json()).code]).toEqual([403, 'forbidden']);
    const bad = await api('/api/alerts/stats?days=0', tokens[WEST.sub]!);
    expect([bad.status, (await bad.json()).code]).toEqual([400, 'bad_request']);
    expect(browserErrors).toEqual([]);
  });

  test('a planner scoped to another site sees it neither live, nor after a reload, nor over the API', async () => {
    expect(alertKey).not.toBe('');
    expect(await poRow(west).count()).toBe(0);
    await west.reload();
    await expect.poll(() => linkStatus(west), { timeout: 30_000 }).toBe('live');
    expect(await poRow(west).count()).toBe(0);

    const listed = await (await api('/api/alerts?state=', tokens[WEST.sub]!)).json() as { alerts: { key: string }[] };
    expect(listed.alerts.map((a) => a.key)).not.toContain(alertKey);
    const one = await api(`/api/alerts/${encodeURIComponent(alertKey)}`, tokens[WEST.sub]!);
    expect([403, 404]).toContain(one.status);
    expect(await one.json()).toMatchObject({ code: expect.stringMatching(/^(forbidden|not_found)$/) });
    const ack = await api(`/api/alerts/${encodeURIComponent(alertKey)}/resolve`, tokens[WEST.sub]!, { method: 'POST', body: JSON.stringify({ comment: 'not mine' }) });
    expect([403, 404]).toContain(ack.status);
    // The east planner does get it by key.
    const mine = await api(`/api/alerts/${encodeURIComponent(alertKey)}`, tokens[EAST.sub]!);
    expect(mine.status).toBe(200);
  });

  test('the west planner gets no history of the east alert; an unknown key is 404', async () => {
    const theirs = await api(`/api/alerts/${encodeURIComponent(alertKey)}/history`, tokens[WEST.sub]!);
    expect([403, 404]).toContain(theirs.status);
    const body = await theirs.json() as { code: string; transitions?: unknown };
    expect(body.code).toMatch(/^(forbidden|not_found)$/);
    expect(body.transitions).toBeUndefined();
    const unknown = await api('/api/alerts/no-such-alert/history', stack!.token);
    expect([unknown.status, (await unknown.json()).code]).toEqual([404, 'not_found']);
  });

  test('the alert API validates, maps engine errors and round-trips silences and rules', async () => {
    const root = stack!.token;
    const bad = await api('/api/alerts?minSeverity=loud', root);
    expect([bad.status, (await bad.json()).code]).toEqual([400, 'bad_request']);
    const missing = await api('/api/alerts/no-such-alert', root);
    expect([missing.status, (await missing.json()).code]).toEqual([404, 'not_found']);
    const noComment = await api(`/api/alerts/${encodeURIComponent(alertKey)}/resolve`, root, { method: 'POST', body: '{}' });
    expect([noComment.status, (await noComment.json()).code]).toEqual([400, 'bad_request']);
    const again = await api(`/api/alerts/${encodeURIComponent(alertKey)}/ack`, tokens[EAST.sub]!, { method: 'POST', body: '{}' });
    expect([again.status, (await again.json()).code]).toEqual([409, 'invalid_state']);

    const silence = (matchers: unknown[]) => api('/api/silences', tokens[EAST.sub]!, { method: 'POST',
      body: JSON.stringify({ matchers, durationSeconds: 3600, endOnResolve: true, comment: 'supplier called back' }) });
    // A planner scoped to some sites must name one of them.
    const unscoped = await silence([{ label: 'po', op: '=', value: PO }]);
    expect([unscoped.status, (await unscoped.json()).code]).toEqual([403, 'forbidden']);
    const created = await silence([{ label: 'site', op: '=', value: 'wh-e2e-east' }, { label: 'po', op: '=', value: PO }]);
    expect(created.status).toBe(201);
    const made = SilenceSchema.parse((await created.json()).silence);
    expect(made.createdBy).toBe('pat-east');
    const listed = await (await api('/api/silences', tokens[EAST.sub]!)).json() as { silences: { id: string }[] };
    expect(listed.silences.map((s) => s.id)).toContain(made.id);
    const expired = await api(`/api/silences/${made.id}`, tokens[EAST.sub]!, { method: 'DELETE' });
    expect(expired.status).toBe(200);
    expect(SilenceSchema.parse((await expired.json()).silence).endedAt).not.toBeNull();

    const rules = RuleSetSchema.parse((await (await api('/api/alert-rules', root)).json()).ruleSet);
    const po = rules.rules.find((r) => r.id === 'po_delayed')!;
    expect(po).toBeDefined();
    const mismatch = await api('/api/alert-rules/other-id', root, { method: 'PUT', body: JSON.stringify({ rule: po }) });
    expect([mismatch.status, (await mismatch.json()).code]).toEqual([400, 'bad_request']);
    const put = await api('/api/alert-rules/po_delayed', root, { method: 'PUT', body: JSON.stringify({ rule: { ...po, title: 'PO delayed (e2e)' }, comment: 'e2e' }) });
    expect(put.status).toBe(200);
    expect(RuleSetSchema.parse((await put.json()).ruleSet).version).toBe(rules.version + 1);
    const forbidden = await api('/api/alert-rules/ingest_lag', tokens[EAST.sub]!, { method: 'DELETE' });
    expect([forbidden.status, (await forbidden.json()).code]).toEqual([403, 'forbidden']);
  });

  test('the home page ticks KPIs live from the gateway', async () => {
    await east.goto(`${stack!.baseUrl}/`);
    const strip = east.locator('[data-testid=kpi-strip]');
    await expect.poll(() => strip.getAttribute('data-status'), { timeout: 30_000 }).toBe('live');
    await east.locator('[data-testid=kpi-firing]').waitFor({ timeout: 30_000 });
    expect(Number((await east.locator('[data-testid=kpi-orders]').textContent())!.replaceAll(',', ''))).toBeGreaterThanOrEqual(0);
    expect(browserErrors).toEqual([]);
  });

  test('the rules page lists the rule set with its version, read-only for a planner', async () => {
    const { version } = RuleSetSchema.parse((await (await api('/api/alert-rules', stack!.token)).json()).ruleSet);
    await east.goto(`${stack!.baseUrl}/alerts`);
    await east.locator('[data-testid=rules-link]').click();
    await east.waitForURL(`${stack!.baseUrl}/alerts/rules`);
    expect(await east.locator('[data-testid=rules-version]').getAttribute('data-version')).toBe(String(version));
    const ids = await east.locator('[data-testid=rule-row]').evaluateAll((els) => els.map((e) => e.getAttribute('data-rule')));
    expect(ids).toEqual(expect.arrayContaining(['po_delayed', 'stockout_risk', 'ingest_lag']));
    const stockout = east.locator('[data-testid=rule-row][data-rule=stockout_risk]');
    expect(await stockout.textContent()).toMatch(/score\s+stockout[\s\S]*> 0\.5 · recover 0\.3/);
    expect(await east.locator('[data-testid=rule-editor]').count()).toBe(0);
    expect(browserErrors).toEqual([]);
  });

  test('an executive edits a rule as JSON: a bad rule shows the error code, a good one bumps the version', async () => {
    const errors: string[] = [];
    const page = await signedIn(tokens[EXEC.sub]!, '/alerts/rules', errors);
    const shown = () => page.locator('[data-testid=rules-version]').getAttribute('data-version');
    const before = Number(await shown());
    const editor = page.locator('[data-testid=rule-editor][data-rule=stockout_risk]');
    await editor.locator('summary').click();
    const rule = JSON.parse(await editor.locator('[data-testid=rule-json]').inputValue()) as { title: string; condition: object };
    expect(await editor.locator('[data-testid=rule-save]').isDisabled()).toBe(true); // no comment yet

    await editor.locator('[data-testid=rule-json]').fill(JSON.stringify({ ...rule, condition: { op: '>', threshold: 'high', recover: 0.3 } }));
    await editor.locator('[data-testid=rule-comment]').fill('try a word');
    await editor.locator('[data-testid=rule-save]').click();
    const error = editor.locator('[data-testid=rule-error]');
    await error.waitFor({ timeout: 10_000 });
    expect(await error.getAttribute('data-code')).toBe('bad_request');
    expect(await error.textContent()).toContain('threshold');
    expect(Number(await shown())).toBe(before);

    await editor.locator('[data-testid=rule-json]').fill(JSON.stringify({ ...rule, title: `Stockout risk (e2e ${RUN})` }, null, 2));
    await editor.locator('[data-testid=rule-comment]').fill('clearer title for the e2e run');
    await editor.locator('[data-testid=rule-save]').click();
    await expect.poll(shown, { timeout: 10_000 }).toBe(String(before + 1));
    expect(await error.count()).toBe(0);
    expect(await page.locator('[data-testid=rule-row][data-rule=stockout_risk]').textContent()).toContain(`Stockout risk (e2e ${RUN})`);
    const stored = RuleSetSchema.parse((await (await api('/api/alert-rules', stack!.token)).json()).ruleSet);
    expect([stored.version, stored.rules.find((r) => r.id === 'stockout_risk')?.title]).toEqual([before + 1, `Stockout risk (e2e ${RUN})`]);
    // The only browser error is the console's note of the refused PUT.
    expect(errors).toEqual([expect.stringMatching(/^console: Failed to load resource: .*400/)]);
  });
});
