// SvelteKit lives under web/; the rest of the repository is plain TypeScript services.
import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ out: 'build' }),
    files: {
      routes: 'web/routes',
      lib: 'web/lib',
      appTemplate: 'web/app.html',
      hooks: { server: 'web/hooks.server', client: 'web/hooks.client' },
      assets: 'web/static',
      params: 'web/params',
    },
    alias: { $contracts: 'contracts', $clickhouse: 'clickhouse', $runtime: 'runtime' },
  },
};
