/**
 * Sign in: GET /login?token=… (the link `npm start` prints) or the form below POSTing the token — the root token
 * or a signed `api` token. A valid one sets the session cookie (carrying its principal) and redirects to `next`
 * (same-site paths only) or `/`.
 */
import { fail, redirect } from '@sveltejs/kit';
import { safeNext, signIn } from '$lib/server/auth.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ url, cookies, setHeaders }) => {
  setHeaders({ 'cache-control': 'no-store' });
  const token = url.searchParams.get('token');
  if (token === null) return { failed: null };
  const r = signIn(token, cookies, url);
  if (r.ok) redirect(303, safeNext(url.searchParams.get('next')));
  return { failed: r.why };
};

export const actions: Actions = {
  default: async ({ request, cookies, url }) => {
    const token = (await request.formData()).get('token');
    const r = signIn(typeof token === 'string' ? token.trim() : null, cookies, url);
    if (r.ok) redirect(303, safeNext(url.searchParams.get('next')));
    return fail(401, { failed: r.why });
  },
};
