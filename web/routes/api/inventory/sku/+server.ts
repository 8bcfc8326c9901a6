/**
 * GET /api/inventory/sku?sku=…&location=…&days=30&movements=50 — one SKU-location's daily closing quantities
 * and newest ledger movements; 404 not_found when the ledger has no row for it.
 */
import { json } from '@sveltejs/kit';
import { InventorySkuQuery } from '$contracts/api/inventory.ts';
import { describeIssues } from '$contracts/events.ts';
import { apiError } from '$lib/server/api-error.ts';
import { loadInventorySku, scopedLocations } from '$lib/server/inventory.ts';
import { clickhouseFailed, inventoryDeps } from '$lib/server/services.ts';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ url, locals }) => {
  if (!locals.principal) return apiError(401, 'unauthorized', 'Sign in first.'); // hooks already refuse; belt and braces
  const q = InventorySkuQuery.safeParse(Object.fromEntries(url.searchParams));
  if (!q.success) return apiError(400, 'bad_request', describeIssues(q.error));
  if (scopedLocations(locals.principal, [q.data.location])?.length === 0) return apiError(403, 'forbidden', `${q.data.location} is outside your sites.`);
  try {
    const sku = await loadInventorySku(inventoryDeps(), q.data);
    if (!sku) return apiError(404, 'not_found', `No ledger movements for SKU ${q.data.sku} at ${q.data.location}.`);
    return json(sku, { headers: { 'cache-control': 'no-store' } });
  } catch (err) {
    return apiError(503, 'upstream_unavailable', clickhouseFailed(err, 'inventory sku'));
  }
};
