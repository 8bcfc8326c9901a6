/** GET /metrics — Prometheus text; hooks.server.ts lets only `Authorization: Bearer <TOWER_API_TOKEN>` through. */
import { text } from '@sveltejs/kit';
import { webRegistry } from '$lib/server/http-metrics.ts';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = () =>
  text(webRegistry.render(), { headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' } });
