/**
 * The web app's client of the alert engine: one NATS request `alertctl.<op>` per API call, carrying the caller's
 * principal (the engine checks scope and role). Requests are validated before they leave and replies before they
 * are believed; a missing engine or a slow one (3 s: the engine answers from memory, well under 100 ms) becomes
 * `unavailable`, which the routes answer as 503 — never a thrown 500.
 */
import { json } from '@sveltejs/kit';
import { RequestError, TimeoutError } from '@nats-io/transport-node';
import { z } from 'zod';
import {
  AlertctlError, AlertctlRequests, AlertctlResults, alertctlSubject,
  type AlertctlErrorCode, type AlertctlOp, type AlertctlReply, type AlertctlRequest, type AlertctlResult,
} from '$contracts/api/alerts.ts';
import type { ApiErrorCode } from '$contracts/api/error.ts';
import { describeIssues } from '$contracts/events.ts';
import type { NatsConnection } from '$runtime/nats.ts';
import { apiError } from './api-error.ts';

export interface AlertctlDeps {
  nats: () => Promise<NatsConnection>;
  timeoutMs?: number;
  onUnavailable?: (why: string) => void;
}

export type AlertctlAnswer<O extends AlertctlOp> = AlertctlReply<AlertctlResult<O>>;

const DEFAULT_TIMEOUT_MS = 3_000;

const replySchemas = new Map<AlertctlOp, z.ZodType>();
function replySchema(op: AlertctlOp): z.ZodType {
  let s = replySchemas.get(op);
  if (!s) {
    s = z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), result: AlertctlResults[op] }), z.object({ ok: z.literal(false), error: AlertctlError })]);
    replySchemas.set(op, s);
  }
  return s;
}

const failure = (code: AlertctlErrorCode, message: string) => ({ ok: false as const, error: { code, message } });

/** Ask the alert engine to do `op` for `request.principal`. Never throws. */
export async function alertctl<O extends AlertctlOp>(deps: AlertctlDeps, op: O, request: AlertctlRequest<O>): Promise<AlertctlAnswer<O>> {
  const req = AlertctlRequests[op].safeParse(request);
  if (!req.success) return failure('bad_request', describeIssues(req.error));
  const timeout = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let raw: unknown;
  try {
    const nc = await deps.nats();
    raw = (await nc.request(alertctlSubject(op), JSON.stringify(req.data), { timeout })).json();
  } catch (err) {
    const why = err instanceof RequestError && err.isNoResponders() ? 'the alert engine is not running'
      : err instanceof TimeoutError ? `the alert engine did not answer ${op} within ${timeout} ms`
        : `NATS is unreachable: ${(err as Error).message}`;
    deps.onUnavailable?.(why);
    return failure('unavailable', why);
  }
  const reply = replySchema(op).safeParse(raw);
  if (!reply.success) return failure('internal_error', `the alert engine's ${op} answer is not in its contract: ${describeIssues(reply.error)}`);
  return reply.data as AlertctlAnswer<O>;
}

const HTTP: Record<AlertctlErrorCode, [number, ApiErrorCode]> = {
  bad_request: [400, 'bad_request'], forbidden: [403, 'forbidden'], not_found: [404, 'not_found'],
  invalid_state: [409, 'invalid_state'], unavailable: [503, 'upstream_unavailable'], internal_error: [502, 'internal_error'],
};

/** The HTTP answer to an alert-engine reply: the result as JSON, or `{ code, message }` with its status. */
export function alertctlResponse<T>(reply: AlertctlReply<T>): Response {
  if (reply.ok) return json(reply.result, { headers: { 'cache-control': 'no-store' } });
  const [status, code] = HTTP[reply.error.code];
  return apiError(status, code, reply.error.message);
}

/** Parse a JSON request body with a schema; a 400 Response when it is not JSON or does not fit. */
export async function readBody<S extends z.ZodType>(request: Request, schema: S, empty?: unknown): Promise<{ ok: true; data: z.infer<S> } | { ok: false; res: Response }> {
  const text = await request.text();
  let body: unknown = empty;
  if (text.trim() !== '' || empty === undefined) {
    try { body = JSON.parse(text); } catch { return { ok: false, res: apiError(400, 'bad_request', 'The body must be JSON.') }; }
  }
  const parsed = schema.safeParse(body);
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, res: apiError(400, 'bad_request', describeIssues(parsed.error)) };
}
