/**
 * `tower tokens issue` and `tower alerts tail | ack | resolve` against a real nats-server and a realtime gateway:
 * the issued token is accepted with its scope, tail prints what it may see and survives a gateway restart without
 * missing or repeating a notice, refusals exit 3, bad arguments 2.
 */
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { ensureAlertsStream } from '../../alerts/stream.ts';
import { alertSubject, type Alert, type AlertNotice } from '../../contracts/alerts.ts';
import { accessKey, verifyAccessToken } from '../../runtime/access.ts';
import { createLogger } from '../../runtime/logger.ts';
import { connectNats, type NatsConnection } from '../../runtime/nats.ts';
import { startNatsServer, type TestNatsServer } from '../../test/nats-server.ts';
import { startGateway, type Gateway } from '../../web/gateway/server.ts';
import { main } from '../tower.ts';
import { tailAlerts } from './alerts.ts';
import { parseTtl } from './tokens.ts';
import { sleep, until } from '../../test/until.ts';

const ROOT = 'cli-test-root-token-0123456789';

let counter = 0;
function notice(site: string): AlertNotice {
  const n = ++counter;
  const at = new Date().toISOString();
  const alert: Alert = { key: `cli-rule|${site}|${n}`, ruleId: 'cli-rule', type: 'stockout_risk', title: `SKU-${n} runs out`, site, labels: {},
    ownerRole: 'planner', state: 'firing', severity: 'warning', impact: { ordersAtRisk: 2, revenueAtRisk: 50 }, value: 0.8, summary: 'cover 1.2 days',
    startsAt: at, firingAt: at, acknowledgedAt: null, acknowledgedBy: null, resolvedAt: null, updatedAt: at, groupKey: site, silencedBy: [],
    inhibitedBy: null, notices: 1 };
  return { id: `cli-notice-${process.pid}-${n}`, kind: 'firing', alert, actor: 'engine', at, silenced: false };
}

/** Run `tower …` in-process; stdout and stderr lines are captured. */
async function tower(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((m: string) => { out.push(String(m)); });
  const error = vi.spyOn(console, 'error').mockImplementation((m: string) => { err.push(String(m)); });
  try { return { code: await main(args), out, err }; } finally { log.mockRestore(); error.mockRestore(); }
}

describe('tower tokens and tower alerts', () => {
  let server: TestNatsServer;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let gw: Gateway;
  let url = '';
  const log = createLogger('cli-test', 'silent');
  const start = (port: number) => startGateway({ nc, log, port, host: '127.0.0.1', origins: [], rootToken: ROOT, batchMs: 25, maxQueuedPackets: 256,
    maxQueuedBytes: 1_048_576, replayMax: 10_000, replayMemory: 5_000, replayConcurrency: 2, alertctlTimeoutMs: 1_000 });
  const publish = async (n: AlertNotice) => (await js.publish(alertSubject(n.alert.site, n.alert.type), JSON.stringify(n), { msgID: n.id })).seq;

  beforeAll(async () => {
    vi.stubEnv('TOWER_API_TOKEN', ROOT);
    server = await startNatsServer();
    nc = await connectNats({ url: server.url, name: 'cli-test' });
    await ensureAlertsStream(nc);
    js = jetstream(nc);
    gw = await start(0);
    url = `http://127.0.0.1:${gw.port}`;
    await until('the feed', () => gw.ready());
  });
  afterAll(async () => {
    await gw?.close();
    await nc?.close();
    await server?.stop();
    vi.unstubAllEnvs();
  });

  test('tokens issue prints only a token that carries the principal; bad arguments exit 2', async () => {
    const r = await tower(['tokens', 'issue', '--role', 'planner', '--sites', 'wh-east,wh-west', '--name', 'ann@example.com', '--ttl', '2h']);
    expect(r.code).toBe(0);
    expect(r.out).toHaveLength(1);
    const check = verifyAccessToken({ key: accessKey(ROOT), root: ROOT, token: r.out[0], kinds: ['api'] });
    expect(check).toMatchObject({ ok: true, principal: { sub: 'ann@example.com', role: 'planner', sites: ['wh-east', 'wh-west'], channels: ['*'] } });
    expect(check.ok && check.expiresAt! - Date.now()).toBeGreaterThan(7_100_000);
    expect(r.err.join('\n')).toMatch(/planner; sites wh-east,wh-west/);
    expect((await tower(['tokens', 'issue', '--role', 'boss', '--sites', '*', '--name', 'x'])).code).toBe(2);
    expect((await tower(['tokens', 'issue', '--role', 'planner', '--name', 'x'])).code).toBe(2);
    expect((await tower(['tokens', 'issue', '--role', 'planner', '--sites', 'a b', '--name', 'x'])).code).toBe(2);
    expect((await tower(['tokens', 'issue', '--role', 'planner', '--sites', '*', '--name', 'x', '--ttl', '10y'])).code).toBe(2);
    expect(parseTtl('30d')).toBe(30 * 86_400);
    expect((await tower(['tokens', '--help'])).out[0]).toMatch(/Usage: tower tokens issue/);
  });

  test('alerts tail prints what the token may see, survives a gateway restart, and misses or repeats nothing', async () => {
    const token = (await tower(['tokens', 'issue', '--role', 'planner', '--sites', 'wh-east', '--name', 'tailer'])).out[0]!;
    const lines: string[] = [];
    const status: string[] = [];
    const ac = new AbortController();
    const tail = tailAlerts({ url, token, filter: {}, json: true, out: (l) => lines.push(l), err: (l) => status.push(l), signal: ac.signal });
    await until('subscribed', () => status.some((s) => s.startsWith('subscribed')));
    const seen = () => lines.map((l) => (JSON.parse(l) as { notice: AlertNotice }).notice.id);
    const before = notice('wh-east');
    await publish(notice('wh-west'));
    await publish(before);
    await until('the first notice', () => lines.length === 1);
    expect(seen()).toEqual([before.id]);

    const port = gw.port;
    await gw.close(); // bye shutdown; tail reconnects on its own
    const whileDown = notice('wh-east');
    await publish(whileDown);
    gw = await start(port);
    await until('the new feed', () => gw.ready());
    await until('the reconnect', () => status.filter((s) => s.startsWith('subscribed')).length === 2);
    const after = notice('wh-east');
    await publish(after);
    await until('three notices', () => lines.length >= 3);
    await sleep(200);
    expect(seen()).toEqual([before.id, whileDown.id, after.id]);
    expect(status.some((s) => /shutdown/.test(s))).toBe(true);
    ac.abort();
    expect(await tail).toBe(0);
    const text: string[] = [];
    const stopPlain = new AbortController();
    const plain = tailAlerts({ url, token, filter: {}, since: 0, json: false, out: (l) => text.push(l), err: () => undefined, signal: stopPlain.signal });
    await until('the replayed lines', () => text.length === 3);
    expect(text[0]).toMatch(/^\d+ \S+ firing\s+warning\s+wh-east stockout_risk: SKU-\d+ runs out — cover 1\.2 days \[cli-rule\|wh-east\|\d+\]$/);
    stopPlain.abort();
    expect(await plain).toBe(0);
  });

  test('refused tokens exit 3 with the reason; bad arguments exit 2', async () => {
    const r = await tower(['alerts', 'tail', '--url', url, '--token', 'not-a-token-at-all']);
    expect(r.code).toBe(3);
    expect(r.err.join('\n')).toMatch(/refused \(unauthorized\)/);
    expect((await tower(['alerts', 'ack', 'k', '--url', url, '--token', 'nope-nope-nope'])).code).toBe(3);
    expect((await tower(['alerts', 'tail', '--min-severity', 'loud', '--url', url, '--token', ROOT])).code).toBe(2);
    expect((await tower(['alerts', 'tail', '--since', '-4', '--url', url, '--token', ROOT])).code).toBe(2);
    expect((await tower(['alerts', 'resolve', 'k', '--url', url, '--token', ROOT])).code).toBe(2); // needs --comment
    expect((await tower(['alerts', 'follow'])).code).toBe(2);
    expect((await tower(['alerts', '--help'])).out[0]).toMatch(/Usage: tower alerts tail/);
  });

  test('alerts ack and resolve go over the socket to the engine with the token\'s principal', async () => {
    const token = (await tower(['tokens', 'issue', '--role', 'warehouse_lead', '--sites', 'wh-east', '--name', 'lee'])).out[0]!;
    const requests: { principal: { sub: string }; key: string; comment?: string }[] = [];
    const alert = notice('wh-east').alert;
    const engine = nc.subscribe('alertctl.*', { callback: (_e, m) => {
      const req = m.json<{ principal: { sub: string }; key: string; comment?: string }>();
      requests.push(req);
      const state = m.subject.endsWith('.ack') ? 'acknowledged' : 'resolved';
      m.respond(JSON.stringify(req.key === 'gone' ? { ok: false, error: { code: 'not_found', message: 'no alert gone' } }
        : { ok: true, result: { alert: { ...alert, key: req.key, state } } }));
    } });
    await nc.flush();
    const ack = await tower(['alerts', 'ack', alert.key, '--comment', 'looking', '--url', url, '--token', token]);
    expect(ack).toMatchObject({ code: 0, out: [`${alert.key}: acknowledged`] });
    const resolve = await tower(['alerts', 'resolve', alert.key, '--comment', 'restocked', '--url', url, '--token', token]);
    expect(resolve).toMatchObject({ code: 0, out: [`${alert.key}: resolved`] });
    expect(requests.map((r) => [r.principal.sub, r.key, r.comment])).toEqual([['lee', alert.key, 'looking'], ['lee', alert.key, 'restocked']]);
    const missing = await tower(['alerts', 'ack', 'gone', '--url', url, '--token', token]);
    expect(missing.code).toBe(1);
    expect(missing.err).toEqual(['not_found: no alert gone']);
    engine.unsubscribe();
  });
});
