import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { childEnv } from '../../runtime/env.ts';
import { REPO_ROOT } from '../../runtime/local-services.ts';

describe('tower up', () => {
  test('a missing nats-server stops start-up with the install command', () => {
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin/tower.js'), 'up'], {
      cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000,
      env: childEnv({ NATS_URL: undefined, NATS_SERVER_BIN: '/nonexistent/nats-server', TOWER_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'ct-up-')) }),
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('sudo apt-get install -y nats-server');
  });

  test('a bad setting names the variable', () => {
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin/tower.js'), 'up'], {
      cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000, env: childEnv({ WEB_PORT: 'eighty' }),
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('WEB_PORT');
  });
});
