import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { loadConfig } from '../runtime/env.ts';
import { rootToken, TowerEnv } from './config.ts';

test('the root token: TOWER_API_TOKEN wins; else the launcher generates one once, keeps it 0600, and everyone reads it', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ct-root-'));
  const cfg = loadConfig(TowerEnv, { TOWER_DATA_DIR: dir });
  expect(rootToken(cfg)).toBeUndefined();
  const made = rootToken(cfg, { create: true })!;
  expect(made.length).toBeGreaterThanOrEqual(16);
  expect(statSync(path.join(dir, 'api-token')).mode & 0o777).toBe(0o600);
  expect(rootToken(cfg)).toBe(made);
  expect(rootToken(cfg, { create: true })).toBe(made);
  expect(rootToken(loadConfig(TowerEnv, { TOWER_DATA_DIR: dir, TOWER_API_TOKEN: 'from-the-environment-123' }))).toBe('from-the-environment-123');
});
