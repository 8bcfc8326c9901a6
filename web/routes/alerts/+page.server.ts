/** The alert inbox: every alert in the caller's scope and the silences, from the alert engine; the page then goes live. */
import { alertctl } from '$lib/server/alertctl.ts';
import { alertctlDeps } from '$lib/server/services.ts';
import type { PageServerLoad } from './$types';

/** The engine keeps open alerts and recently resolved ones; 2,000 covers a bad day at every site. */
const LIST_LIMIT = 2_000;

export const load: PageServerLoad = async ({ locals, setHeaders }) => {
  setHeaders({ 'cache-control': 'no-store' });
  const principal = locals.principal!; // hooks.server.ts redirected anyone without one
  const [list, silences] = await Promise.all([
    alertctl(alertctlDeps(), 'list', { principal, limit: LIST_LIMIT }),
    alertctl(alertctlDeps(), 'silence-list', { principal }),
  ]);
  return {
    alerts: list.ok ? list.result.alerts : [],
    silences: silences.ok ? silences.result.silences : [],
    error: list.ok ? null : list.error.message,
    generatedAt: Date.now(),
  };
};
