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
    // Pages: scripts only from us (SvelteKit adds the nonce of its inline start script); styles also inline,
    // because ECharts writes style attributes into its tooltip HTML. hooks.server.ts adds the other headers.
    csp: {
      mode: 'nonce',
      directives: {
        'default-src': ['self'], 'script-src': ['self'], 'style-src': ['self', 'unsafe-inline'],
        'img-src': ['self', 'data:'], 'connect-src': ['self'], 'font-src': ['self'], 'object-src': ['none'],
        'base-uri': ['self'], 'form-action': ['self'], 'frame-ancestors': ['none'],
      },
    },
  },
};
