/**
 * POST /api/realtime/ticket — a 60 s ticket for the caller's principal and the gateway to open it at (one of
 * GATEWAY_PUBLIC_URLS at random, so several gateways share the sockets). The browser asks again on every
 * (re)connect attempt. POST, so no cache or prefetch ever holds a ticket.
 */
import { json } from '@sveltejs/kit';
import type { RealtimeTicket } from '$contracts/api/realtime-ticket.ts';
import { apiError } from '$lib/server/api-error.ts';
import { issueTicket } from '$lib/server/auth.ts';
import { webConfig } from '$lib/server/config.ts';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = ({ locals }) => {
  const principal = locals.principal;
  if (!principal) return apiError(401, 'unauthorized', 'Sign in first.'); // hooks already refuse; belt and braces
  const urls = webConfig().GATEWAY_PUBLIC_URLS;
  const ticket: RealtimeTicket = { ...issueTicket(principal), url: urls[Math.floor(Math.random() * urls.length)]! };
  return json(ticket, { headers: { 'cache-control': 'no-store' } });
};
