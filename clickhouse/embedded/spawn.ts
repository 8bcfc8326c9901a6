/**
 * Start the embedded server as a child process (`node --import tsx clickhouse/embedded/main.ts`) and wait for
 * its `listening` line. For tests and dev tooling that need a ClickHouse URL: chDB binds one data directory
 * per process, so a process that already runs an engine cannot open a second one in-process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { childEnv } from '../../runtime/env.ts';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface SpawnOptions {
  dataDir: string;
  /** Default 0: a free port, read from the listening line. */
  port?: number;
  password?: string;
  /** Start-up allowance; opening a data directory takes ~1 s, 30 s only trips on a broken start. */
  timeoutMs?: number;
}

export interface EmbeddedProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Lines the process wrote to stdout/stderr so far (for assertions and failure messages). */
  output: string[];
  /** Send a signal and resolve with the exit code (null when killed by the signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function spawnEmbeddedServer(o: SpawnOptions): Promise<EmbeddedProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: ROOT,
    env: childEnv({
      CLICKHOUSE_EMBEDDED_DIR: o.dataDir,
      CLICKHOUSE_EMBEDDED_PORT: String(o.port ?? 0),
      CLICKHOUSE_EMBEDDED_HOST: '127.0.0.1',
      CLICKHOUSE_PASSWORD: o.password,
      LOG_LEVEL: 'info',
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { void stop('SIGKILL'); reject(new Error(`embedded server did not start:\n${output.join('\n')}`)); },
      o.timeoutMs ?? 30_000);
    const onLine = (line: string) => {
      output.push(line);
      let msg: { msg?: string; port?: number } = {};
      try { msg = JSON.parse(line) as typeof msg; } catch { return; }
      if (msg.msg === 'listening' && typeof msg.port === 'number') {
        clearTimeout(timer);
        resolve({ url: `http://127.0.0.1:${msg.port}`, port: msg.port, child, output, stop });
      }
    };
    for (const stream of [child.stdout!, child.stderr!]) {
      let buffered = '';
      stream.setEncoding('utf8').on('data', (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        lines.forEach(onLine);
      });
    }
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`embedded server exited (${code}):\n${output.join('\n')}`)); });
  });
}
