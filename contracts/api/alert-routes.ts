/**
 * The web app's HTTP shapes over the alert-control requests (contracts/api/alerts.ts): the same bodies without
 * `principal` (the web app adds the caller's), and the list's query string. Lists in query strings are
 * comma-separated (ids and alert types never contain a comma).
 */
import { z } from 'zod';
import { Id } from '../envelope.ts';
import { AlertState, AlertType, RuleSchema, Severity } from '../alerts.ts';
import { AlertctlRequests } from './alerts.ts';

const List = <T extends z.ZodType<string, string>>(item: T, max: number) => z.string().max(max * 130).optional()
  .transform((s) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(item).max(max));

/** GET /api/alerts?state=firing,acknowledged&site=wh-east&type=stockout_risk&minSeverity=warning&limit=500 */
export const AlertListQuery = z.object({
  state: List(AlertState, 6),
  site: List(Id, 200),
  type: List(AlertType, 50),
  minSeverity: Severity.optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
}).strict();
export type AlertListQuery = z.infer<typeof AlertListQuery>;

/** POST /api/alerts/[key]/ack */
export const AckBody = z.object({ comment: z.string().trim().max(1000).optional() }).strict();
/** POST /api/alerts/[key]/resolve */
export const ResolveBody = z.object({ comment: z.string().trim().min(1, 'say why you resolve it').max(1000) }).strict();
/** POST /api/silences */
export const SilenceCreateBody = AlertctlRequests['silence-create'].omit({ principal: true });
export type SilenceCreateBody = z.input<typeof SilenceCreateBody>;
/** GET /api/silences?includeEnded=true */
export const SilenceListQuery = z.object({ includeEnded: z.enum(['true', 'false']).default('false').transform((v) => v === 'true') }).strict();
/** PUT /api/alert-rules/[id]: the rule (its id must be the path's) and why. */
export const RulePutBody = z.object({ rule: RuleSchema, comment: z.string().trim().max(1000).optional() }).strict();
