/**
 * Socket `ack` / `resolve` forwarded to the alert engine as NATS requests on `alertctl.<op>`, carrying the
 * socket's principal (the engine checks scope and role). No answer within the timeout, or no engine: `unavailable`.
 */
import { AlertctlError, AlertctlResults, alertctlSubject } from '../../contracts/api/alerts.ts';
import type { Principal } from '../../contracts/access.ts';
import type { Alert } from '../../contracts/alerts.ts';
import type { AckRequest, Answer, ResolveRequest } from '../../contracts/realtime.ts';
import type { NatsConnection } from '../../runtime/nats.ts';

export async function forwardToEngine(o: { nc: NatsConnection; timeoutMs: number }, op: 'ack' | 'resolve', principal: Principal,
  req: AckRequest | ResolveRequest): Promise<Answer<{ alert: Alert }>> {
  let text: string;
  try {
    const m = await o.nc.request(alertctlSubject(op), JSON.stringify({ principal, ...req }), { timeout: o.timeoutMs });
    text = m.string();
  } catch (err) {
    return { ok: false, error: { code: 'unavailable', message: `the alert engine did not answer: ${(err as Error).message}` } };
  }
  let reply: { ok?: unknown; result?: unknown; error?: unknown };
  try { reply = JSON.parse(text) as typeof reply; } catch { reply = {}; }
  if (reply.ok === true) {
    const r = AlertctlResults[op].safeParse(reply.result);
    if (r.success) return { ok: true, result: r.data };
  } else if (reply.ok === false) {
    const e = AlertctlError.safeParse(reply.error);
    if (e.success) return { ok: false, error: e.data };
  }
  return { ok: false, error: { code: 'internal_error', message: 'the alert engine sent an answer this gateway does not understand' } };
}
