/** GET /api/inventory/positions?sku=…&location=…&q=…&limit=200 — positions, lowest available-to-promise first. */
import { json } from '@sveltejs/kit';
import { InventoryPositionsQuery } from '$contracts/api/inventory.ts';
import { describeIssues } from '$contracts/events.ts';
import { apiError } from '$lib/server/api-error.ts';
import { loadInventoryPositions } from '$lib/server/inventory.ts';
import { clickhouseFailed, inventoryDeps } from '$lib/server/services.ts';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ url, locals }) => {
  if (!locals.principal) return apiError(401, 'unauthorized', 'Sign in first.'); // hooks already refuse; belt and braces
  const q = InventoryPositionsQuery.safeParse(Object.fromEntries(url.searchParams));
  if (!q.success) return apiError(400, 'bad_request', describeIssues(q.error));
  try {
    return json(await loadInventoryPositions(inventoryDeps(), q.data, locals.principal), { headers: { 'cache-control': 'no-store' } });
  } catch (err) {
    return apiError(503, 'upstream_unavailable', clickhouseFailed(err, 'inventory positions'));
  }
};
