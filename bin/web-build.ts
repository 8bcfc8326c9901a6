/** Build the SvelteKit app (adapter-node, into build/) when its sources are newer than the last build. */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../runtime/local-services.ts';

const SOURCES = ['web', 'contracts', 'clickhouse/queries', 'clickhouse/client.ts', 'runtime', 'svelte.config.js', 'vite.config.ts', 'package-lock.json'];
const STAMP = path.join(REPO_ROOT, 'build', '.built-at');

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return readdirSync(p).reduce((m, f) => Math.max(m, newestMtime(path.join(p, f))), s.mtimeMs);
}

export function webBuildIsStale(): boolean {
  if (!existsSync(STAMP) || !existsSync(path.join(REPO_ROOT, 'build', 'index.js'))) return true;
  const built = statSync(STAMP).mtimeMs;
  return SOURCES.some((s) => newestMtime(path.join(REPO_ROOT, s)) > built);
}

export function buildWeb(log: (msg: string) => void = console.log): void {
  log('building the web app (vite build) …');
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
    { cwd: REPO_ROOT, stdio: 'inherit' });
  writeFileSync(STAMP, new Date().toISOString());
}

export function ensureWebBuild(log?: (msg: string) => void): void {
  if (webBuildIsStale()) buildWeb(log);
}
