/**
 * Two alert engine processes side by side: one leads, the other stands by; kill -9 of the leader and the standby
 * takes over with the saved state (an acknowledged alert stays acknowledged) and keeps alerting. The state store's
 * compare-and-set fences a stale leader.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { jetstream } from '@nats-io/jetstream';
import { AlertNoticeSchema, type Alert, type AlertNotice } from '../../contracts/alerts.ts';
import { alertctlSubject, type AlertctlOp, type AlertctlReply } from '../../contracts/api/alerts.ts';
import { Supervisor, type Running } from '../../runtime/supervisor.ts';
import { startEngineProcess } from './engine-process.fixture.ts';
import { startBackbone, type Backbone } from '../../test/backbone.ts';
import { until } from '../../test/until.ts';
import { FencedError, StateStore } from './state-store.ts';

let bb: Backbone;
const sup = new Supervisor();
const notices: AlertNotice[] = [];
const admin = { sub: 'ops-admin', role: 'admin' as const, sites: ['*'], channels: ['*'] };

const startEngine = (name: string) => startEngineProcess(sup, bb, name, { ALERTS_LEASE_MS: '1500' });
const leads = async (r: Running) => {
  const port = (JSON.parse(r.readyLine ?? '{}') as { metricsPort?: number }).metricsPort;
  const body = await (await fetch(`http://127.0.0.1:${port}/readyz`)).json() as { leader?: boolean };
  return body.leader === true;
};
async function ctl<T>(op: AlertctlOp, body: unknown): Promise<AlertctlReply<T>> {
  return (await bb.nc.request(alertctlSubject(op), JSON.stringify(body), { timeout: 10_000 })).json<AlertctlReply<T>>();
}
const delayed = (po: string) => ({ id: `delay-${po}`, type: 'purchase_orders.delayed', occurredAt: new Date().toISOString(), source: 'erp',
  site: 'wh-east', schemaVersion: 1, poId: po, supplier: 'acme', previousExpectedAt: new Date().toISOString(),
  newExpectedAt: new Date(Date.now() + 86_400_000).toISOString(), reason: 'port congestion' });
const publish = (e: ReturnType<typeof delayed>) => jetstream(bb.nc).publish(`ops.${e.type}`, JSON.stringify(e), { msgID: e.id });
const firingFor = (po: string) => notices.find((n) => n.kind === 'firing' && n.alert.labels.po === po);

beforeAll(async () => {
  bb = await startBackbone();
  bb.nc.subscribe('alerts.>', { callback: (_e, m) => { notices.push(AlertNoticeSchema.parse(m.json())); } });
}, 120_000);
afterAll(async () => {
  await sup.stopAll();
  await bb?.stop();
});

describe('alert engine failover', () => {
  test('the state store refuses a save from an engine that did not see the latest state', async () => {
    const a = await StateStore.open({ nc: bb.nc, bucket: 'FENCE_TEST' });
    const b = await StateStore.open({ nc: bb.nc, bucket: 'FENCE_TEST' });
    const state = { savedAt: 1, book: { alerts: [], silences: [] }, outbox: { notices: [], transitions: [] } };
    await a.load();
    await b.load();
    await a.save(state);
    await expect(b.save(state)).rejects.toBeInstanceOf(FencedError);
    await a.save({ ...state, savedAt: 2 });
    expect((await b.load())?.savedAt).toBe(2);
    await b.save({ ...state, savedAt: 3 }); // b claims
    await expect(a.save(state)).rejects.toBeInstanceOf(FencedError); // a is fenced
  });

  test('kill -9 of the leading engine: the standby takes over, keeps the acknowledgement and alerts on new events', async () => {
    const one = await startEngine('engine-1');
    const two = await startEngine('engine-2');
    expect([await leads(one), await leads(two)]).toEqual([true, false]);

    await publish(delayed('PO-1'));
    const first = await until('the first alert', () => firingFor('PO-1'), 20_000);
    const acked = await ctl<{ alert: Alert }>('ack', { principal: admin, key: first.alert.key, comment: 'chasing the supplier' });
    expect(acked.ok && acked.result.alert.state).toBe('acknowledged');

    one.child.kill('SIGKILL');
    await one.exited;
    await publish(delayed('PO-2'));
    await until('the standby to alert on a new event', () => firingFor('PO-2'), 30_000);
    expect(await leads(two)).toBe(true);
    const got = await ctl<{ alert: Alert }>('get', { principal: admin, key: first.alert.key });
    expect(got.ok && got.result.alert).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'ops-admin' });
  }, 90_000);
});
