/** GET /api/ingest/overview?minutes=10 — the live ingest page's data (contracts/api/ingest-overview.ts). */
import { json } from '@sveltejs/kit';
import { IngestOverviewQuery } from '$contracts/api/ingest-overview.ts';
import { describeIssues } from '$contracts/events.ts';
import { apiError } from '$lib/server/api-error.ts';
import { loadIngestOverview } from '$lib/server/ingest-overview.ts';
import { clickhouseFailed, overviewDeps } from '$lib/server/services.ts';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ url, locals }) => {
  if (!locals.principal) return apiError(401, 'unauthorized', 'Sign in first.'); // hooks already refuse; belt and braces
  const q = IngestOverviewQuery.safeParse(Object.fromEntries(url.searchParams));
  if (!q.success) return apiError(400, 'bad_request', describeIssues(q.error));
  try {
    const overview = await loadIngestOverview(overviewDeps(), q.data);
    return json(overview, { headers: { 'cache-control': 'no-store' } });
  } catch (err) {
    return apiError(503, 'upstream_unavailable', clickhouseFailed(err));
  }
};
