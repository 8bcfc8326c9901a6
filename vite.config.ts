import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [sveltekit()],
  server: { fs: { allow: ['contracts', 'clickhouse', 'runtime'] } },
  // chdb is a native addon used only by the embedded server process; keep it out of the web bundle.
  ssr: { external: ['chdb', '@clickhouse/client', 'pino'] },
  // ECharts (core + line + bar, ~550 kB minified, ~160 kB brotli) is one lazily imported chunk; the default
  // 500 kB warning would fire on every build for it.
  build: { chunkSizeWarningLimit: 600 },
});
