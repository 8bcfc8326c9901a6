/**
 * End to end, as deployed: the simulator's supplier-delay incident → OPS → the alert engine (child process, real
 * ClickHouse engine) → ALERTS → a realtime gateway (child process) → real Socket.IO clients holding signed tokens.
 * The planner of the incident's site gets the `po_delayed` alert; a planner of another site does not; a client
 * that was away gets what it missed exactly once; no, forged and expired tokens are refused.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { io } from 'socket.io-client';
import { alertSubject, type AlertNotice } from '../contracts/alerts.ts';
import { subjectFor, type OpsEvent } from '../contracts/index.ts';
import { REALTIME_PATH, type SequencedNotice } from '../contracts/realtime.ts';
import { createPublisher } from '../ingest/publish.ts';
import { accessKey, signAccessToken } from '../runtime/access.ts';
import { childEnv } from '../runtime/env.ts';
import { freePort, REPO_ROOT } from '../runtime/local-services.ts';
import { Supervisor } from '../runtime/supervisor.ts';
import { SITES } from '../simulator/catalog.ts';
import { createScenario } from '../simulator/scenario.ts';
import { startBackbone, type Backbone } from '../test/backbone.ts';
import { connectAlerts } from '../web/gateway/client.ts';
import { gatewayProcessArgs } from '../web/gateway/process.ts';
import { startEngineProcess } from './engine/engine-process.fixture.ts';
import { ensureAlertsStream } from './stream.ts';
import { sleep, until } from '../test/until.ts';

const ROOT = 'incident-test-root-token-0123';
const key = accessKey(ROOT);
const planner = (site: string) => signAccessToken(key, { sub: `planner-${site}`, role: 'planner', sites: [site], channels: ['*'] }, { kind: 'api', ttlSeconds: 600 });


/** Simulated events up to and including the first delayed purchase order; its site is the incident's site. */
function incidentEvents(): { events: OpsEvent[]; site: string } {
  const start = Date.now() - 2 * 86_400_000;
  const scenario = createScenario({ seed: 3, start, days: 2, ordersPerDay: 300, skus: 60 });
  const events: OpsEvent[] = [];
  for (const e of scenario.events()) {
    events.push(e);
    if (e.type === 'purchase_orders.delayed') return { events, site: e.site };
  }
  throw new Error('the scenario has no delayed purchase order in 2 days');
}

describe('alerts end to end (nats-server, ClickHouse engine, alert engine and gateway processes, Socket.IO clients)', () => {
  let bb: Backbone;
  const sup = new Supervisor();
  let url = '';
  const incident = incidentEvents();
  const other = SITES.map((s) => s.id).find((s) => s !== incident.site)!;

  beforeAll(async () => {
    bb = await startBackbone();
    await ensureAlertsStream(bb.nc);
    const env = childEnv({ NATS_URL: bb.natsUrl, CLICKHOUSE_URL: bb.ch.url, CLICKHOUSE_DATABASE: bb.db.database, TOWER_API_TOKEN: ROOT, LOG_LEVEL: 'info' });
    await startEngineProcess(sup, bb, 'alerts');
    const port = await freePort();
    await sup.start({ name: 'gateway', command: process.execPath, args: gatewayProcessArgs(), cwd: REPO_ROOT,
      env: { ...env, GATEWAY_PORT: String(port) }, readyWhen: /"listening"/, output: 'quiet' });
    url = `http://127.0.0.1:${port}`;
  }, 120_000);
  afterAll(async () => {
    await sup.stopAll();
    await bb?.stop();
  });

  test('no token, a forged token and an expired token are refused at connect', async () => {
    const refusal = (auth: Record<string, string>) => new Promise<{ code?: string }>((resolve) => {
      const s = io(url, { path: REALTIME_PATH, auth, transports: ['websocket'], reconnection: false });
      s.once('connect', () => { s.close(); resolve({ code: 'connected' }); });
      s.once('connect_error', (err) => { s.close(); resolve((err as Error & { data?: { code?: string } }).data ?? {}); });
    });
    expect((await refusal({})).code).toBe('unauthorized');
    const forged = signAccessToken(accessKey('some-other-root-token-xyz'), { sub: 'x', role: 'admin', sites: ['*'], channels: ['*'] }, { kind: 'api', ttlSeconds: 600 });
    expect((await refusal({ token: forged })).code).toBe('unauthorized');
    const expired = signAccessToken(key, { sub: 'x', role: 'planner', sites: ['*'], channels: ['*'] }, { kind: 'api', ttlSeconds: 1, now: Date.now() - 60_000 });
    expect((await refusal({ token: expired })).code).toBe('expired');
    expect((await refusal({ token: planner(incident.site) })).code).toBe('connected');
  });

  test('a simulator incident alerts the planner of its site, not the planner of another site; a client that was away gets what it missed once', async () => {
    const mine: SequencedNotice[] = [];
    const theirs: SequencedNotice[] = [];
    const a = await connectAlerts({ url, token: planner(incident.site), onNotices: (ns) => mine.push(...ns) });
    const b = await connectAlerts({ url, token: planner(other), onNotices: (ns) => theirs.push(...ns) });
    const pub = createPublisher({ nc: bb.nc });
    const enc = new TextEncoder();
    await pub.publishMany(incident.events.map((e) => ({ subject: subjectFor(e.type), id: e.id, data: enc.encode(JSON.stringify(e)) })));
    await pub.flush();

    const delayed = incident.events.at(-1) as Extract<OpsEvent, { type: 'purchase_orders.delayed' }>;
    const first = await until('the po_delayed alert at the incident site', () =>
      mine.find((n) => n.notice.alert.type === 'po_delayed' && n.notice.kind === 'firing'));
    expect(first.notice.alert.site).toBe(incident.site);
    expect(Object.values(first.notice.alert.labels)).toContain(delayed.poId);
    await sleep(1_000); // anything misrouted would have arrived by now
    expect(theirs.filter((n) => n.notice.alert.site === incident.site)).toEqual([]);
    expect(mine.every((n) => n.notice.alert.site === incident.site || n.notice.alert.site === 'network')).toBe(true);

    // Away: two more purchase orders are delayed at the site while the client is disconnected.
    const lastSeen = a.lastSeq();
    a.close();
    const missed: OpsEvent[] = [1, 2].map((i) => ({ ...delayed, id: `${delayed.id}-again-${i}`, poId: `${delayed.poId}-X${i}` }));
    // Wait until the engine has published them (core NATS sees what JetStream stores).
    const published: string[] = [];
    const sub = bb.nc.subscribe(alertSubject(incident.site, 'po_delayed'), { callback: (_e, m) => { published.push(m.string()); } });
    for (const e of missed) await pub.publish({ subject: subjectFor(e.type), id: e.id, data: JSON.stringify(e) });
    await pub.flush();
    await until('the missed alerts to be published', () => published.filter((p) => p.includes('"firing"')).length >= 2);
    sub.unsubscribe();

    const back: SequencedNotice[] = [];
    const again = await connectAlerts({ url, token: planner(incident.site), since: lastSeen, onNotices: (ns) => back.push(...ns) });
    await until('the replay', () => back.filter((n) => n.notice.alert.type === 'po_delayed').length >= 2);
    await sleep(1_000);
    const seqs = back.map((n) => n.seq);
    expect(new Set(seqs).size).toBe(seqs.length); // exactly once
    expect(seqs.every((s) => s > lastSeen)).toBe(true); // nothing it had already seen
    const pos = (n: AlertNotice) => n.alert.labels;
    for (const e of missed as { poId: string }[]) {
      expect(back.filter((n) => n.notice.kind === 'firing' && Object.values(pos(n.notice)).includes(e.poId))).toHaveLength(1);
    }
    again.close();
    b.close();
  }, 120_000);
});
