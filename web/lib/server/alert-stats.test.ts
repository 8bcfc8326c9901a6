import { describe, expect, test } from 'vitest';
import { statsScope } from './alert-stats.ts';

describe('statsScope', () => {
  test('everyone-scoped: no filter, or exactly the sites asked for', () => {
    const admin = { sites: ['*'], channels: ['*'] };
    expect(statsScope(admin, [])).toEqual({ ok: true, sites: [], channels: [] });
    expect(statsScope(admin, ['wh-east'])).toEqual({ ok: true, sites: ['wh-east'], channels: [] });
  });

  test('site-scoped: its sites plus network; channels passed on', () => {
    const east = { sites: ['wh-east'], channels: ['dtc-web'] };
    expect(statsScope(east, [])).toEqual({ ok: true, sites: ['wh-east', 'network'], channels: ['dtc-web'] });
    expect(statsScope(east, ['network'])).toEqual({ ok: true, sites: ['network'], channels: ['dtc-web'] });
  });

  test('a site outside the scope is refused, not dropped', () => {
    expect(statsScope({ sites: ['wh-east'], channels: ['*'] }, ['wh-east', 'wh-west'])).toEqual({ ok: false, outside: ['wh-west'] });
  });
});
