/**
 * The alert-control API on NATS (`alertctl.<op>`, contracts/api/alerts.ts): parse → authorize → one call on the
 * book or the rule store → answer `{ ok, result }` or `{ ok: false, error: { code, message } }`. Every body is
 * validated with safeParse (bad_request names the field); scope comes from routing (alerts/routing.ts): a
 * principal lists what routesTo gives it and acts only on alerts in its scope (the book checks ack and resolve).
 * Silences: a principal scoped to some sites creates only silences pinned to one of them (`site =` matcher) and
 * sees those and its own. Rules: admin and executive change any rule; a person changes only rules owned by their
 * role (both the stored rule and the new one). A rule applies to every site and channel, so only a principal
 * scoped to all of them may change one (a planner of one site could otherwise mute or delete another's alerts).
 * A person's ack, resolve or silence is saved (`persist`) before it is answered, so an answered action survives a
 * crash of the engine.
 */
import { randomUUID } from 'node:crypto';
import type { Subscription } from '@nats-io/nats-core';
import type { Principal } from '../../contracts/access.ts';
import { ALERTCTL_SUBJECT_PREFIX, SEVERITY_RANK, type Matcher, type Rule, type RuleSet, type Silence } from '../../contracts/alerts.ts';
import { ALERTCTL_OPS, AlertctlRequests, type AlertctlErrorCode, type AlertctlOp, type AlertctlReply } from '../../contracts/api/alerts.ts';
import type { Logger } from '../../runtime/logger.ts';
import type { NatsConnection } from '../../runtime/nats.ts';
import type { AlertBookApi, BookOutput, BookResult } from '../lifecycle/types.ts';
import { inPrincipalScope, routesTo } from '../routing.ts';
import type { RuleChange } from './rule-store.ts';

export interface AlertctlDeps {
  book: AlertBookApi;
  ruleSet(): RuleSet;
  /** Store a rule change as a new version, apply it and audit it; throws RangeError for an invalid result. */
  changeRules(c: RuleChange, audit: { actor: string; comment?: string }): Promise<RuleSet>;
  /** The book's output of an action: transitions stored, notices published. */
  handle(out: BookOutput): void;
  /** Save the engine state now; called after an action of a person, before the answer. */
  persist?(): Promise<void>;
  now(): number;
}

type Reply = AlertctlReply<unknown>;
const ok = (result: unknown): Reply => ({ ok: true, result });
const err = (code: AlertctlErrorCode, message: string): Reply => ({ ok: false, error: { code, message } });

async function fromBook<T>(deps: AlertctlDeps, r: BookResult<T>, wrap: (v: T) => unknown): Promise<Reply> {
  if (!r.ok) return err(r.error.code, r.error.message);
  deps.handle(r.output);
  await deps.persist?.();
  return ok(wrap(r.value));
}

const allSites = (p: Principal) => p.sites.includes('*');
const everywhere = (p: Principal) => allSites(p) && p.channels.includes('*');
const siteMatcher = (ms: Matcher[]) => ms.find((m) => m.label === 'site' && m.op === '=');
const mayChangeRule = (p: Principal, r: Rule | undefined) => !r || p.role === 'admin' || p.role === 'executive' || p.role === r.ownerRole;
function silenceVisible(s: Silence, p: Principal): boolean {
  if (allSites(p) || s.createdBy === p.sub) return true;
  const m = siteMatcher(s.matchers);
  return m !== undefined && p.sites.includes(m.value);
}

/** Answer one request; never throws (an unexpected failure is `internal_error`). */
export async function handleAlertctl(deps: AlertctlDeps, op: string, body: unknown): Promise<Reply> {
  if (!(ALERTCTL_OPS as readonly string[]).includes(op)) return err('bad_request', `unknown op ${op}`);
  const parsed = AlertctlRequests[op as AlertctlOp].safeParse(body);
  if (!parsed.success) {
    return err('bad_request', parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '));
  }
  try {
    return await dispatch(deps, op as AlertctlOp, parsed.data as never);
  } catch (e) {
    if (e instanceof RangeError) return err('bad_request', e.message);
    return err('internal_error', (e as Error).message);
  }
}

type Req<O extends AlertctlOp> = ReturnType<(typeof AlertctlRequests)[O]['parse']>;

async function dispatch<O extends AlertctlOp>(deps: AlertctlDeps, op: O, req: Req<O>): Promise<Reply> {
  const at = deps.now();
  const p = req.principal;
  switch (op) {
    case 'list': {
      const r = req as Req<'list'>;
      const alerts = deps.book.alerts().filter((a) => routesTo(a, p, r.filter) && (!r.states || r.states.includes(a.state)))
        .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || b.updatedAt.localeCompare(a.updatedAt));
      return ok({ alerts: alerts.slice(0, r.limit) });
    }
    case 'get': {
      const a = deps.book.alerts().find((x) => x.key === (req as Req<'get'>).key);
      if (!a) return err('not_found', `no alert ${(req as Req<'get'>).key}`);
      return inPrincipalScope(a, p) ? ok({ alert: a }) : err('forbidden', `alert ${a.key} is outside your scope`);
    }
    case 'ack': {
      const r = req as Req<'ack'>;
      return fromBook(deps, deps.book.ack({ key: r.key, principal: p, comment: r.comment, at }), (alert) => ({ alert }));
    }
    case 'resolve': {
      const r = req as Req<'resolve'>;
      return fromBook(deps, deps.book.resolve({ key: r.key, principal: p, comment: r.comment, at }), (alert) => ({ alert }));
    }
    case 'silence-create': {
      const r = req as Req<'silence-create'>;
      if (p.role === 'program') return err('forbidden', 'programs cannot create silences');
      const site = siteMatcher(r.matchers);
      if (!allSites(p) && !(site && p.sites.includes(site.value))) {
        return err('forbidden', 'your scope is some sites: add a matcher `site = <one of them>`');
      }
      const startsMs = r.startsAt ? Date.parse(r.startsAt) : at;
      const silence: Silence = { id: `sil-${randomUUID()}`, matchers: r.matchers, startsAt: new Date(startsMs).toISOString(),
        endsAt: new Date(startsMs + r.durationSeconds * 1000).toISOString(), endOnResolve: r.endOnResolve, createdBy: p.sub,
        comment: r.comment, endedAt: null };
      deps.handle(deps.book.addSilence({ silence, at }));
      await deps.persist?.();
      return ok({ silence });
    }
    case 'silence-list': {
      const r = req as Req<'silence-list'>;
      const live = (s: Silence) => s.endedAt === null && Date.parse(s.endsAt) > at;
      return ok({ silences: deps.book.silences().filter((s) => (r.includeEnded || live(s)) && silenceVisible(s, p)) });
    }
    case 'silence-expire': {
      const r = req as Req<'silence-expire'>;
      return fromBook(deps, deps.book.expireSilence({ id: r.id, principal: p, at }), (silence) => ({ silence }));
    }
    case 'rules-get':
      return ok({ ruleSet: deps.ruleSet() });
    case 'rules-put': {
      const r = req as Req<'rules-put'>;
      if (!everywhere(p)) return err('forbidden', 'a rule applies to every site and channel: only a principal scoped to all of them may change it');
      const existing = deps.ruleSet().rules.find((x) => x.id === r.rule.id);
      if (!mayChangeRule(p, existing) || !mayChangeRule(p, r.rule)) {
        return err('forbidden', `only admin, executive or the rule's owner role (${existing?.ownerRole ?? r.rule.ownerRole}) may change ${r.rule.id}`);
      }
      return ok({ ruleSet: await deps.changeRules({ kind: 'put', rule: r.rule }, { actor: p.sub, comment: r.comment }) });
    }
    case 'rules-delete': {
      const r = req as Req<'rules-delete'>;
      const existing = deps.ruleSet().rules.find((x) => x.id === r.id);
      if (!existing) return err('not_found', `no rule ${r.id}`);
      if (!everywhere(p)) return err('forbidden', 'a rule applies to every site and channel: only a principal scoped to all of them may delete it');
      if (!mayChangeRule(p, existing)) return err('forbidden', `only admin, executive or ${existing.ownerRole} may delete ${r.id}`);
      return ok({ ruleSet: await deps.changeRules({ kind: 'delete', id: r.id }, { actor: p.sub, comment: r.comment }) });
    }
  }
  return err('bad_request', `unknown op ${String(op)}`);
}

/**
 * Serve `alertctl.*` (queue group `alerts-engine`). Requests are answered one at a time in arrival order, so two
 * rule changes cannot interleave; each is a few µs of book work or one KV write.
 */
export function serveAlertctl(o: { nc: NatsConnection; deps: AlertctlDeps; log: Logger; subjectPrefix?: string;
  onRequest?: (op: string, outcome: string) => void }): Subscription {
  let chain: Promise<void> = Promise.resolve();
  const prefix = o.subjectPrefix ?? ALERTCTL_SUBJECT_PREFIX;
  return o.nc.subscribe(`${prefix}.*`, { queue: 'alerts-engine', callback: (_e, m) => {
    chain = chain.then(async () => {
      const op = m.subject.slice(prefix.length + 1);
      let body: unknown;
      try { body = m.json(); } catch { body = undefined; }
      const reply = body === undefined ? err('bad_request', 'the body must be JSON') : await handleAlertctl(o.deps, op, body);
      const outcome = reply.ok ? 'ok' : reply.error.code;
      o.onRequest?.(op, outcome);
      if (!reply.ok && reply.error.code === 'internal_error') o.log.error({ op, err: reply.error.message }, 'alertctl failed');
      if (m.reply) m.respond(JSON.stringify(reply));
    }).catch((e: Error) => o.log.error({ err: e.message }, 'alertctl reply failed'));
  } });
}
