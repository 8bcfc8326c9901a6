/** POST /logout — drop the session cookie and go to the sign-in page. */
import { redirect } from '@sveltejs/kit';
import { signOut } from '$lib/server/auth.ts';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = ({ cookies }) => {
  signOut(cookies);
  redirect(303, '/login');
};
