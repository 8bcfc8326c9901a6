/**
 * A throwaway nats-server with JetStream for integration tests: a free port picked up front (nats-server 2.9
 * does not reliably report the port it chose for -p 0), a temporary store directory, and readiness = the port
 * accepts TCP. kill() simulates a crash (SIGKILL, store kept); restart() brings it back on the same port and
 * store; stop() is the graceful end (SIGTERM, wait, remove the store).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { freePort } from '../runtime/local-services.ts';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestNatsServer {
  url: string;
  port: number;
  storeDir: string;
  /** SIGTERM and wait for exit; removes the store unless keepData (then restart() recovers it). */
  stop(o?: { keepData?: boolean }): Promise<void>;
  /** SIGKILL and wait for exit, store kept: a crash. */
  kill(): Promise<void>;
  /** Start again on the same port and store (after kill or stop({ keepData })). */
  restart(): Promise<void>;
}

const BINARY = existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : 'nats-server';
/** JetStream recovers its store before listening; 15 s covers a few hundred MB on a slow disk. */
const READY_TIMEOUT_MS = 15_000;
const EXIT_TIMEOUT_MS = 10_000;

export async function startNatsServer(): Promise<TestNatsServer> {
  const port = await freePort();
  const storeDir = mkdtempSync(path.join(tmpdir(), 'ct-test-nats-'));
  let child: ChildProcess | undefined;

  const launch = async () => {
    const proc = spawn(BINARY, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr!.on('data', (b: Buffer) => { stderr = (stderr + b.toString()).slice(-4000); });
    child = proc;
    const exited = new Promise<never>((_, reject) => proc.once('exit', (code) =>
      reject(new Error(`nats-server exited (code ${code}) before accepting connections:\n${stderr}`))));
    exited.catch(() => undefined);
    await Promise.race([waitForPort(port, READY_TIMEOUT_MS), exited]);
  };

  const end = async (signal: NodeJS.Signals) => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(signal);
    const timer = setTimeout(() => proc.kill('SIGKILL'), EXIT_TIMEOUT_MS);
    await gone;
    clearTimeout(timer);
  };

  await launch();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    async stop(o) {
      await end('SIGTERM');
      if (!o?.keepData) rmSync(storeDir, { recursive: true, force: true });
    },
    kill: () => end('SIGKILL'),
    async restart() {
      await end('SIGTERM');
      await launch();
    },
  };
}


async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ port, host: '127.0.0.1' });
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => { s.destroy(); resolve(false); });
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nats-server did not accept connections on port ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
