/**
 * Alerts: rules (a versioned file, editable through the API), alert instances with their lifecycle, the notices
 * published on NATS (`alerts.<site>.<type>`, stream ALERTS — the gateway replays from it) and silences.
 *
 * Lifecycle: pending → firing → acknowledged → resolved, with flapping as its own state. `inactive` is the
 * state before pending (a rule's instance seen but not breaching) and is never published.
 */
import { z } from 'zod';
import { Id, Instant } from './envelope.ts';
import { OwnerRole, PrincipalSchema } from './access.ts';
import { RiskKind } from './risk.ts';

export const ALERTS_STREAM = 'ALERTS';
export const ALERTS_SUBJECT_PREFIX = 'alerts';
/** Control requests (ack, resolve, silences, rules) go to the alert engine on `alertctl.<op>`. */
export const ALERTCTL_SUBJECT_PREFIX = 'alertctl';
/** Live KPI ticks (core NATS, not stored): the gateway forwards them to dashboards. */
export const KPI_SUBJECT = 'kpi.tick';

/** A subject-safe token: NATS splits on `.`, and `*`/`>` are wildcards. */
export const subjectToken = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '_');
export const alertSubject = (site: string, type: string) => `${ALERTS_SUBJECT_PREFIX}.${subjectToken(site)}.${subjectToken(type)}`;

/** Alert types are open (rules are editable) but plain: `stockout_risk`, `cutoff_risk`, `intake_drop` … */
export const AlertType = z.string().regex(/^[a-z][a-z0-9_]{1,63}$/, 'must be lower_snake_case');
export const RuleId = z.string().regex(/^[a-z][a-z0-9_-]{1,63}$/, 'must be lower-case letters, digits, _ or -');
export const Severity = z.enum(['info', 'warning', 'critical']);
export type Severity = z.infer<typeof Severity>;
export const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export const AlertState = z.enum(['inactive', 'pending', 'firing', 'acknowledged', 'flapping', 'resolved']);
export type AlertState = z.infer<typeof AlertState>;

/** Identity labels of an alert: site plus any of carrier, sku, location, channel, supplier, po, order …; `type` is the rule's. */
export const LabelName = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/);
export const Labels = z.record(LabelName, z.string().min(1).max(128)).refine((l) => Object.keys(l).length <= 16, 'at most 16 labels');
export type Labels = z.infer<typeof Labels>;

/** Business impact: what severity is computed from. */
export const ImpactSchema = z.object({
  ordersAtRisk: z.number().nonnegative(),
  revenueAtRisk: z.number().nonnegative(),
  unitsAtRisk: z.number().nonnegative().optional(),
});
export type Impact = z.infer<typeof ImpactSchema>;

// ---------------------------------------------------------------- rules

const Comparison = z.enum(['>', '>=', '<', '<=']);
/** Named ClickHouse conditions (values reach ClickHouse only as bound parameters; no SQL in rules). */
export const RuleQuery = z.enum(['ingest_lag', 'allocation_drift', 'delayed_purchase_orders', 'site_silence']);

export const RuleSourceSchema = z.discriminatedUnion('kind', [
  /** The latest model scores of one kind (`risk.<kind>.<site>` live, risk_scores_latest on start). */
  z.object({ kind: z.literal('score'), riskKind: RiskKind,
    /** For anomaly scores: which detector (intake, adjustments, returns …) and which direction. */
    anomalyKind: z.string().max(64).optional(), direction: z.enum(['low', 'high']).optional() }).strict(),
  /** A named query evaluated every `everySeconds`; each row is an instance with a value and labels. */
  z.object({ kind: z.literal('query'), query: RuleQuery,
    params: z.record(z.string().regex(/^[a-zA-Z]\w{0,31}$/), z.union([z.string().max(128), z.number()])).default({}) }).strict(),
  /** An event pattern on `ops.<type>`: count matching events per key within a window; optional resolving event. */
  z.object({ kind: z.literal('event'), eventType: z.string().regex(/^[a-z_]+\.[a-z_]+$/),
    /** Field equality filters on the event (top-level fields). */
    match: z.record(z.string().max(64), z.union([z.string().max(128), z.number(), z.boolean()])).default({}),
    /** Event fields that become labels and identify an instance (`site` is always one). */
    keyBy: z.array(z.string().max(64)).max(6).default([]),
    /** Map an event field name to a label name when they differ (`supplierId` → `supplier`). */
    labelAs: z.record(z.string().max(64), LabelName).default({}),
    windowSeconds: z.number().int().min(1).max(7 * 86_400),
    /** Events that end an instance at once (e.g. `purchase_orders.received` for a delayed PO), matched on keyBy. */
    resolveOn: z.array(z.string().regex(/^[a-z_]+\.[a-z_]+$/)).max(8).default([]) }).strict(),
]);
export type RuleSource = z.infer<typeof RuleSourceSchema>;

export const RuleSchema = z.object({
  id: RuleId,
  type: AlertType,
  title: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  enabled: z.boolean().default(true),
  ownerRole: OwnerRole,
  source: RuleSourceSchema,
  /** Breach when `value <op> threshold`; recover only when the value is back past `recover` (hysteresis). */
  condition: z.object({ op: Comparison, threshold: z.number(), recover: z.number() }).strict(),
  /** Evaluation period for query and score rules (event rules evaluate on each event and every `everySeconds`). */
  everySeconds: z.number().int().min(1).max(86_400).default(60),
  /** How long the condition must hold before pending becomes firing (0 = fire at once). */
  pendingSeconds: z.number().int().min(0).max(86_400).default(0),
  /** Fire only when at least n of the last m evaluations breached (default 1 of 1). */
  nOfM: z.object({ n: z.number().int().min(1), m: z.number().int().min(1).max(100) }).strict()
    .refine((x) => x.n <= x.m, 'n must be ≤ m').default({ n: 1, m: 1 }),
  /** Static labels added to every instance. */
  labels: Labels.default({}),
  /** Severity: the base, raised by business impact thresholds. */
  severity: z.object({
    base: Severity.default('warning'),
    warningAt: z.object({ orders: z.number().nonnegative().optional(), revenue: z.number().nonnegative().optional() }).strict().default({}),
    criticalAt: z.object({ orders: z.number().nonnegative().optional(), revenue: z.number().nonnegative().optional() }).strict().default({}),
  }).strict().default({ base: 'warning', warningAt: {}, criticalAt: {} }),
  /** Repeat notices while firing and not acknowledged: first after `firstSeconds`, then ×`backoff`, capped at `maxSeconds`. */
  repeat: z.object({ firstSeconds: z.number().int().min(10).default(900), backoff: z.number().min(1).max(10).default(2),
    maxSeconds: z.number().int().min(10).default(14_400) }).strict().default({ firstSeconds: 900, backoff: 2, maxSeconds: 14_400 }),
  /** Alerts of a rule with equal values of these labels are grouped; a group's later members are sent together. */
  groupBy: z.array(LabelName).max(6).default(['site']),
  groupWindowSeconds: z.number().int().min(0).max(3600).default(30),
  /** Flapping: at least `changes` firing↔resolved changes within `windowSeconds`; ends after `quietSeconds` stable. */
  flapping: z.object({ changes: z.number().int().min(2).default(4), windowSeconds: z.number().int().min(60).default(3600),
    quietSeconds: z.number().int().min(60).default(1800) }).strict().default({ changes: 4, windowSeconds: 3600, quietSeconds: 1800 }),
  /** While an alert of this rule fires, alerts of these types with the same `equal` labels are inhibited. */
  inhibits: z.object({ types: z.array(AlertType).min(1).max(20), equal: z.array(LabelName).min(1).max(6).default(['site']) }).strict().optional(),
}).strict();
export type Rule = z.infer<typeof RuleSchema>;
export type RuleInput = z.input<typeof RuleSchema>;

/** The versioned rules file (`alerts/rules.default.json`); every change through the API stores a new version. */
export const RuleSetSchema = z.object({
  version: z.number().int().min(1),
  rules: z.array(RuleSchema).max(500).refine((rs) => new Set(rs.map((r) => r.id)).size === rs.length, 'rule ids must be unique'),
}).strict();
export type RuleSet = z.infer<typeof RuleSetSchema>;

// ---------------------------------------------------------------- alerts, notices, silences

export const AlertSchema = z.object({
  /** Dedupe key: rule id + identity labels; one live alert per key. */
  key: z.string().min(1).max(512),
  ruleId: RuleId,
  type: AlertType,
  title: z.string(),
  site: Id,
  labels: Labels,
  ownerRole: OwnerRole,
  state: AlertState,
  severity: Severity,
  impact: ImpactSchema,
  /** The value that was compared with the threshold at the last evaluation. */
  value: z.number(),
  summary: z.string().max(1000),
  /** When this episode became pending, firing, acknowledged, resolved (episode = from pending to resolved). */
  startsAt: Instant,
  firingAt: Instant.nullable(),
  acknowledgedAt: Instant.nullable(),
  acknowledgedBy: z.string().nullable(),
  resolvedAt: Instant.nullable(),
  updatedAt: Instant,
  groupKey: z.string().max(512),
  /** Ids of silences that match, and the key of the alert that inhibits this one: no notices while set. */
  silencedBy: z.array(z.string()).default([]),
  inhibitedBy: z.string().nullable().default(null),
  /** Notices sent in this episode (the first one included). */
  notices: z.number().int().nonnegative(),
});
export type Alert = z.infer<typeof AlertSchema>;

export const NoticeKind = z.enum(['firing', 'repeat', 'escalated', 'acknowledged', 'flapping', 'resolved']);
export type NoticeKind = z.infer<typeof NoticeKind>;

/** What is published on `alerts.<site>.<type>` (msgID = id) and pushed to subscribers. */
export const AlertNoticeSchema = z.object({
  id: z.string().min(8).max(128),
  kind: NoticeKind,
  alert: AlertSchema,
  /** Other alerts of the same group that became firing within the group window (sent together with this one). */
  group: z.object({ key: z.string(), size: z.number().int().min(1), members: z.array(AlertSchema).max(100) }).optional(),
  /** The transition behind the notice: who (a person, a program or `engine`), when, why. */
  actor: z.string().max(128),
  comment: z.string().max(1000).optional(),
  at: Instant,
  /** True for a resolve notice of an alert that was silenced or inhibited (sent anyway). */
  silenced: z.boolean().default(false),
});
export type AlertNotice = z.infer<typeof AlertNoticeSchema>;

/** Silence matchers: `=`, `!=`, `=~` (anchored regular expression), `!~`. */
export const MatcherSchema = z.object({
  label: z.union([LabelName, z.literal('type'), z.literal('severity')]),
  op: z.enum(['=', '!=', '=~', '!~']),
  value: z.string().max(256),
}).strict();
export type Matcher = z.infer<typeof MatcherSchema>;

/**
 * Why a silence's regular expression is refused, or null. Silences are tested against every alert on every step of
 * the engine's single thread, so a pattern must run in linear time: the engine lets V8 fall back to its linear
 * engine on excessive backtracking (alerts/lifecycle/silences.ts), which cannot run lookarounds, back-references or
 * counted repetitions (`{n,m}`) — those are refused, as is a pattern that does not compile.
 */
export function regexProblem(value: string): string | null {
  if (/\(\?<?[=!]/.test(value)) return 'lookarounds are not allowed';
  if (/\\[1-9]|\\k</.test(value)) return 'back-references are not allowed';
  if (/\{\s*\d/.test(value)) return 'counted repetitions ({n,m}) are not allowed';
  try { new RegExp(`^(?:${value})$`); } catch { return 'not a valid regular expression'; }
  return null;
}

export const SilenceSchema = z.object({
  id: z.string().min(6).max(64),
  matchers: z.array(MatcherSchema).min(1).max(20),
  startsAt: Instant,
  endsAt: Instant,
  /** End the silence as soon as an alert it matched resolves. */
  endOnResolve: z.boolean().default(false),
  createdBy: z.string().max(128),
  comment: z.string().min(1).max(1000),
  endedAt: Instant.nullable().default(null),
});
export type Silence = z.infer<typeof SilenceSchema>;

/** The stored record of every transition (ClickHouse `alert_transitions`). */
export const AlertTransitionSchema = z.object({
  id: z.string(),
  alertKey: z.string(),
  ruleId: RuleId,
  type: AlertType,
  site: Id,
  labels: Labels,
  from: AlertState,
  to: AlertState,
  severity: Severity,
  impact: ImpactSchema,
  value: z.number(),
  actor: z.string().max(128),
  comment: z.string().max(1000).default(''),
  at: Instant,
  silenced: z.boolean(),
  inhibited: z.boolean(),
});
export type AlertTransition = z.infer<typeof AlertTransitionSchema>;

/** Subscription filters a person or program adds on top of its scope (all given conditions must hold). */
export const AlertFilterSchema = z.object({
  sites: z.array(Id).max(200).optional(),
  types: z.array(AlertType).max(50).optional(),
  minSeverity: Severity.optional(),
  /** Label equality (`{ carrier: 'ups' }`). */
  labels: z.record(LabelName, z.string().max(128)).optional(),
  /** Only alerts owned by these roles (people default to their own role; see routing). */
  ownerRoles: z.array(OwnerRole).max(3).optional(),
}).strict();
export type AlertFilter = z.infer<typeof AlertFilterSchema>;

export { PrincipalSchema };
