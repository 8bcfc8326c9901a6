/**
 * Sign in: GET /login?token=… (the link `npm start` prints) or the form below POSTing the token. A match
 * sets the signed session cookie and redirects to `next` (same-site paths only) or `/`.
 */
import { fail, redirect } from '@sveltejs/kit';
import { safeNext, signIn } from '$lib/server/auth.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ url, cookies, setHeaders }) => {
  setHeaders({ 'cache-control': 'no-store' });
  const token = url.searchParams.get('token');
  if (token === null) return { failed: false };
  if (signIn(token, cookies, url)) redirect(303, safeNext(url.searchParams.get('next')));
  return { failed: true };
};

export const actions: Actions = {
  default: async ({ request, cookies, url }) => {
    const token = (await request.formData()).get('token');
    if (typeof token === 'string' && signIn(token.trim(), cookies, url)) redirect(303, safeNext(url.searchParams.get('next')));
    return fail(401, { failed: true });
  },
};
