/** GET /healthz — liveness, no auth: the process answers HTTP. Upstream health shows on the page and /metrics. */
import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = () => json({ ok: true }, { headers: { 'cache-control': 'no-store' } });
