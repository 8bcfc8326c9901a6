/**
 * getAlertResponseStats against the real engine on a fresh database, with hand-made transitions: two episodes of
 * one alert (acknowledged, escalated, resolved by the engine, then by a person), an open one at another site, a
 * network alert three days ago, and one that fired before the window (its ack and resolve inside it must not
 * count). Some transitions are written twice, in different batches.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestClickHouse, type TestClickHouse } from '../../test/clickhouse.ts';
import type { Db } from '../client.ts';
import type { AlertState, AlertTransition } from '../../contracts/alerts.ts';
import { getAlertResponseStats } from './getAlertResponseStats.ts';
import { insertAlertTransitions } from './insertAlertTransitions.ts';

let ch: TestClickHouse;
let db: Db;
let n = 0;

const MIN = 60_000;
const DAY = 86_400_000;
// A fixed "now" on a whole second, so every window below is exact.
const T = Math.floor(Date.now() / 1000) * 1000;

function tr(key: string, type: string, site: string, at: number, from: AlertState, to: AlertState, actor = 'engine',
  labels: Record<string, string> = {}): AlertTransition {
  return {
    id: `t${++n}`, alertKey: key, ruleId: type, type, site, labels: { site, ...labels }, from, to, severity: 'warning',
    impact: { ordersAtRisk: 1, revenueAtRisk: 10 }, value: 1, actor, comment: '', at: new Date(at).toISOString(),
    silenced: false, inhibited: false,
  };
}

const A = 'po_delayed|po=P1|site=wh-east';
const a1 = [
  tr(A, 'po_delayed', 'wh-east', T - 60 * MIN, 'inactive', 'pending'),
  tr(A, 'po_delayed', 'wh-east', T - 60 * MIN, 'pending', 'firing'),
  tr(A, 'po_delayed', 'wh-east', T - 50 * MIN, 'firing', 'acknowledged', 'pat'), // 600 s to ack
  tr(A, 'po_delayed', 'wh-east', T - 30 * MIN, 'acknowledged', 'resolved'), // 1,800 s to resolve, by the engine
];
const a2 = [
  tr(A, 'po_delayed', 'wh-east', T - 20 * MIN, 'resolved', 'pending'),
  tr(A, 'po_delayed', 'wh-east', T - 19 * MIN, 'pending', 'firing'),
  tr(A, 'po_delayed', 'wh-east', T - 17 * MIN, 'firing', 'acknowledged', 'kim'), // 120 s
  tr(A, 'po_delayed', 'wh-east', T - 16 * MIN, 'acknowledged', 'firing'), // escalated: the same episode
  tr(A, 'po_delayed', 'wh-east', T - 15 * MIN, 'firing', 'acknowledged', 'kim'), // a second ack: the first counts
  tr(A, 'po_delayed', 'wh-east', T - 10 * MIN, 'acknowledged', 'resolved', 'kim'), // 540 s, by a person
];
const b = [tr('po_delayed|po=P2|site=wh-west', 'po_delayed', 'wh-west', T - 5 * MIN, 'pending', 'firing')]; // open
const c = [
  tr('stockout_risk|channel=dtc-web', 'stockout_risk', 'network', T - 3 * DAY, 'pending', 'firing', 'engine', { channel: 'dtc-web' }),
  tr('stockout_risk|channel=dtc-web', 'stockout_risk', 'network', T - 3 * DAY + 60 * MIN, 'firing', 'resolved', 'engine', { channel: 'dtc-web' }),
];
const old = [
  tr('po_delayed|po=P0|site=wh-east', 'po_delayed', 'wh-east', T - 10 * DAY, 'pending', 'firing'),
  tr('po_delayed|po=P0|site=wh-east', 'po_delayed', 'wh-east', T - 2 * DAY, 'firing', 'acknowledged', 'pat'),
  tr('po_delayed|po=P0|site=wh-east', 'po_delayed', 'wh-east', T - DAY, 'acknowledged', 'resolved', 'pat'),
];

beforeAll(async () => {
  ch = await startTestClickHouse();
  db = await ch.freshDatabase('alert_response');
  await insertAlertTransitions({ db, rows: [...a1, ...b, ...old] });
  await insertAlertTransitions({ db, rows: [...a2, ...c] });
  // Written again in other batches (a restart re-sends them): counted once.
  await insertAlertTransitions({ db, rows: [a1[1]!, a1[2]!, a2[5]!] });
  await insertAlertTransitions({ db, rows: [b[0]!, c[1]!] });
}, 180_000);

afterAll(async () => { await ch?.stop(); });

const NONE = { fired: 0, acknowledged: 0, ackMedianSeconds: null, ackP90Seconds: null, resolveMedianSeconds: null,
  resolveP90Seconds: null, open: 0, resolvedByPerson: 0, resolvedByEngine: 0 };

describe('getAlertResponseStats', () => {
  test('per type: episodes fired, acked, median and p90 times, open, resolved by a person or the engine', async () => {
    expect(await getAlertResponseStats({ db, days: 7, now: T })).toEqual([
      { ...NONE, type: 'po_delayed', site: '', fired: 3, acknowledged: 2, ackMedianSeconds: 360, ackP90Seconds: 552,
        resolveMedianSeconds: 1170, resolveP90Seconds: 1674, open: 1, resolvedByPerson: 1, resolvedByEngine: 1 },
      { ...NONE, type: 'stockout_risk', site: '', fired: 1, resolveMedianSeconds: 3600, resolveP90Seconds: 3600, resolvedByEngine: 1 },
    ]);
  });

  test('per type × site, only the sites asked for', async () => {
    expect(await getAlertResponseStats({ db, days: 7, now: T, sites: ['wh-east', 'network'], bySite: true })).toEqual([
      { ...NONE, type: 'po_delayed', site: 'wh-east', fired: 2, acknowledged: 2, ackMedianSeconds: 360, ackP90Seconds: 552,
        resolveMedianSeconds: 1170, resolveP90Seconds: 1674, resolvedByPerson: 1, resolvedByEngine: 1 },
      { ...NONE, type: 'stockout_risk', site: 'network', fired: 1, resolveMedianSeconds: 3600, resolveP90Seconds: 3600, resolvedByEngine: 1 },
    ]);
    const west = await getAlertResponseStats({ db, days: 7, now: T, sites: ['wh-west'], bySite: true });
    expect(west).toEqual([{ ...NONE, type: 'po_delayed', site: 'wh-west', fired: 1, open: 1 }]);
  });

  test('the window: a day leaves out the network alert; an episode fired before the window is not counted', async () => {
    const day = await getAlertResponseStats({ db, days: 1, now: T });
    expect(day.map((r) => [r.type, r.fired])).toEqual([['po_delayed', 3]]);
    // Eleven days: the old episode (ack after 8 days, resolved by pat) joins.
    const eleven = await getAlertResponseStats({ db, days: 11, now: T });
    expect(eleven[0]).toMatchObject({ type: 'po_delayed', fired: 4, acknowledged: 3, ackMedianSeconds: 600, resolvedByPerson: 2 });
  });

  test('channels: an alert whose channel label is out of the list is left out; alerts without one stay', async () => {
    const rows = await getAlertResponseStats({ db, days: 7, now: T, channels: ['marketplace-a'] });
    expect(rows.map((r) => r.type)).toEqual(['po_delayed']);
    expect(await getAlertResponseStats({ db, days: 7, now: T, sites: ['nowhere'] })).toEqual([]);
  });
});
