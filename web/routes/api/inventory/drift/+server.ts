/** GET /api/inventory/drift?limit=10 — the latest allocation-vs-ledger drift check (`check: null` before the first). */
import { json } from '@sveltejs/kit';
import { InventoryDriftQuery } from '$contracts/api/inventory.ts';
import { describeIssues } from '$contracts/events.ts';
import { apiError } from '$lib/server/api-error.ts';
import { loadInventoryDrift } from '$lib/server/inventory.ts';
import { clickhouseFailed, inventoryDeps } from '$lib/server/services.ts';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ url, locals }) => {
  if (!locals.principal) return apiError(401, 'unauthorized', 'Sign in first.'); // hooks already refuse; belt and braces
  const q = InventoryDriftQuery.safeParse(Object.fromEntries(url.searchParams));
  if (!q.success) return apiError(400, 'bad_request', describeIssues(q.error));
  try {
    return json(await loadInventoryDrift(inventoryDeps(), q.data, locals.principal), { headers: { 'cache-control': 'no-store' } });
  } catch (err) {
    return apiError(503, 'upstream_unavailable', clickhouseFailed(err, 'inventory drift'));
  }
};
