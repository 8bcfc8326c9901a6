/**
 * Ack and resolve from the inbox: over the gateway socket when it is live (the answer comes on the connection
 * that also brings the notice), else over HTTP (POST /api/alerts/[key]/ack|resolve) — same engine, same checks.
 */
import type { Alert } from '$contracts/alerts.ts';
import { sendJson } from '../api-client.ts';
import type { RealtimeLink } from './connect.ts';

export type ActionResult = { ok: true; alert: Alert } | { ok: false; message: string };

export async function actOnAlert(link: RealtimeLink | null, op: 'ack' | 'resolve', key: string, comment?: string): Promise<ActionResult> {
  const viaSocket = link ? await link.act(op, key, comment) : null;
  if (viaSocket) return viaSocket.ok ? { ok: true, alert: viaSocket.result.alert } : { ok: false, message: viaSocket.error.message };
  const r = await sendJson<{ alert: Alert }>('POST', `/api/alerts/${encodeURIComponent(key)}/${op}`, comment ? { comment } : {});
  return r.ok ? { ok: true, alert: r.data.alert } : { ok: false, message: r.message };
}
