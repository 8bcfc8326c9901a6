import { defineConfig } from 'vitest/config';

// Integration tests start real servers (nats-server, the embedded ClickHouse, Chromium) on a 2-core machine:
// run files one at a time in forked processes, and give them minutes, not seconds.
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '.svelte-kit/**', 'build/**', '.data/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
