/**
 * The embedded defaults: a local nats-server with JetStream, and the embedded ClickHouse (chDB served over
 * HTTP) in its own process — chDB allows one data directory per process, so it never shares ours.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { childEnv } from './env.ts';
import type { Running, Supervisor } from './supervisor.ts';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export const NATS_INSTALL_HINT = 'nats-server was not found on PATH. Install it with `sudo apt-get install -y nats-server` ' +
  '(Debian/Ubuntu; or download it from nats.io), or point NATS_URL at a running server.';

/** A TCP port free on loopback right now (nats-server 2.9 does not report the port it picked for -p 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** NATS_SERVER_BIN overrides the search (a test sets it to a missing path to check the start-up message). */
export function findNatsServer(override?: string): string | undefined {
  const candidates = override ? [override] : ['nats-server', '/usr/sbin/nats-server', '/usr/local/bin/nats-server'];
  for (const candidate of candidates) {
    try { execFileSync(candidate, ['--version'], { stdio: 'ignore' }); return candidate; } catch { /* try the next */ }
  }
  return undefined;
}

export async function startLocalNats(sup: Supervisor, o: { dataDir: string; port: number; host?: string; quiet?: boolean; bin?: string }): Promise<{ url: string; running: Running }> {
  const bin = findNatsServer(o.bin);
  if (!bin) throw new Error(NATS_INSTALL_HINT);
  mkdirSync(o.dataDir, { recursive: true });
  const host = o.host ?? '127.0.0.1';
  const running = await sup.start({
    name: 'nats', command: bin, args: ['-js', '-sd', o.dataDir, '-a', host, '-p', String(o.port)],
    readyWhen: /Server is ready/, readyTimeoutMs: 20_000, output: o.quiet ? 'quiet' : 'prefix',
  });
  return { url: `nats://${host}:${o.port}`, running };
}

export async function startEmbeddedClickHouse(sup: Supervisor, o: { dataDir: string; port: number; password?: string; quiet?: boolean }): Promise<{ url: string; running: Running }> {
  mkdirSync(o.dataDir, { recursive: true });
  let port = o.port;
  const running = await sup.start({
    name: 'clickhouse', command: process.execPath,
    args: ['--import', 'tsx', path.join(REPO_ROOT, 'clickhouse/embedded/main.ts')],
    cwd: REPO_ROOT,
    env: childEnv({ CLICKHOUSE_EMBEDDED_DIR: path.resolve(o.dataDir), CLICKHOUSE_EMBEDDED_PORT: String(o.port),
      CLICKHOUSE_PASSWORD: o.password }),
    readyWhen: (line) => {
      if (!line.includes('"listening"')) return false;
      try { port = (JSON.parse(line) as { port: number }).port; } catch { /* keep the requested port */ }
      return true;
    },
    readyTimeoutMs: 60_000, output: o.quiet ? 'quiet' : 'prefix',
  });
  return { url: `http://127.0.0.1:${port}`, running };
}
