import { describe, expect, test } from 'vitest';
import { accessKey, bearerToken, ROOT_PRINCIPAL, signAccessToken, verifyAccessToken } from './access.ts';

const root = 'root-token-0123456789abcdef';
const key = accessKey(root);
const planner = { sub: 'pat', role: 'planner' as const, sites: ['wh-east'], channels: ['*'] as ['*'] };

describe('access tokens', () => {
  test('a signed api token verifies to its principal', () => {
    const t = signAccessToken(key, planner, { kind: 'api', ttlSeconds: 60 });
    const c = verifyAccessToken({ key, root, token: t, kinds: ['api'] });
    expect(c.ok && c.principal).toEqual(planner);
  });
  test('the root token is the admin principal unless refused', () => {
    expect(verifyAccessToken({ key, root, token: root, kinds: ['api'] })).toMatchObject({ ok: true, principal: ROOT_PRINCIPAL });
    expect(verifyAccessToken({ key, root, token: root, kinds: ['session'], acceptRoot: false })).toEqual({ ok: false, reason: 'bad_signature' });
  });
  test('expired, forged, tampered, wrong-kind and missing tokens are refused', () => {
    const now = Date.now();
    const t = signAccessToken(key, planner, { kind: 'ticket', ttlSeconds: 30, now });
    expect(verifyAccessToken({ key, root, token: t, kinds: ['ticket'], now: now + 31_000 })).toEqual({ ok: false, reason: 'expired' });
    const forged = signAccessToken(accessKey('another-root-token-xxxxxxxx'), planner, { kind: 'ticket', ttlSeconds: 30 });
    expect(verifyAccessToken({ key, root, token: forged, kinds: ['ticket'] })).toEqual({ ok: false, reason: 'bad_signature' });
    const [p, body, sig] = t.split('.');
    const widened = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body!, 'base64url').toString()), sites: ['*'] })).toString('base64url');
    expect(verifyAccessToken({ key, root, token: `${p}.${widened}.${sig}`, kinds: ['ticket'] })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyAccessToken({ key, root, token: t, kinds: ['api'] })).toEqual({ ok: false, reason: 'wrong_kind' });
    expect(verifyAccessToken({ key, root, token: '', kinds: ['api'] })).toEqual({ ok: false, reason: 'missing' });
    expect(verifyAccessToken({ key, root, token: 'ct1.x', kinds: ['api'] })).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyAccessToken({ key, root, token: 'guess', kinds: ['api'] })).toEqual({ ok: false, reason: 'bad_signature' });
  });
  test('bearer header parsing', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
  });
});
