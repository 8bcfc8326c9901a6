/**
 * The web app's alert-control client against a real nats-server: requests carry the principal and are validated
 * before they leave; a missing, slow or off-contract engine becomes a typed answer; codes map to HTTP statuses.
 * The responder here stands in for the alert engine's NATS side (alerts/ tests the engine itself).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Principal } from '$contracts/access.ts';
import { connectNats, type NatsConnection } from '$runtime/nats.ts';
import { startNatsServer, type TestNatsServer } from '../../../test/nats-server.ts';
import { alertctl, alertctlResponse, type AlertctlDeps } from './alertctl.ts';

const planner: Principal = { sub: 'pat', role: 'planner', sites: ['wh-east'], channels: ['*'] };
let server: TestNatsServer;
let nc: NatsConnection;
let deps: AlertctlDeps;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connectNats({ url: server.url, name: 'alertctl-test' });
  deps = { nats: async () => nc, timeoutMs: 300 };
});
afterAll(async () => { await nc?.drain(); await server?.stop(); });

describe('alertctl', () => {
  test('no engine: unavailable, answered as 503 upstream_unavailable', async () => {
    const r = await alertctl(deps, 'list', { principal: planner });
    expect(r).toEqual({ ok: false, error: { code: 'unavailable', message: 'the alert engine is not running' } });
    const res = alertctlResponse(r);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 'upstream_unavailable' });
  });

  test('sends the validated request with the principal, and believes only a reply in its contract', async () => {
    const seen: unknown[] = [];
    const sub = nc.subscribe('alertctl.ack', { callback: (_e, m) => {
      const req = m.json<{ key: string }>();
      seen.push(req);
      if (req.key === 'missing') m.respond(JSON.stringify({ ok: false, error: { code: 'not_found', message: 'no alert missing' } }));
      else if (req.key === 'acked') m.respond(JSON.stringify({ ok: false, error: { code: 'invalid_state', message: 'already acknowledged' } }));
      else if (req.key === 'odd') m.respond(JSON.stringify({ ok: true, result: { alert: { key: 'odd' } } }));
      // 'slow': no answer
    } });
    try {
      expect(await alertctl(deps, 'ack', { principal: planner, key: 'missing', comment: 'on it' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
      expect(seen[0]).toEqual({ principal: planner, key: 'missing', comment: 'on it' });
      expect(alertctlResponse(await alertctl(deps, 'ack', { principal: planner, key: 'acked' })).status).toBe(409);
      const odd = await alertctl(deps, 'ack', { principal: planner, key: 'odd' });
      expect(odd).toMatchObject({ ok: false, error: { code: 'internal_error', message: expect.stringContaining('not in its contract') } });
      expect(await alertctl(deps, 'ack', { principal: planner, key: 'slow' }))
        .toEqual({ ok: false, error: { code: 'unavailable', message: 'the alert engine did not answer ack within 300 ms' } });
      // Invalid requests never leave: an empty key, a forged principal.
      const before = seen.length;
      expect(await alertctl(deps, 'ack', { principal: planner, key: '' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      expect(await alertctl(deps, 'ack', { principal: { ...planner, role: 'root' } as unknown as Principal, key: 'x' }))
        .toMatchObject({ ok: false, error: { code: 'bad_request' } });
      expect(seen.length).toBe(before);
    } finally { sub.unsubscribe(); }
  });

  test('error codes map to 400/403/404/409/503 with { code, message }', async () => {
    const cases = [['bad_request', 400, 'bad_request'], ['forbidden', 403, 'forbidden'], ['not_found', 404, 'not_found'],
      ['invalid_state', 409, 'invalid_state'], ['unavailable', 503, 'upstream_unavailable']] as const;
    for (const [code, status, apiCode] of cases) {
      const res = alertctlResponse({ ok: false, error: { code, message: 'why' } });
      expect([res.status, await res.json()]).toEqual([status, { code: apiCode, message: 'why' }]);
    }
    const ok = alertctlResponse({ ok: true, result: { silences: [] } });
    expect([ok.status, await ok.json()]).toEqual([200, { silences: [] }]);
  });
});
