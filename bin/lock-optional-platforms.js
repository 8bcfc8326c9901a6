#!/usr/bin/env node
// npm records only the optional platform binaries it could fetch; chdb's macOS and arm64 builds are not in
// every registry mirror, and `npm ci` then refuses the lock ("Missing: @chdb/lib-darwin-arm64@ from lock
// file"). This adds lock entries for the missing ones (platform-gated, so npm ci skips them on Linux x64).
// Run it after any `npm install` that rewrites package-lock.json: node bin/lock-optional-platforms.js
import { readFileSync, writeFileSync } from 'node:fs';

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const chdb = lock.packages['node_modules/chdb'];
const platforms = {
  '@chdb/lib-darwin-arm64': { os: ['darwin'], cpu: ['arm64'] },
  '@chdb/lib-darwin-x64': { os: ['darwin'], cpu: ['x64'] },
  '@chdb/lib-linux-arm64-gnu': { os: ['linux'], cpu: ['arm64'], libc: ['glibc'] },
  '@chdb/lib-linux-x64-gnu': { os: ['linux'], cpu: ['x64'], libc: ['glibc'] },
};
let added = 0;
for (const [name, version] of Object.entries(chdb?.optionalDependencies ?? {})) {
  const key = `node_modules/${name}`;
  if (lock.packages[key] || !platforms[name]) continue;
  lock.packages[key] = { version, ...platforms[name], license: 'Apache-2.0', optional: true };
  added++;
}
const entries = Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b)));
lock.packages = Object.fromEntries(entries);
writeFileSync('package-lock.json', JSON.stringify(lock, null, 2) + '\n');
console.log(`added ${added} platform entr${added === 1 ? 'y' : 'ies'} to package-lock.json`);
