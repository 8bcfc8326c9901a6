import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const dir = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Integration tests start real servers (nats-server, the embedded ClickHouse, Chromium) on a 2-core machine:
// run files one at a time in forked processes, and give them minutes, not seconds.
export default defineConfig({
  // The SvelteKit aliases (svelte.config.js), so web/lib/server modules can be unit-tested as they are.
  resolve: { alias: { $lib: dir('./web/lib'), $contracts: dir('./contracts'), $clickhouse: dir('./clickhouse'), $runtime: dir('./runtime') } },
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '.svelte-kit/**', 'build/**', '.data/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
