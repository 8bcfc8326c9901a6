import { describe, expect, test } from 'vitest';
import { accessFor, safeNext } from './auth.ts';

describe('access classes', () => {
  test('only sign-in and health are open; /api and /metrics are APIs; everything else is a page', () => {
    expect(accessFor('/login')).toBe('public');
    expect(accessFor('/healthz')).toBe('public');
    expect(accessFor('/metrics')).toBe('metrics');
    expect(accessFor('/api/ingest/overview')).toBe('api');
    expect(accessFor('/api')).toBe('api');
    expect(accessFor('/')).toBe('page');
    expect(accessFor('/apiary')).toBe('page');
    expect(accessFor('/login/extra')).toBe('page');
  });

  test('returns only to same-site paths after sign-in', () => {
    expect(safeNext('/orders?x=1')).toBe('/orders?x=1');
    expect(safeNext(null)).toBe('/');
    expect(safeNext('//evil.example')).toBe('/');
    expect(safeNext('/\\evil.example')).toBe('/');
    expect(safeNext('https://evil.example')).toBe('/');
  });
});
