import { describe, expect, test } from 'vitest';
import { ServerError } from './errors.ts';
import { SessionState, setStatement, useStatement } from './session-state.ts';

function stateWith(baselines: Record<string, string>): SessionState {
  const s = new SessionState();
  for (const [k, v] of Object.entries(baselines)) s.recordBaseline(k, v);
  return s;
}

describe('SessionState', () => {
  test('sets only what differs and restores baselines when a request no longer asks', () => {
    const s = stateWith({ max_threads: 'auto(2)', async_insert: '0' });
    expect(s.plan({ max_threads: '3' })).toEqual([['max_threads', '3']]);
    s.applied([['max_threads', '3']], true);
    expect(s.plan({ max_threads: '3' })).toEqual([]);
    expect(s.plan({ async_insert: '0' })).toEqual([['max_threads', 'auto(2)']]);
    s.applied([['max_threads', 'auto(2)']], true);
    expect(s.plan({})).toEqual([]);
  });

  test('re-sets a setting whose SET failed, since its value is unknown', () => {
    const s = stateWith({ max_threads: 'auto(2)' });
    s.applied([['max_threads', 'nonsense']], false);
    expect(s.plan({})).toEqual([['max_threads', 'auto(2)']]);
  });

  test('asks for unknown baselines and refuses settings the engine does not have', () => {
    const s = stateWith({ max_threads: 'auto(2)' });
    expect(s.missingBaselines({ max_threads: '1', no_such_thing: '1' })).toEqual(['no_such_thing']);
    expect(() => s.plan({ no_such_thing: '1' })).toThrowError(expect.objectContaining({ code: 115 }) as unknown as Error);
  });

  test('quotes values and refuses names that are not plain identifiers', () => {
    expect(setStatement([['format_csv_delimiter', "'"], ['x', 'a\\b']])).toBe("SET format_csv_delimiter='\\'', x='a\\\\b'");
    expect(useStatement('tower')).toBe('USE `tower`');
    expect(() => useStatement('a`; DROP')).toThrow(ServerError);
    expect(() => new SessionState().missingBaselines({ 'max_threads=1, readonly': '1' })).toThrow(ServerError);
  });
});
