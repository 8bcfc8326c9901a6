import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [sveltekit()],
  server: { fs: { allow: ['contracts', 'clickhouse', 'runtime'] } },
  // chdb is a native addon used only by the embedded server process; keep it out of the web bundle.
  ssr: { external: ['chdb', '@clickhouse/client', 'pino'] },
});
