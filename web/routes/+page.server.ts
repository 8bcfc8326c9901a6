/** The live ingest overview: rendered with data on the server, then polled by the page every 2 s. */
import { loadIngestOverview } from '$lib/server/ingest-overview.ts';
import { clickhouseFailed, overviewDeps } from '$lib/server/services.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ setHeaders }) => {
  setHeaders({ 'cache-control': 'no-store' });
  try {
    return { overview: await loadIngestOverview(overviewDeps(), { minutes: 10 }), error: null };
  } catch (err) {
    return { overview: null, error: clickhouseFailed(err) };
  }
};
