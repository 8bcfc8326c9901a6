/**
 * The alert engine against the real nats-server and ClickHouse engine (fresh database, default rule set): a risk
 * score becomes a firing notice in ALERTS and a stored transition; an OPS event fires an event rule and its
 * resolving event resolves it; alertctl answers with scope, role and validation; a silence keeps a new alert
 * quiet; a rule change bumps the version; a restarted engine restores its alerts from ALERT_STATE.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { getAlertTransitions } from '../../clickhouse/queries/getAlertTransitions.ts';
import { insertRiskScores } from '../../clickhouse/queries/insertRiskScores.ts';
import type { Principal } from '../../contracts/access.ts';
import { ALERTS_STREAM, AlertNoticeSchema, type Alert, type AlertNotice, type Rule } from '../../contracts/alerts.ts';
import { alertctlSubject, type AlertctlOp, type AlertctlReply } from '../../contracts/api/alerts.ts';
import { KpiTickSchema } from '../../contracts/realtime.ts';
import { riskSubject, type RiskScore } from '../../contracts/risk.ts';
import { createLogger } from '../../runtime/logger.ts';
import { startBackbone, waitFor, type Backbone } from '../../test/backbone.ts';
import { loadRuleSetFile } from '../rules.ts';
import { startAlertEngine, type AlertEngine } from './engine.ts';
import { sleep } from '../../test/until.ts';

const log = createLogger('alerts-test', 'silent');
const planner = (sites: string[]): Principal => ({ sub: `planner-${sites.join('-')}`, role: 'planner', sites, channels: ['*'] });
const EAST = planner(['wh-east']);

let bb: Backbone;
let engine: AlertEngine;
const notices: AlertNotice[] = [];
const start = () => startAlertEngine({ nc: bb.nc, db: bb.db, log, seedRules: loadRuleSetFile(), kpiMs: 300 });

async function ctl<T = Record<string, unknown>>(op: AlertctlOp | string, body: unknown): Promise<AlertctlReply<T>> {
  const m = await bb.nc.request(alertctlSubject(op as AlertctlOp), typeof body === 'string' ? body : JSON.stringify(body), { timeout: 10_000 });
  return m.json<AlertctlReply<T>>();
}
async function until<T>(what: string, fn: () => T | undefined, ms = 20_000): Promise<T> {
  let v: T | undefined;
  await waitFor(what, async () => (v = fn()) !== undefined, ms, 25);
  return v!;
}
function score(sku: string, value: number): RiskScore {
  return { kind: 'stockout', entity: `${sku}@wh-east`, site: 'wh-east', sku, score: value, model: 'stockout', modelVersion: 'demand-v1',
    scoredAt: new Date().toISOString(), explanation: `${sku} at wh-east: ${Math.round(value * 100)}% chance to stock out`,
    details: { replenishment: 'inbound', replenishmentInDays: 6, stockoutDay: 2, reference: 'PO-1' } };
}
/** As the scoring service does: store the score (risk_scores_latest seeds a restarted engine), then publish it. */
async function publishScore(s: RiskScore) {
  await insertRiskScores({ db: bb.db, rows: [s] });
  bb.nc.publish(riskSubject(s.kind, s.site), JSON.stringify(s));
}
async function publishEvent(e: Record<string, unknown>) {
  await jetstream(bb.nc).publish(`ops.${String(e.type)}`, JSON.stringify(e), { msgID: String(e.id) });
}
const po = (type: string, id: string, extra: Record<string, unknown>) => ({ id, type, occurredAt: new Date().toISOString(), source: 'erp',
  site: 'wh-east', schemaVersion: 1, poId: 'PO-77', supplier: 'acme', ...extra });

beforeAll(async () => {
  bb = await startBackbone();
  bb.nc.subscribe('alerts.>', { callback: (_e, m) => { notices.push(AlertNoticeSchema.parse(m.json())); } });
  engine = await start();
}, 180_000);

afterAll(async () => {
  await engine?.stop();
  await bb?.stop();
});

describe('alert engine (nats-server, ClickHouse engine)', () => {
  let stockout: Alert;

  test('a stockout score above 0.5 becomes a firing notice in ALERTS and transitions in ClickHouse', async () => {
    await publishScore(score('SKU-1', 0.82));
    const n = await until('the firing notice', () => notices.find((x) => x.kind === 'firing' && x.alert.labels.sku === 'SKU-1'));
    stockout = n.alert;
    expect(n.alert).toMatchObject({ type: 'stockout_risk', site: 'wh-east', state: 'firing', ownerRole: 'planner', value: 0.82 });
    const jsm = await jetstreamManager(bb.nc);
    const stored = await jsm.streams.getMessage(ALERTS_STREAM, { last_by_subj: 'alerts.wh-east.stockout_risk' });
    expect(stored?.json<AlertNotice>().id).toBe(n.id);
    await waitFor('the firing transition in ClickHouse', async () =>
      (await getAlertTransitions({ db: bb.db, alertKey: n.alert.key, limit: 10 })).some((t) => t.to === 'firing'), 20_000);
  });

  test('purchase_orders.delayed on OPS fires po_delayed at once; purchase_orders.received resolves it', async () => {
    const sent = Date.now();
    await publishEvent(po('purchase_orders.delayed', 'ev-delay-1', { previousExpectedAt: new Date(sent + 86_400_000).toISOString(),
      newExpectedAt: new Date(sent + 4 * 86_400_000).toISOString(), reason: 'port congestion' }));
    const fired = await until('po_delayed firing', () => notices.find((x) => x.kind === 'firing' && x.alert.type === 'po_delayed'));
    expect(fired.alert.labels).toEqual({ site: 'wh-east', po: 'PO-77', supplier: 'acme' });
    expect(fired.alert.summary).toContain('port congestion');
    await publishEvent(po('purchase_orders.received', 'ev-recv-1', { lines: [{ sku: 'SKU-1', qty: 10 }], partial: false }));
    const resolved = await until('po_delayed resolved', () => notices.find((x) => x.kind === 'resolved' && x.alert.key === fired.alert.key));
    expect(resolved.alert.state).toBe('resolved');
  });

  test('alertctl: ack in scope, forbidden out of scope, bad_request for a bad body', async () => {
    const other = await ctl('ack', { principal: planner(['wh-west']), key: stockout.key });
    expect(other).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const bad = await ctl('ack', { principal: EAST, key: 5 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await ctl('ack', '{not json')).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await ctl('nope', { principal: EAST })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const acked = await ctl<{ alert: Alert }>('ack', { principal: EAST, key: stockout.key, comment: 'PO expedited' });
    expect(acked.ok && acked.result.alert).toMatchObject({ state: 'acknowledged', acknowledgedBy: EAST.sub });
    const listed = await ctl<{ alerts: Alert[] }>('list', { principal: EAST, states: ['acknowledged'] });
    expect(listed.ok && listed.result.alerts.map((a) => a.key)).toEqual([stockout.key]);
    const west = await ctl<{ alerts: Alert[] }>('list', { principal: planner(['wh-west']) });
    expect(west.ok && west.result.alerts).toEqual([]);
  });

  test('a silence created first keeps a new firing alert quiet', async () => {
    const s = await ctl<{ silence: { id: string } }>('silence-create', { principal: EAST, durationSeconds: 3600, comment: 'cycle count tonight',
      matchers: [{ label: 'site', op: '=', value: 'wh-east' }, { label: 'sku', op: '=', value: 'SKU-2' }] });
    expect(s.ok).toBe(true);
    await publishScore(score('SKU-2', 0.9));
    const alert = await waitFor('the silenced alert', async () => {
      const r = await ctl<{ alerts: Alert[] }>('list', { principal: EAST });
      return r.ok && r.result.alerts.some((a) => a.labels.sku === 'SKU-2' && a.state === 'firing');
    }, 20_000);
    expect(alert).toBeUndefined();
    await sleep(500);
    expect(notices.filter((n) => n.alert.labels.sku === 'SKU-2')).toEqual([]);
  });

  test('rules-put by the owner role scoped to every site bumps the version; another role or one site\'s planner is forbidden', async () => {
    const got = await ctl<{ ruleSet: { version: number; rules: Rule[] } }>('rules-get', { principal: EAST });
    if (!got.ok) throw new Error('rules-get failed');
    const rule = got.result.ruleSet.rules.find((r) => r.id === 'stockout_risk')!;
    const lead: Principal = { sub: 'lead', role: 'warehouse_lead', sites: ['*'], channels: ['*'] };
    const changed = { ...rule, condition: { op: '>', threshold: 0.6, recover: 0.35 } };
    expect(await ctl('rules-put', { principal: lead, rule: changed })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await ctl('rules-put', { principal: EAST, rule: changed })).toMatchObject({ ok: false, error: { code: 'forbidden' } }); // one site's planner
    const network: Principal = { ...planner(['*']), sub: 'planner-network' };
    expect(await ctl('rules-put', { principal: network, rule: { ...changed, id: 'Bad Id' } })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const put = await ctl<{ ruleSet: { version: number; rules: Rule[] } }>('rules-put', { principal: network, rule: changed, comment: 'fewer pages' });
    expect(put.ok && put.result.ruleSet.version).toBe(got.result.ruleSet.version + 1);
    expect(engine.ruleSet().rules.find((r) => r.id === 'stockout_risk')!.condition.threshold).toBe(0.6);
  });

  test('kpi.tick carries the firing counts per site', async () => {
    const tick = await new Promise<unknown>((resolve) => {
      const sub = bb.nc.subscribe('kpi.tick', { max: 1, callback: (_e, m) => resolve(m.json()) });
      void sub;
    });
    const t = KpiTickSchema.parse(tick);
    expect(t.sites['wh-east']!.firingAlerts).toBeGreaterThanOrEqual(2);
  });

  test('a restarted engine restores its alerts from ALERT_STATE: the acknowledged one stays acknowledged, an event alert stays firing', async () => {
    await publishEvent(po('purchase_orders.delayed', 'ev-delay-2', { poId: 'PO-88', previousExpectedAt: new Date().toISOString(),
      newExpectedAt: new Date(Date.now() + 86_400_000).toISOString(), reason: 'strike' }));
    const fired = await until('PO-88 firing', () => notices.find((x) => x.kind === 'firing' && x.alert.labels.po === 'PO-88'));
    await engine.stop();
    engine = await start();
    const got = await ctl<{ alert: Alert }>('get', { principal: EAST, key: stockout.key });
    expect(got.ok && got.result.alert).toMatchObject({ state: 'acknowledged', acknowledgedBy: EAST.sub });
    await sleep(1_500); // the event rules' complete evaluations have run
    const po88 = await ctl<{ alert: Alert }>('get', { principal: EAST, key: fired.alert.key });
    expect(po88.ok && po88.result.alert.state).toBe('firing');
    expect(notices.filter((n) => n.alert.key === fired.alert.key).map((n) => n.kind)).toEqual(['firing']);
    expect(engine.ruleSet().version).toBe(2);
    const silences = await ctl<{ silences: unknown[] }>('silence-list', { principal: EAST });
    expect(silences.ok && silences.result.silences).toHaveLength(1);
  });
});
