/**
 * Who is asking: the principal carried by API tokens, browser sessions and gateway tickets. Roles route alerts
 * (an owner role per rule); `sites` and `channels` scope what a principal may see and act on, `['*']` = all.
 */
import { z } from 'zod';
import { Id } from './envelope.ts';

/** People's roles, plus `program` (a subscriber program) and `admin` (the root TOWER_API_TOKEN). */
export const Role = z.enum(['admin', 'executive', 'warehouse_lead', 'planner', 'program']);
export type Role = z.infer<typeof Role>;
/** The roles a rule can name as its owner. */
export const OwnerRole = z.enum(['executive', 'warehouse_lead', 'planner']);
export type OwnerRole = z.infer<typeof OwnerRole>;

/** A scope list: explicit ids, or `['*']` for every one. */
export const ScopeList = z.array(z.union([z.literal('*'), Id])).min(1).max(200);

export const PrincipalSchema = z.object({
  /** Who: a person's or program's name, for audit ("acknowledged by …"). */
  sub: z.string().min(1).max(128).regex(/^[\w.@:\-/ ]+$/),
  role: Role,
  sites: ScopeList,
  channels: ScopeList,
}).strict();
export type Principal = z.infer<typeof PrincipalSchema>;

/** What a signed token says: the principal, its kind and validity (epoch seconds). */
export const TokenClaimsSchema = PrincipalSchema.extend({
  v: z.literal(1),
  /** `api`: long-lived, for programs and people; `session`: a browser cookie; `ticket`: a short gateway pass. */
  kind: z.enum(['api', 'session', 'ticket']),
  iat: z.number().int().nonnegative(),
  exp: z.number().int().positive(),
  /** Token id, so one token can be named in logs without the token itself. */
  jti: z.string().min(6).max(64),
}).strict();
export type TokenClaims = z.infer<typeof TokenClaimsSchema>;

export const ALL: ['*'] = ['*'];

/** Whether a scope list admits a value (`undefined` values — e.g. no channel label — are always admitted). */
export function inScope(list: readonly string[], value: string | undefined): boolean {
  return value === undefined || list.includes('*') || list.includes(value);
}
