/**
 * The realtime gateway against a real nats-server (ALERTS stream, core `kpi.tick`, an `alertctl.*` responder standing
 * in for the alert engine) and real Socket.IO clients: authentication, routing by scope and role, replay exactly
 * once, two gateways side by side, validation, slow consumers, KPI scoping, ack forwarding, batching, expiry and
 * shutdown. Notices are published to ALERTS directly, as the engine does.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { ensureAlertsStream } from '../../alerts/stream.ts';
import type { OwnerRole, Principal } from '../../contracts/access.ts';
import { alertSubject, ALERTS_STREAM, KPI_SUBJECT, type Alert, type AlertNotice, type Severity } from '../../contracts/alerts.ts';
import {
  REALTIME_PATH, type Bye, type ClientToServerEvents, type KpiFigures, type KpiTick, type SequencedNotice, type ServerToClientEvents,
} from '../../contracts/realtime.ts';
import { accessKey, signAccessToken } from '../../runtime/access.ts';
import { createLogger } from '../../runtime/logger.ts';
import { connectNats, type NatsConnection } from '../../runtime/nats.ts';
import { startNatsServer, type TestNatsServer } from '../../test/nats-server.ts';
import { connectAlerts, type AlertsClient, type AlertsStatus } from './client.ts';
import { startAlertFeed } from './feed.ts';
import { startGateway, type Gateway, type GatewayOptions } from './server.ts';
import { sleep, until } from '../../test/until.ts';

const ROOT = 'gateway-test-root-token-0123456789';
const key = accessKey(ROOT);
const log = createLogger('gateway-test', 'silent');


const token = (p: Partial<Principal>, o: { ttlSeconds?: number; kind?: 'api' | 'ticket' | 'session'; now?: number } = {}) =>
  signAccessToken(key, { sub: 'someone', role: 'planner', sites: ['wh-east'], channels: ['*'], ...p },
    { kind: o.kind ?? 'api', ttlSeconds: o.ttlSeconds ?? 600, now: o.now });

let counter = 0;
function notice(o: { site?: string; type?: string; ownerRole?: OwnerRole; severity?: Severity; members?: number } = {}): AlertNotice {
  const n = ++counter;
  const at = new Date().toISOString();
  const site = o.site ?? 'wh-east';
  const alert: Alert = {
    key: `test-rule|${site}|${n}`, ruleId: 'test-rule', type: o.type ?? 'stockout_risk', title: `alert ${n}`, site, labels: { sku: `SKU-${n}` },
    ownerRole: o.ownerRole ?? 'planner', state: 'firing', severity: o.severity ?? 'warning', impact: { ordersAtRisk: 3, revenueAtRisk: 120 },
    value: 0.9, summary: o.members ? 'x'.repeat(1000) : `summary ${n}`, startsAt: at, firingAt: at, acknowledgedAt: null, acknowledgedBy: null,
    resolvedAt: null, updatedAt: at, groupKey: site, silencedBy: [], inhibitedBy: null, notices: 1,
  };
  return { id: `notice-${process.pid}-${n}`, kind: 'firing', alert, actor: 'engine', at, silenced: false,
    ...(o.members ? { group: { key: site, size: o.members, members: Array.from({ length: o.members }, () => alert) } } : {}) };
}

describe('realtime gateway (nats-server, Socket.IO clients)', () => {
  let server: TestNatsServer;
  let nc: NatsConnection;
  let js: JetStreamClient;
  const gateways: { g: Gateway; nc: NatsConnection }[] = [];
  const clients: AlertsClient[] = [];
  const sockets: Socket[] = [];

  async function gateway(over: Partial<GatewayOptions> = {}): Promise<Gateway & { url: string }> {
    const own = await connectNats({ url: server.url, name: 'gateway-under-test' });
    const g = await startGateway({
      nc: own, log, port: 0, host: '127.0.0.1', origins: ['http://127.0.0.1:3000'], rootToken: ROOT, batchMs: 25,
      maxQueuedPackets: 256, maxQueuedBytes: 1_048_576, replayMax: 10_000, replayMemory: 5_000, replayConcurrency: 4, alertctlTimeoutMs: 1_000,
      ...over,
    });
    gateways.push({ g, nc: own });
    await until('the gateway feed', () => g.ready());
    return Object.assign(g, { url: `http://127.0.0.1:${g.port}` });
  }

  async function publish(ns: AlertNotice[]): Promise<number[]> {
    const acks = await Promise.all(ns.map((n) => js.publish(alertSubject(n.alert.site, n.alert.type), JSON.stringify(n), { msgID: n.id })));
    return acks.map((a) => a.seq);
  }

  async function client(url: string, o: Partial<Parameters<typeof connectAlerts>[0]> & { token: string }) {
    const got: SequencedNotice[] = [];
    const batches: number[] = [];
    const statuses: AlertsStatus[] = [];
    const c = await connectAlerts({ url, onNotices: (ns) => { got.push(...ns); batches.push(ns.length); }, onStatus: (s) => statuses.push(s),
      transports: ['websocket'], ...o });
    clients.push(c);
    return { c, got, batches, statuses, ids: () => got.map((n) => n.notice.id) };
  }

  function rawSocket(url: string, auth: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    const s: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, { path: REALTIME_PATH, auth, transports: ['websocket'], reconnection: false, ...extra });
    sockets.push(s as Socket);
    return s;
  }
  const refusal = (url: string, auth: Record<string, unknown>, extra: Record<string, unknown> = {}) => new Promise<string>((resolve) => {
    const s = rawSocket(url, auth, extra);
    s.once('connect', () => { s.close(); resolve('connected'); });
    s.once('connect_error', (err) => { s.close(); resolve((err as Error & { data?: { code?: string } }).data?.code ?? `error: ${err.message}`); });
  });

  beforeAll(async () => {
    server = await startNatsServer();
    nc = await connectNats({ url: server.url, name: 'gateway-test' });
    await ensureAlertsStream(nc);
    js = jetstream(nc);
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    for (const s of sockets) s.close();
    for (const { g, nc: own } of gateways) { await g.close(); await own.close(); }
    await nc?.close();
    await server?.stop();
  });

  test('no token, a forged, an expired, a garbled or a session token is refused; API tokens, tickets and the root token connect', async () => {
    const g = await gateway();
    expect(await refusal(g.url, {})).toBe('unauthorized');
    const forged = signAccessToken(accessKey('another-root-token-0123456789'), { sub: 'x', role: 'admin', sites: ['*'], channels: ['*'] }, { kind: 'api', ttlSeconds: 600 });
    expect(await refusal(g.url, { token: forged })).toBe('unauthorized');
    expect(await refusal(g.url, { token: token({}, { ttlSeconds: 1, now: Date.now() - 60_000 }) })).toBe('expired');
    expect(await refusal(g.url, { token: 'ct1.bm90LWpzb24.c2ln' })).toBe('unauthorized');
    expect(await refusal(g.url, { token: 42 })).toBe('unauthorized');
    expect(await refusal(g.url, { token: token({}, { kind: 'session' }) })).toBe('unauthorized');
    expect(await refusal(g.url, { token: token({}) })).toBe('connected');
    expect(await refusal(g.url, { token: token({}, { kind: 'ticket', ttlSeconds: 60 }) })).toBe('connected');
    expect(await refusal(g.url, { token: ROOT })).toBe('connected');
    expect(await refusal(g.url, { token: ROOT }, { extraHeaders: { origin: 'https://elsewhere.example' } })).toMatch(/^error/);
    expect(g.metrics.refused.get({ reason: 'missing' })).toBe(2);
    expect(g.metrics.refused.get({ reason: 'bad_signature' })).toBe(2);
    expect(g.metrics.refused.get({ reason: 'wrong_kind' })).toBe(1);
    expect(g.metrics.refused.get({ reason: 'expired' })).toBe(1);
    expect(g.metrics.refused.get({ reason: 'origin' })).toBe(1);
    const health = await fetch(`${g.url}/healthz`);
    expect(health.status).toBe(200);
    expect((await fetch(`${g.url}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${g.url}/metrics`)).text()).toContain('gateway_refused_handshakes_total{reason="expired"} 1');
  });

  test('routing: a planner of site A gets A\'s planner alerts and not B\'s; leads, executives and programs get their share', async () => {
    const g = await gateway();
    const plannerA = await client(g.url, { token: token({ sub: 'pa', role: 'planner', sites: ['wh-east'] }) });
    const plannerA2 = await client(g.url, { token: token({ sub: 'pa2', role: 'planner', sites: ['wh-east'] }) });
    const plannerB = await client(g.url, { token: token({ sub: 'pb', role: 'planner', sites: ['wh-west'] }) });
    const lead = await client(g.url, { token: token({ sub: 'la', role: 'warehouse_lead', sites: ['wh-east'] }) });
    const exec = await client(g.url, { token: token({ sub: 'ex', role: 'executive', sites: ['*'] }) });
    const program = await client(g.url, { token: token({ sub: 'prog', role: 'program', sites: ['*'] }), filter: { minSeverity: 'critical' } });
    expect(g.metrics.audiences.get()).toBe(5); // the two planners of A share one room
    const eastPlanner = notice({ site: 'wh-east' });
    const westPlanner = notice({ site: 'wh-west' });
    const eastLead = notice({ site: 'wh-east', type: 'cutoff_risk', ownerRole: 'warehouse_lead' });
    const eastLeadCritical = notice({ site: 'wh-east', type: 'cutoff_risk', ownerRole: 'warehouse_lead', severity: 'critical' });
    const network = notice({ site: 'network', type: 'ingest_lag', ownerRole: 'planner' });
    await publish([eastPlanner, westPlanner, eastLead, eastLeadCritical, network]);
    await until('every expected notice', () => plannerA.got.length >= 2 && plannerB.got.length >= 2 && lead.got.length >= 2 &&
      exec.got.length >= 1 && program.got.length >= 1 && plannerA2.got.length >= 2);
    await sleep(300); // anything misrouted would have arrived by now
    const sorted = (xs: string[]) => [...xs].sort();
    expect(sorted(plannerA.ids())).toEqual(sorted([eastPlanner.id, network.id]));
    expect(sorted(plannerA2.ids())).toEqual(sorted([eastPlanner.id, network.id]));
    expect(sorted(plannerB.ids())).toEqual(sorted([westPlanner.id, network.id]));
    expect(sorted(lead.ids())).toEqual(sorted([eastLead.id, eastLeadCritical.id]));
    expect(exec.ids()).toEqual([eastLeadCritical.id]);
    expect(program.ids()).toEqual([eastLeadCritical.id]);
  });

  test('a group notice carries only the members in the subscriber\'s scope, live and replayed', async () => {
    const g = await gateway();
    const channelToken = token({ sub: 'web-planner', role: 'planner', sites: ['wh-east'], channels: ['dtc-web'] });
    const live = await client(g.url, { token: channelToken });
    const n = notice({ site: 'wh-east', members: 3 });
    const [mine, otherChannel, otherSite] = n.group!.members.map((m, i) => ({ ...m, key: `${m.key}/${i}` }));
    n.alert.labels = { ...n.alert.labels, channel: 'dtc-web' };
    n.group!.members = [{ ...mine!, labels: { channel: 'dtc-web' } }, { ...otherChannel!, labels: { channel: 'marketplace-a' } },
      { ...otherSite!, site: 'wh-west', labels: { channel: 'dtc-web' } }];
    const [seq] = await publish([n]);
    await until('the group notice', () => live.got.length >= 1);
    expect(live.got[0]!.notice.group?.members.map((m) => m.key)).toEqual([mine!.key]);
    const replayed = await client(g.url, { token: channelToken, since: seq! - 1 });
    await until('the replayed group notice', () => replayed.got.length >= 1);
    expect(replayed.got[0]!.notice.group?.members.map((m) => m.key)).toEqual([mine!.key]);
  });

  test('a stream read for a subscribe that was replaced does not scan the stream', async () => {
    const seqs = await publish([notice(), notice(), notice()]);
    const feed = startAlertFeed({ nc, memory: 0, replayMax: 1_000, replayConcurrency: 1, log, onNotice: () => undefined, onInvalid: () => undefined });
    await until('the feed', () => feed.ready());
    const upTo = Math.max(...seqs);
    expect((await feed.read(upTo - 3, upTo, () => true)).notices).toHaveLength(3);
    expect((await feed.read(upTo - 3, upTo, () => true, () => true)).notices).toEqual([]);
    await feed.stop();
  });

  test('two gateways side by side both deliver, each from its own feed', async () => {
    const [g1, g2] = [await gateway(), await gateway()];
    const a = await client(g1.url, { token: token({ role: 'program', sites: ['*'] }) });
    const b = await client(g2.url, { token: token({ role: 'program', sites: ['*'] }) });
    const ns = [notice(), notice({ site: 'wh-west' }), notice({ site: 'wh-north' })];
    const seqs = await publish(ns);
    await until('both clients', () => a.got.length >= 3 && b.got.length >= 3);
    expect(a.got.map((n) => n.seq)).toEqual([...seqs].sort((x, y) => x - y));
    expect(b.got.map((n) => n.seq)).toEqual(a.got.map((n) => n.seq));
  });

  for (const source of ['memory', 'stream'] as const) {
    test(`reconnect with since: every missed notice exactly once, in order, while notices keep coming (replay from ${source})`, async () => {
      const g = await gateway({ replayMemory: source === 'memory' ? 5_000 : 0 });
      const watcher = await client(g.url, { token: token({ sub: 'all', role: 'program', sites: ['*'] }) });
      const first = await client(g.url, { token: token({ sub: 'east', role: 'planner', sites: ['wh-east'] }) });
      // A producer publishing east and west notices throughout: before, during and after the reconnect.
      const east: string[] = [];
      let all = 0;
      let producing = true;
      const producer = (async () => {
        for (let i = 0; producing; i++) {
          const batch = [notice({ site: i % 2 ? 'wh-west' : 'wh-east' }), notice({ site: 'wh-east' })];
          await publish(batch);
          all += batch.length;
          east.push(...batch.filter((n) => n.alert.site === 'wh-east').map((n) => n.id));
          await sleep(i % 5 === 0 ? 0 : 5);
        }
      })();
      await until('some live notices', () => first.got.length >= 10);
      first.c.close();
      const had = first.got.length;
      const since = first.c.lastSeq();
      expect(since).toBe(first.got.at(-1)!.seq);
      await sleep(300); // missed while away
      const again = await client(g.url, { token: token({ sub: 'east', role: 'planner', sites: ['wh-east'] }), since });
      await sleep(200);
      producing = false;
      await producer;
      await until('the watcher has everything', () => watcher.got.length >= all);
      await until('the east client has caught up', () => first.got.length + again.got.length >= east.length);
      await sleep(200);
      const seqs = again.got.map((n) => n.seq);
      expect(new Set(seqs).size).toBe(seqs.length); // no duplicate
      expect(seqs.every((s) => s > since)).toBe(true); // nothing it had
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y)); // in order
      expect([...first.ids(), ...again.ids()].sort()).toEqual([...east].sort()); // no gap
      expect(again.got.length).toBeGreaterThan(0);
      expect(first.got.length).toBe(had);
      expect(g.metrics.replays.get({ source, outcome: 'ok' })).toBe(1);
    });
  }

  test('since before the stream\'s first sequence, or further back than the replay bound: gap, with the latest notices replayed', async () => {
    const g = await gateway({ replayMemory: 0, replayMax: 100 });
    const seqs = await publish(Array.from({ length: 150 }, () => notice()));
    const last = Math.max(...seqs);
    // Subscribe once this gateway's feed has read them (on a busy machine it can lag the publisher's acks).
    await until('the feed to read them', () => g.metrics.feedSeq.get() >= last);
    const far = await client(g.url, { token: token({ role: 'program', sites: ['*'] }), since: last - 150 });
    const subscribed = far.statuses.find((s) => s.state === 'subscribed');
    expect(subscribed && subscribed.state === 'subscribed' && subscribed.result).toMatchObject({ gap: true, replayed: 100, lastSeq: last });
    expect(far.got.map((n) => n.seq)).toEqual(Array.from({ length: 100 }, (_, i) => last - 99 + i));
    const jsm = await jetstreamManager(nc);
    await jsm.streams.purge(ALERTS_STREAM, { keep: 10 });
    const gaps: boolean[] = [];
    const old = await client(g.url, { token: token({ role: 'program', sites: ['*'] }), since: last - 20, onGap: (r) => gaps.push(r.gap) });
    expect(gaps).toEqual([true]);
    expect(old.got.map((n) => n.seq)).toEqual(Array.from({ length: 10 }, (_, i) => last - 9 + i));
    const current = await client(g.url, { token: token({ role: 'program', sites: ['*'] }), since: last - 5, onGap: (r) => gaps.push(r.gap) });
    expect(gaps).toEqual([true]);
    expect(current.got).toHaveLength(5);
  });

  test('an invalid inbound event gets bad_request and the socket stays; a missing callback does not crash the gateway', async () => {
    const g = await gateway();
    const s = rawSocket(g.url, { token: token({}) });
    await until('connected', () => s.connected);
    const answer = (event: 'subscribe' | 'ack' | 'resolve' | 'unsubscribe', req: unknown) =>
      (s.timeout(5_000).emitWithAck as (e: string, r: unknown) => Promise<{ ok: boolean; error?: { code: string } }>)(event, req);
    expect(await answer('subscribe', { filter: { sites: 'wh-east' } })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await answer('subscribe', { filter: {}, surprise: 1 })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await answer('subscribe', 'subscribe me')).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await answer('ack', { key: '' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await answer('resolve', { key: 'k' })).toMatchObject({ ok: false, error: { code: 'bad_request' } }); // a resolve needs a comment
    (s.emit as (e: string, ...a: unknown[]) => void)('subscribe', { filter: 7 });
    (s.emit as (e: string, ...a: unknown[]) => void)('ack', { key: 'k' }, 'not a function');
    (s.emit as (e: string, ...a: unknown[]) => void)('no-such-event', {});
    await sleep(100);
    expect(s.connected).toBe(true);
    expect(await answer('subscribe', {})).toMatchObject({ ok: true, result: { replayed: 0, gap: false } });
    expect(await answer('unsubscribe', {})).toEqual({ ok: true, result: { unsubscribed: true } });
    expect(g.metrics.requests.get({ event: 'subscribe', outcome: 'bad_request' })).toBe(4);
  });

  test('a client that stops reading is dropped as a slow consumer; a healthy one gets everything', async () => {
    const g = await gateway({ maxQueuedPackets: 8, maxQueuedBytes: 256 * 1024 });
    const healthy = await client(g.url, { token: token({ role: 'program', sites: ['*'] }) });
    // A raw engine.io/Socket.IO client over `ws`, so its socket can be paused (nothing read, TCP buffers fill).
    const ws = new WebSocket(`ws://127.0.0.1:${g.port}${REALTIME_PATH}/?EIO=4&transport=websocket`);
    const frames: string[] = [];
    ws.on('message', (d) => {
      const text = d.toString();
      frames.push(text.slice(0, 64));
      if (text === '2') ws.send('3'); // engine.io ping → pong while we still read
      if (text.startsWith('0{')) ws.send(`40${JSON.stringify({ token: token({ role: 'program', sites: ['*'] }) })}`);
      if (text.startsWith('40{')) ws.send('420["subscribe",{}]');
    });
    const closed = new Promise<void>((r) => ws.once('close', () => r()));
    await until('the raw client subscribed', () => frames.some((f) => f.startsWith('430[{"ok":true')));
    ws.pause();
    // ~150 KB a notice (a group of 100 members): 120 of them are 18 MB, more than loopback socket buffers hold.
    const total = 120;
    for (let i = 0; i < total; i += 10) await publish(Array.from({ length: 10 }, () => notice({ members: 100 })));
    await until('the slow consumer dropped', () => g.metrics.slowConsumers.get() === 1, 30_000);
    await until('the healthy client got everything', () => healthy.got.length === total, 30_000);
    expect(healthy.statuses.filter((s) => s.state === 'disconnected')).toEqual([]);
    ws.resume();
    await closed; // the server closed the slow one
    expect(g.metrics.connections.get()).toBe(1);
  });

  test('KPI ticks reach subscribers that asked for them, scoped to their sites', async () => {
    const g = await gateway();
    const figures = (n: number): KpiFigures => ({ ordersLastHour: n, unitsLastHour: 2 * n, shippedLastHour: n, openOrders: 10 * n,
      eventsPerSecond: n / 2, firingAlerts: 1, criticalAlerts: 0 });
    const tick: KpiTick = { at: new Date().toISOString(), network: figures(60), sites: { 'wh-east': figures(10), 'wh-west': figures(20), 'wh-north': figures(30) } };
    const planner: KpiTick[] = [];
    const admin: KpiTick[] = [];
    clients.push(await connectAlerts({ url: g.url, token: token({ sites: ['wh-east', 'wh-west'] }), onKpi: (t) => planner.push(t) }));
    clients.push(await connectAlerts({ url: g.url, token: ROOT, onKpi: (t) => admin.push(t), onNotices: () => undefined }));
    const without = rawSocket(g.url, { token: token({ sites: ['wh-east'] }) });
    let withoutKpi = 0;
    without.on('kpi', () => withoutKpi++);
    expect(await without.timeout(5_000).emitWithAck('subscribe', { filter: {} })).toMatchObject({ ok: true });
    nc.publish(KPI_SUBJECT, 'not json');
    nc.publish(KPI_SUBJECT, JSON.stringify(tick));
    await until('the ticks', () => planner.length === 1 && admin.length === 1);
    await sleep(100);
    expect(admin[0]).toEqual(tick);
    expect(Object.keys(planner[0]!.sites).sort()).toEqual(['wh-east', 'wh-west']);
    expect(planner[0]!.network).toEqual({ ...figures(30), firingAlerts: 2 }); // the sum of the two visible sites
    expect(withoutKpi).toBe(0);
    expect(g.metrics.kpiTicks.get({ outcome: 'invalid' })).toBe(1);
  });

  test('ack and resolve go to the alert engine with the socket\'s principal; its answers and its absence are mapped', async () => {
    const g = await gateway();
    const seen: unknown[] = [];
    const alert = notice().alert;
    const engine = nc.subscribe('alertctl.ack', { callback: (_e, m) => {
      const req = m.json<{ key: string }>();
      seen.push(req);
      m.respond(JSON.stringify(req.key === 'missing' ? { ok: false, error: { code: 'not_found', message: 'no such alert' } }
        : { ok: true, result: { alert: { ...alert, key: req.key, state: 'acknowledged' } } }));
    } });
    await nc.flush();
    const c = await client(g.url, { token: token({ sub: 'ann', role: 'planner', sites: ['wh-east'] }) });
    const ok = await c.c.ack('test-rule|wh-east|1', 'on it');
    expect(ok).toMatchObject({ ok: true, result: { alert: { key: 'test-rule|wh-east|1', state: 'acknowledged' } } });
    expect(seen[0]).toEqual({ principal: { sub: 'ann', role: 'planner', sites: ['wh-east'], channels: ['*'] }, key: 'test-rule|wh-east|1', comment: 'on it' });
    expect(await c.c.ack('missing')).toEqual({ ok: false, error: { code: 'not_found', message: 'no such alert' } });
    expect(await c.c.resolve('test-rule|wh-east|1', 'fixed')).toMatchObject({ ok: false, error: { code: 'unavailable' } }); // nobody answers resolve
    engine.unsubscribe();
  });

  test('one socket may not queue more than 8 control requests: the rest are answered unavailable at once', async () => {
    const g = await gateway();
    const held: { respond: (d: string) => boolean }[] = [];
    const engine = nc.subscribe('alertctl.ack', { callback: (_e, m) => { held.push(m); } });
    await nc.flush();
    const c = await client(g.url, { token: token({ sub: 'bot', role: 'program', sites: ['*'] }) });
    const answers = Array.from({ length: 10 }, (_, i) => c.c.ack(`k${i}`));
    const refused = await Promise.race([Promise.all(answers.slice(8)), sleep(2_000).then(() => null)]);
    expect(refused?.map((a) => a.ok ? 'ok' : a.error.code)).toEqual(['unavailable', 'unavailable']);
    await until('8 forwarded', () => held.length === 8 || undefined);
    for (const m of held) m.respond(JSON.stringify({ ok: false, error: { code: 'not_found', message: 'gone' } }));
    expect((await Promise.all(answers.slice(0, 8))).every((a) => !a.ok && a.error.code === 'not_found')).toBe(true);
    expect((await c.c.ack('k-after')).ok).toBe(false); // slots are given back
    engine.unsubscribe();
  });

  test('batching: 50 notices published at once arrive in a few batches, in stream order', async () => {
    const g = await gateway();
    const c = await client(g.url, { token: token({ role: 'program', sites: ['*'] }) });
    const seqs = await publish(Array.from({ length: 50 }, () => notice()));
    await until('50 notices', () => c.got.length === 50);
    expect(c.got.map((n) => n.seq)).toEqual([...seqs].sort((a, b) => a - b));
    expect(c.batches.length).toBeLessThanOrEqual(4);
    expect(g.metrics.batches.get()).toBe(c.batches.length);
  });

  test('a token that expires while connected: bye token_expired, then disconnected', async () => {
    const g = await gateway();
    const c = await client(g.url, { token: token({}, { ttlSeconds: 2 }) });
    const refused = await until('the expiry', () => c.statuses.find((s) => s.state === 'refused'), 5_000);
    expect(refused).toEqual({ state: 'refused', refusal: { code: 'expired', message: expect.any(String) } });
    expect(c.statuses.some((s) => s.state === 'bye' && s.bye.reason === 'token_expired')).toBe(true);
    await until('disconnected', () => c.statuses.some((s) => s.state === 'disconnected'));
    expect(g.metrics.expired.get()).toBe(1);
  });

  test('a ticket only opens the connection: it stays up after the ticket expires', async () => {
    const g = await gateway();
    const s = rawSocket(g.url, { token: token({}, { kind: 'ticket', ttlSeconds: 1 }) });
    const byes: Bye[] = [];
    s.on('bye', (b) => byes.push(b));
    await until('connected', () => s.connected);
    await sleep(2_500);
    expect(byes).toEqual([]);
    expect(s.connected).toBe(true);
    s.close();
  });

  test('shutdown: every socket is told (bye shutdown) and closed', async () => {
    const g = await gateway();
    const s = rawSocket(g.url, { token: token({}) });
    const byes: Bye[] = [];
    s.on('bye', (b) => byes.push(b));
    await until('connected', () => s.connected);
    await g.close();
    expect(byes).toEqual([{ reason: 'shutdown', message: expect.any(String) }]);
    expect(s.connected).toBe(false);
  });
});
