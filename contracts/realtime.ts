/**
 * The realtime gateway's Socket.IO event map, shared by the server (web/gateway) and every client (dashboard,
 * `tower alerts tail`, programs). Connect with `auth: { token }` — an API token, or a short-lived ticket the web app
 * issues to a signed-in browser (`POST /api/realtime/ticket`). Every inbound event is validated with the schemas
 * below and answers through its acknowledgement callback.
 */
import { z } from 'zod';
import { AlertFilterSchema, AlertNoticeSchema, AlertSchema } from './alerts.ts';

/** Stream sequence of a notice in ALERTS: a client keeps the last one it saw and resumes after it. */
export const Seq = z.number().int().nonnegative();

export const SequencedNoticeSchema = z.object({ seq: Seq, notice: AlertNoticeSchema });
export type SequencedNotice = z.infer<typeof SequencedNoticeSchema>;

/** Notices for one room, sent together (the gateway batches for at most 100 ms), in stream order. */
export const AlertBatchSchema = z.object({ notices: z.array(SequencedNoticeSchema) });
export type AlertBatch = z.infer<typeof AlertBatchSchema>;

export const KpiFiguresSchema = z.object({
  ordersLastHour: z.number().nonnegative(),
  unitsLastHour: z.number().nonnegative(),
  shippedLastHour: z.number().nonnegative(),
  openOrders: z.number().nonnegative(),
  eventsPerSecond: z.number().nonnegative(),
  firingAlerts: z.number().int().nonnegative(),
  criticalAlerts: z.number().int().nonnegative(),
});
export type KpiFigures = z.infer<typeof KpiFiguresSchema>;
/** Published on `kpi.tick` every few seconds; each client gets the sites in its scope (network = their sum). */
export const KpiTickSchema = z.object({
  at: z.iso.datetime({ offset: true }),
  network: KpiFiguresSchema,
  sites: z.record(z.string(), KpiFiguresSchema),
});
export type KpiTick = z.infer<typeof KpiTickSchema>;

export const SubscribeRequestSchema = z.object({
  filter: AlertFilterSchema.default({}),
  /** The last sequence this client saw: the gateway first sends every later notice in scope, then live ones. */
  since: Seq.optional(),
  /** Also receive KPI ticks. */
  kpi: z.boolean().default(false),
}).strict();
export type SubscribeRequest = z.input<typeof SubscribeRequestSchema>;
export const SubscribeResultSchema = z.object({
  /** Notices replayed from `since` before live ones. */
  replayed: z.number().int().nonnegative(),
  /** The stream's last sequence when the subscription went live. */
  lastSeq: Seq,
  /** True when notices after `since` have aged out of the stream (reload the alert list over the API). */
  gap: z.boolean(),
});
export type SubscribeResult = z.infer<typeof SubscribeResultSchema>;

export const AckRequestSchema = z.object({ key: z.string().min(1).max(512), comment: z.string().trim().max(1000).optional() }).strict();
export const ResolveRequestSchema = z.object({ key: z.string().min(1).max(512), comment: z.string().trim().min(1).max(1000) }).strict();
export type AckRequest = z.infer<typeof AckRequestSchema>;
export type ResolveRequest = z.infer<typeof ResolveRequestSchema>;

export const RealtimeErrorCode = z.enum(['unauthorized', 'forbidden', 'bad_request', 'not_found', 'invalid_state', 'unavailable', 'internal_error']);
export type RealtimeErrorCode = z.infer<typeof RealtimeErrorCode>;
export type Answer<T> = { ok: true; result: T } | { ok: false; error: { code: RealtimeErrorCode; message: string } };

/** Why the gateway disconnected a socket (sent as `bye` just before). */
export const ByeSchema = z.object({ reason: z.enum(['slow_consumer', 'token_expired', 'shutdown']), message: z.string() });
export type Bye = z.infer<typeof ByeSchema>;

export interface ServerToClientEvents {
  alerts: (batch: AlertBatch) => void;
  kpi: (tick: KpiTick) => void;
  bye: (bye: Bye) => void;
}

export interface ClientToServerEvents {
  subscribe: (req: SubscribeRequest, answer: (a: Answer<SubscribeResult>) => void) => void;
  unsubscribe: (req: Record<string, never>, answer: (a: Answer<{ unsubscribed: boolean }>) => void) => void;
  ack: (req: AckRequest, answer: (a: Answer<{ alert: z.infer<typeof AlertSchema> }>) => void) => void;
  resolve: (req: ResolveRequest, answer: (a: Answer<{ alert: z.infer<typeof AlertSchema> }>) => void) => void;
}

/** Error `data` on a refused connection (`connect_error`). */
export const ConnectRefusalSchema = z.object({ code: z.enum(['unauthorized', 'expired', 'forbidden']), message: z.string() });
export type ConnectRefusal = z.infer<typeof ConnectRefusalSchema>;

/** The socket path, so the gateway can sit behind the web app's origin. */
export const REALTIME_PATH = '/realtime';
