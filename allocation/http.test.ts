/**
 * The HTTP API refuses bad requests with the right status and a JSON `{code, message}`, and a refused request
 * changes no position. One in-process instance (it leads) behind startHttpApi, configured through the real
 * config schema with the smallest body limit it accepts (1 KiB), against its own nats-server.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AllocationError, AtpResult, PositionsResult, ReserveResult } from '../contracts/api/allocation.ts';
import type { OpsEvent } from '../contracts/index.ts';
import { createLogger } from '../runtime/logger.ts';
import { connectNats, type NatsConnection } from '../runtime/nats.ts';
import { publishEvents, waitFor } from '../test/backbone.ts';
import { startNatsServer, type TestNatsServer } from '../test/nats-server.ts';
import { createAllocationClient } from './client.ts';
import { loadAllocationConfig } from './config.ts';
import { startHttpApi } from './http.ts';
import { DEFAULT_LOCATIONS } from './locations.ts';
import { startAllocationService, type AllocationService } from './service.ts';

const TOKEN = 'http-test-token-0123456789';
const SKU = 'SKU-HTTP-1';

let nats: TestNatsServer;
let nc: NatsConnection;
let service: AllocationService;
let api: Awaited<ReturnType<typeof startHttpApi>>;
let base: string;

beforeAll(async () => {
  nats = await startNatsServer();
  nc = await connectNats({ url: nats.url, name: 'http-test' });
  const cfg = loadAllocationConfig({ NATS_URL: nats.url, TOWER_API_TOKEN: TOKEN, ALLOCATION_PORT: '0', ALLOCATION_LEASE_MS: '1000',
    ALLOCATION_MAX_BODY_BYTES: '1024' });
  const log = createLogger('allocation', 'silent');
  service = await startAllocationService({ nc, log, locations: DEFAULT_LOCATIONS, instanceId: 'http-test', leaseMs: cfg.ALLOCATION_LEASE_MS });
  api = await startHttpApi({ port: cfg.ALLOCATION_PORT, host: cfg.ALLOCATION_HOST, token: cfg.TOWER_API_TOKEN,
    maxBodyBytes: cfg.ALLOCATION_MAX_BODY_BYTES, client: createAllocationClient({ nc, retryForMs: 3_000 }),
    registry: service.metrics.registry, log, ready: () => ({ ok: true, detail: { leader: service.isLeader() } }) });
  base = `http://127.0.0.1:${api.port}`;
  const received: OpsEvent = { id: 'http-rcv-1', type: 'stock.received', occurredAt: new Date().toISOString(), source: 'wms',
    site: 'wh-east', schemaVersion: 1, sku: SKU, qty: 50 };
  await publishEvents(nc, [received]);
  await waitFor('the receipt applied', async () => (await atp()).positions[0]?.onHand === 50, 20_000, 50);
});

afterAll(async () => {
  await api?.close();
  await service?.stop();
  await nc?.close();
  await nats?.stop();
});

const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

async function post(op: string, body: unknown, headers: Record<string, string> = auth): Promise<Response> {
  return fetch(`${base}/v1/${op}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

async function atp(): Promise<AtpResult> {
  const r = await post('atp', { skus: [SKU] });
  expect(r.status).toBe(200);
  return AtpResult.parse(await r.json());
}

async function positions(): Promise<PositionsResult['positions']> {
  const r = await post('positions', {});
  expect(r.status).toBe(200);
  return PositionsResult.parse(await r.json()).positions;
}

const reserve = (key: string, lines: unknown, extra: Record<string, unknown> = {}) =>
  ({ idempotencyKey: key, orderId: `order-${key}`, channel: 'dtc-web', shipToRegion: 'us-ne', lines, ...extra });

/** Send a request that must be refused: the status, an error body with the code, and no position changed. */
async function expectRefused(send: () => Promise<Response>, status: number, code: string): Promise<AllocationError> {
  const before = await positions();
  const r = await send();
  const text = await r.text();
  expect(r.status, text).toBe(status);
  expect(r.headers.get('content-type')).toBe('application/json');
  const err = AllocationError.parse(JSON.parse(text));
  expect(err.code).toBe(code);
  expect(err.message.length).toBeGreaterThan(0);
  expect(await positions()).toEqual(before);
  return err;
}

describe('allocation HTTP API: bad requests', () => {
  test('a valid reserve works (the baseline the refusals are compared with)', async () => {
    const r = await post('reserve', reserve('ok-1', [{ sku: SKU, qty: 2 }]));
    expect(r.status).toBe(200);
    const res = ReserveResult.parse(await r.json());
    expect(res.status).toBe('reserved');
    expect(res.allocations).toEqual([{ sku: SKU, location: 'wh-east', qty: 2 }]);
    expect((await atp()).positions[0]).toMatchObject({ onHand: 50, reserved: 2, atp: 48 });
  });

  test('zero qty: 400 bad_request naming the field', async () => {
    const err = await expectRefused(() => post('reserve', reserve('zero', [{ sku: SKU, qty: 0 }])), 400, 'bad_request');
    expect(err.message).toMatch(/lines\.0\.qty/);
  });

  test('negative qty: 400 bad_request', async () => {
    await expectRefused(() => post('reserve', reserve('neg', [{ sku: SKU, qty: -3 }])), 400, 'bad_request');
  });

  test('unknown sku: 422 unknown_sku', async () => {
    const err = await expectRefused(() => post('reserve', reserve('unknown', [{ sku: 'SKU-NEVER-SEEN', qty: 1 }])), 422, 'unknown_sku');
    expect(err.message).toContain('SKU-NEVER-SEEN');
  });

  test('unknown sku on one line of two: 422, and the known line is not reserved either', async () => {
    await expectRefused(() => post('reserve', reserve('unknown-2', [{ sku: SKU, qty: 1 }, { sku: 'SKU-NEVER-SEEN', qty: 1 }])), 422, 'unknown_sku');
  });

  test('duplicate lines: 400 bad_request', async () => {
    const err = await expectRefused(() => post('reserve', reserve('dup', [{ sku: SKU, qty: 1 }, { sku: SKU, qty: 2 }])), 400, 'bad_request');
    expect(err.message).toMatch(/duplicate sku/);
  });

  test('a body over ALLOCATION_MAX_BODY_BYTES: 413 payload_too_large (declared length)', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => ({ sku: `${SKU}-${i}`, qty: 1 }));
    const body = JSON.stringify(reserve('big', lines));
    expect(body.length).toBeGreaterThan(1024);
    await expectRefused(() => post('reserve', body), 413, 'payload_too_large');
  });

  test('a body over ALLOCATION_MAX_BODY_BYTES: 413 payload_too_large (chunked, no declared length)', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => ({ sku: `${SKU}-${i}`, qty: 1 }));
    const bytes = new TextEncoder().encode(JSON.stringify(reserve('big-chunked', lines)));
    await expectRefused(() => {
      const stream = new ReadableStream<Uint8Array>({
        start(c) { for (let i = 0; i < bytes.length; i += 256) c.enqueue(bytes.slice(i, i + 256)); c.close(); },
      });
      return fetch(`${base}/v1/reserve`, { method: 'POST', headers: auth, body: stream, duplex: 'half' } as RequestInit);
    }, 413, 'payload_too_large');
  });

  test('malformed JSON: 400 bad_request', async () => {
    const err = await expectRefused(() => post('reserve', '{"idempotencyKey": "m", "lines": [{'), 400, 'bad_request');
    expect(err.message).toMatch(/JSON/);
  });

  test('missing token: 401 unauthorized', async () => {
    await expectRefused(() => post('reserve', reserve('no-token', [{ sku: SKU, qty: 1 }]), { 'content-type': 'application/json' }),
      401, 'unauthorized');
  });

  test('wrong token (same length and another length): 401 unauthorized', async () => {
    const sameLength = TOKEN.replace(/.$/, 'X');
    for (const t of [sameLength, 'short', `${TOKEN}-longer`]) {
      await expectRefused(() => post('reserve', reserve(`bad-token-${t.length}`, [{ sku: SKU, qty: 1 }]),
        { authorization: `Bearer ${t}`, 'content-type': 'application/json' }), 401, 'unauthorized');
    }
    // The token alone, without the Bearer scheme, is not accepted either.
    await expectRefused(() => post('reserve', reserve('no-scheme', [{ sku: SKU, qty: 1 }]), { authorization: TOKEN }), 401, 'unauthorized');
  });

  test('unknown route: 404 not_found', async () => {
    await expectRefused(() => post('reserve-everything', {}), 404, 'not_found');
    await expectRefused(() => fetch(`${base}/v2/reserve`, { method: 'POST', headers: auth, body: '{}' }), 404, 'not_found');
    await expectRefused(() => fetch(`${base}/`, { headers: auth }), 404, 'not_found');
  });

  test('GET on a POST-only op: 405 with Allow: POST', async () => {
    const before = await positions();
    const r = await fetch(`${base}/v1/reserve`, { headers: auth });
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('POST');
    const err = AllocationError.parse(await r.json());
    expect(err.message).toContain('POST /v1/reserve');
    expect(await positions()).toEqual(before);
    // atp is the one op that also answers GET.
    const g = await fetch(`${base}/v1/atp?sku=${SKU}`, { headers: auth });
    expect(g.status).toBe(200);
    expect(AtpResult.parse(await g.json()).positions[0]).toMatchObject({ sku: SKU, location: 'wh-east', onHand: 50 });
  });

  test('the same idempotency key with another body: 409 idempotency_conflict; with the same body: the first answer', async () => {
    const first = await post('reserve', reserve('idem-1', [{ sku: SKU, qty: 3 }]));
    expect(first.status).toBe(200);
    const answer = ReserveResult.parse(await first.json());
    expect(answer.status).toBe('reserved');
    const err = await expectRefused(() => post('reserve', reserve('idem-1', [{ sku: SKU, qty: 4 }])), 409, 'idempotency_conflict');
    expect(err.message).toContain('idem-1');
    // Another op under the same key is a different request too.
    await expectRefused(() => post('release', { idempotencyKey: 'idem-1', orderId: 'order-idem-1' }), 409, 'idempotency_conflict');
    const before = await positions();
    const again = await post('reserve', reserve('idem-1', [{ sku: SKU, qty: 3 }]));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(answer);
    expect(await positions()).toEqual(before);
    expect((await atp()).positions[0]).toMatchObject({ reserved: 5, atp: 45 });
  });

  test('a second reserve for an order with a live reservation: 409 invalid_state', async () => {
    await expectRefused(() => post('reserve', { ...reserve('idem-2', [{ sku: SKU, qty: 1 }]), orderId: 'order-idem-1' }), 409, 'invalid_state');
  });

  test('an unknown location in an adjustment: 422 unknown_location', async () => {
    await expectRefused(() => post('adjust', { idempotencyKey: 'adj-1', sku: SKU, location: 'wh-nowhere', kind: 'adjustment', qty: 5,
      reference: 'count-1' }), 422, 'unknown_location');
  });

  test('/healthz answers 200; /readyz says this instance leads; /metrics counts requests by op and outcome', async () => {
    const h = await fetch(`${base}/healthz`);
    expect(h.status).toBe(200);
    expect(await h.json()).toEqual({ ok: true });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true, leader: true });
    const m = await fetch(`${base}/metrics`);
    expect(m.status).toBe(200);
    const text = await m.text();
    expect(text).toContain('# TYPE allocation_requests_total counter');
    expect(text).toMatch(/^allocation_requests_total\{op="reserve",outcome="ok"\} [1-9]\d*$/m);
    expect(text).toMatch(/^allocation_requests_total\{op="reserve",outcome="bad_request"\} [1-9]\d*$/m);
    expect(text).toMatch(/^allocation_requests_total\{op="reserve",outcome="unknown_sku"\} [1-9]\d*$/m);
  });
});
