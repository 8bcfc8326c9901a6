/**
 * The inventory page: drift check and positions rendered on the server, then polled by the page.
 * `?sku=…&location=…` opens that SKU-location's drilldown (a link other pages can give).
 */
import { InventoryPositionsQuery, InventorySkuQuery } from '$contracts/api/inventory.ts';
import { loadInventoryDrift, loadInventoryPositions } from '$lib/server/inventory.ts';
import { clickhouseFailed, inventoryDeps } from '$lib/server/services.ts';
import type { PageServerLoad } from './$types';

/** Rows the page shows and polls for: 200 positions to scroll the worst of, the 10 largest drifts. */
const LIMITS = { positions: 200, driftRows: 10 };

export const load: PageServerLoad = async ({ setHeaders, url, locals }) => {
  setHeaders({ 'cache-control': 'no-store' });
  const pick = InventorySkuQuery.pick({ sku: true, location: true }).safeParse(Object.fromEntries(url.searchParams));
  const selected = pick.success ? pick.data : null;
  try {
    const deps = inventoryDeps();
    const who = locals.principal ?? { sites: [] }; // hooks send anyone without a principal to /login
    const positions = await loadInventoryPositions(deps, InventoryPositionsQuery.parse({ limit: LIMITS.positions }), who);
    const drift = await loadInventoryDrift(deps, { limit: LIMITS.driftRows }, who);
    return { positions, drift, selected, limits: LIMITS, error: null };
  } catch (err) {
    return { positions: null, drift: null, selected, limits: LIMITS, error: clickhouseFailed(err, 'inventory page') };
  }
};
