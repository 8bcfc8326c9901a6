/** The alert rules, read-only for most: the engine's current rule set with its version; the page says who may edit. */
import { alertctl } from '$lib/server/alertctl.ts';
import { alertctlDeps } from '$lib/server/services.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, setHeaders }) => {
  setHeaders({ 'cache-control': 'no-store' });
  const principal = locals.principal!; // hooks.server.ts redirected anyone without one
  const rules = await alertctl(alertctlDeps(), 'rules-get', { principal });
  return {
    ruleSet: rules.ok ? rules.result.ruleSet : null,
    // The engine also lets a rule's owner role change it; this page offers the JSON editor to admins and executives.
    canEdit: principal.role === 'admin' || principal.role === 'executive',
    error: rules.ok ? null : rules.error.message,
  };
};
