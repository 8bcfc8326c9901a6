/**
 * Requests to the alert engine on NATS (`alertctl.<op>`), from the gateway (socket ack/resolve), the web app's
 * `/api/alerts/*` routes and the CLI. Every request carries the principal its sender authenticated; the engine
 * checks the principal's scope and role against the alert or silence it acts on. (Only trusted services may
 * publish on `alertctl.>`: NATS accounts in a deployment, as for `alloc.>`.)
 */
import { z } from 'zod';
import { PrincipalSchema } from '../access.ts';
import {
  ALERTCTL_SUBJECT_PREFIX, AlertFilterSchema, AlertSchema, AlertState, MatcherSchema, regexProblem, RuleId, RuleSchema, RuleSetSchema, SilenceSchema,
} from '../alerts.ts';

export const ALERTCTL_OPS = ['list', 'get', 'ack', 'resolve', 'silence-create', 'silence-list', 'silence-expire', 'rules-get', 'rules-put', 'rules-delete'] as const;
export type AlertctlOp = (typeof ALERTCTL_OPS)[number];
export const alertctlSubject = (op: AlertctlOp) => `${ALERTCTL_SUBJECT_PREFIX}.${op}`;

const withPrincipal = <S extends z.ZodRawShape>(shape: S) => z.object({ principal: PrincipalSchema, ...shape }).strict();
const Comment = z.string().trim().max(1000);

export const AlertctlRequests = {
  list: withPrincipal({ filter: AlertFilterSchema.default({}), states: z.array(AlertState).max(6).optional(),
    limit: z.number().int().min(1).max(5000).default(500) }),
  get: withPrincipal({ key: z.string().min(1).max(512) }),
  ack: withPrincipal({ key: z.string().min(1).max(512), comment: Comment.optional() }),
  /** A person closes an alert by hand (it re-fires at the next breaching evaluation). */
  resolve: withPrincipal({ key: z.string().min(1).max(512), comment: Comment.min(1, 'say why you resolve it') }),
  'silence-create': withPrincipal({ matchers: z.array(MatcherSchema.superRefine((m, ctx) => {
    const why = m.op === '=~' || m.op === '!~' ? regexProblem(m.value) : null;
    if (why) ctx.addIssue({ code: 'custom', path: ['value'], message: why });
  })).min(1).max(20),
    /** Absent: now. */ startsAt: z.iso.datetime({ offset: true }).optional(),
    durationSeconds: z.number().int().min(60).max(30 * 86_400), endOnResolve: z.boolean().default(false),
    comment: Comment.min(1, 'say why you silence it') }),
  'silence-list': withPrincipal({ includeEnded: z.boolean().default(false) }),
  'silence-expire': withPrincipal({ id: z.string().min(6).max(64) }),
  'rules-get': withPrincipal({}),
  /** Add or replace one rule; stores a new rule-set version. Admin, executive and the rule's owner role only. */
  'rules-put': withPrincipal({ rule: RuleSchema, comment: Comment.optional() }),
  'rules-delete': withPrincipal({ id: RuleId, comment: Comment.optional() }),
} satisfies Record<AlertctlOp, z.ZodType>;

export const AlertctlResults = {
  list: z.object({ alerts: z.array(AlertSchema) }),
  get: z.object({ alert: AlertSchema }),
  ack: z.object({ alert: AlertSchema }),
  resolve: z.object({ alert: AlertSchema }),
  'silence-create': z.object({ silence: SilenceSchema }),
  'silence-list': z.object({ silences: z.array(SilenceSchema) }),
  'silence-expire': z.object({ silence: SilenceSchema }),
  'rules-get': z.object({ ruleSet: RuleSetSchema }),
  'rules-put': z.object({ ruleSet: RuleSetSchema }),
  'rules-delete': z.object({ ruleSet: RuleSetSchema }),
} satisfies Record<AlertctlOp, z.ZodType>;
export type AlertctlRequest<O extends AlertctlOp> = z.input<(typeof AlertctlRequests)[O]>;
export type AlertctlResult<O extends AlertctlOp> = z.infer<(typeof AlertctlResults)[O]>;

export const AlertctlErrorCode = z.enum(['bad_request', 'not_found', 'forbidden', 'invalid_state', 'unavailable', 'internal_error']);
export type AlertctlErrorCode = z.infer<typeof AlertctlErrorCode>;
export const AlertctlError = z.object({ code: AlertctlErrorCode, message: z.string() });
export type AlertctlError = z.infer<typeof AlertctlError>;
export type AlertctlReply<T> = { ok: true; result: T } | { ok: false; error: AlertctlError };
