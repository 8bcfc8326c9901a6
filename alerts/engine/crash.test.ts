/**
 * kill -9 of the alert engine process: an OPS event it had processed but whose effect was not yet in a saved state
 * is not lost — it was not acked, so the restarted engine gets it again and counts it (once).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { jetstream } from '@nats-io/jetstream';
import { AlertNoticeSchema, type AlertNotice } from '../../contracts/alerts.ts';
import { Supervisor } from '../../runtime/supervisor.ts';
import { startEngineProcess } from './engine-process.fixture.ts';
import { startBackbone, waitFor, type Backbone } from '../../test/backbone.ts';
import { sleep } from '../../test/until.ts';

let bb: Backbone;
const sup = new Supervisor();
const notices: AlertNotice[] = [];

const startEngine = (name: string) => startEngineProcess(sup, bb, name, { ALERTS_SNAPSHOT_MS: '5000', ALERTS_TICK_MS: '500' });

const event = (type: string, id: string, extra: Record<string, unknown>) => ({ id, type, occurredAt: new Date().toISOString(),
  source: 'test', site: 'wh-east', schemaVersion: 1, ...extra });
const publish = (e: Record<string, unknown>) => jetstream(bb.nc).publish(`ops.${String(e.type)}`, JSON.stringify(e), { msgID: String(e.id) });
const exception = (n: number) => event('carrier.exception', `ex-${n}`, { carrier: 'ups', trackingNumber: `1Z${n}`, code: 'damaged' });

beforeAll(async () => {
  bb = await startBackbone();
  bb.nc.subscribe('alerts.>', { callback: (_e, m) => { notices.push(AlertNoticeSchema.parse(m.json())); } });
}, 120_000);
afterAll(async () => {
  await sup.stopAll();
  await bb?.stop();
});

test('events processed but not yet saved when the engine is killed are counted by its successor', async () => {
  const first = await startEngine('engine-1');
  // A first change, saved at once (nothing was saved before): the next save is then ≥ 5 s away.
  await publish(event('purchase_orders.delayed', 'po-1', { poId: 'PO-1', supplier: 'acme', previousExpectedAt: new Date().toISOString(),
    newExpectedAt: new Date(Date.now() + 86_400_000).toISOString(), reason: 'late' }));
  await waitFor('the po_delayed notice', async () => notices.some((n) => n.alert.type === 'po_delayed'), 20_000, 25);
  await sleep(1_200);
  // Two exceptions (the rule fires at 3 within 30 min), processed, then kill -9 before the next save.
  await publish(exception(1));
  await publish(exception(2));
  await sleep(600);
  first.child.kill('SIGKILL');
  await first.exited;
  expect(notices.some((n) => n.alert.type === 'carrier_exception')).toBe(false);

  await startEngine('engine-2');
  await publish(exception(3));
  const fired = await waitFor('the carrier_exception notice', async () => notices.some((n) => n.alert.type === 'carrier_exception' && n.kind === 'firing'), 40_000, 50)
    .then(() => notices.find((n) => n.alert.type === 'carrier_exception' && n.kind === 'firing')!);
  expect(fired.alert.value).toBe(3); // each counted once, the redelivered ones included
}, 120_000);
