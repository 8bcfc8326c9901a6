/**
 * Starts child processes, waits until each says it is ready, and stops them in reverse order.
 * A child that dies on its own takes the whole system down with a message naming it: a half-running
 * control tower that looks healthy is worse than a clear stop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { childEnv } from './env.ts';

export interface ChildSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Resolves readiness when a line of output matches; without it the child is ready once spawned. */
  readyWhen?: RegExp | ((line: string) => boolean);
  readyTimeoutMs?: number;
  /** Where the child's output goes: a prefixed copy on our stdout, or nowhere. */
  output?: 'prefix' | 'quiet';
}

export interface Running { name: string; child: ChildProcess; readyLine?: string; exited: Promise<number | null> }

export class Supervisor {
  readonly children: Running[] = [];
  private stopping = false;
  constructor(private onUnexpectedExit: (name: string, code: number | null) => void = () => undefined) {}

  async start(spec: ChildSpec): Promise<Running> {
    const child = spawn(spec.command, spec.args, { env: spec.env ?? childEnv({}), cwd: spec.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const running: Running = { name: spec.name, child, exited };
    this.children.push(running);
    const matches = (line: string) => spec.readyWhen instanceof RegExp ? spec.readyWhen.test(line) : spec.readyWhen?.(line) ?? false;
    const tail: string[] = [];
    let timer: NodeJS.Timeout | undefined;
    const ready = new Promise<void>((resolve, reject) => {
      if (!spec.readyWhen) { child.once('spawn', () => resolve()); }
      const onLine = (line: string) => {
        tail.push(line); if (tail.length > 20) tail.shift();
        if (spec.output !== 'quiet') process.stdout.write(`[${spec.name}] ${line}\n`);
        if (!running.readyLine && spec.readyWhen && matches(line)) { running.readyLine = line; resolve(); }
      };
      createInterface({ input: child.stdout! }).on('line', onLine);
      createInterface({ input: child.stderr! }).on('line', onLine);
      child.once('error', (err) => reject(new Error(`${spec.name} could not start: ${err.message}`)));
      void exited.then((code) => reject(new Error(`${spec.name} exited with code ${code} before it was ready:\n  ${tail.join('\n  ')}`)));
      timer = setTimeout(() => reject(new Error(`${spec.name} not ready after ${spec.readyTimeoutMs ?? 60_000} ms:\n  ${tail.join('\n  ')}`)),
        spec.readyTimeoutMs ?? 60_000);
    });
    try {
      await ready;
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    } finally {
      clearTimeout(timer);
    }
    void exited.then((code) => { if (!this.stopping) this.onUnexpectedExit(spec.name, code); });
    return running;
  }

  /** SIGTERM each child, newest first, waiting up to graceMs for each before SIGKILL. */
  async stopAll(graceMs = 15_000): Promise<void> {
    this.stopping = true;
    for (const r of [...this.children].reverse()) {
      if (r.child.exitCode !== null || r.child.signalCode !== null) continue;
      r.child.kill('SIGTERM');
      const t = setTimeout(() => r.child.kill('SIGKILL'), graceMs);
      await r.exited;
      clearTimeout(t);
    }
  }
}
