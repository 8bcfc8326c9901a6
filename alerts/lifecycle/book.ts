/**
 * The alert book: the lifecycle engine. Pure and deterministic — no I/O, no clock (every call carries `at`, epoch
 * ms), no randomness — so the engine service can replay it and tests can drive it with plain numbers.
 *
 * Semantics:
 * - Key (dedupe): `${rule.id}|k=v,…` over the identity labels (the rule's static labels overlaid by the
 *   instance's, sorted). One live alert per key; breaching again updates value, impact, summary, severity and
 *   updatedAt without a new notice. groupKey = `${rule.id}|` + the groupBy labels' values joined by `,`.
 * - Breach: `value <op> threshold`. Firing, acknowledged and flapping alerts stay unrecovered while
 *   `value <op> recover` holds (hysteresis). A complete evaluation treats an absent known key as not breaching;
 *   a partial one (complete: false) touches only the listed instances.
 * - N of M: a ring of each key's last m breach booleans. inactive → pending at the first breach (startsAt);
 *   pending → firing when the ring holds ≥ n breaches, the last evaluation breached and pendingSeconds have
 *   passed since startsAt (checked again by tick); pending → inactive when the ring holds none (no notice).
 * - Severity: max(base, warningAt/criticalAt reached by orders or revenue at risk). A rise while firing or
 *   acknowledged sends `escalated`; an acknowledged alert goes back to firing (repeats restart).
 * - Notices: firing, repeat, escalated, acknowledged, flapping, resolved; none while silenced or inhibited,
 *   except `resolved`, which always goes out for an alert that was firing, acknowledged or flapping (marked
 *   `silenced`). Ids hash key|startsAtMs|kind|notices-in-episode, so a republish is deduplicated by msgID.
 * - Ack from firing or flapping (repeats stop); manual resolve from any open state (notice if it had fired; the
 *   N-of-M ring is cleared, so a later breach starts a new episode that must earn firing again).
 * - Repeats while firing, announced and audible: first at announcement + firstSeconds, then each gap ×backoff,
 *   capped at maxSeconds. A tick late by several gaps sends one repeat.
 * - Grouping, flapping, silences and inhibition: see grouping.ts, flapping.ts, silences.ts and inhibition.ts. A
 *   firing alert that was never announced (silenced, inhibited, restored) is announced when released.
 * - Retention: resolved alerts are listed for 24 h after resolvedAt; inactive entries are never listed.
 * - Rules removed or disabled: their open alerts resolve at the next tick ('rule removed'); evaluations of such
 *   rules are ignored.
 */
import type { Principal } from '../../contracts/access.ts';
import type { Alert, Rule, Silence } from '../../contracts/alerts.ts';
import { inPrincipalScope } from '../routing.ts';
import type { AlertBookApi, BookError, BookOutput, BookResult, BookSnapshot, Evaluation } from './types.ts';
import { type Entry, FIRING_LIKE, newEntry, OPEN, restoredEntry, startRepeats, suppressed } from './entry.ts';
import { trimFlaps } from './flapping.ts';
import { Groups } from './grouping.ts';
import { inhibitionSources } from './inhibition.ts';
import { alertKey, identityLabels, ms } from './keys.ts';
import { acknowledge, announceLate, close, type Ctx, observe, repeatIfDue, settle, suppress, tryFire } from './lifecycle.ts';
import { copyAlert, Output } from './output.ts';
import { compare } from './severity.ts';
import { mayExpire, SilenceStore } from './silences.ts';

/** Resolved alerts stay listed this long, so the morning shift sees what happened overnight. */
export const RESOLVED_RETENTION_MS = 24 * 3_600_000;
/** The largest group window a rule can have (contract: 3600 s): group state older than that is forgotten. */
const MAX_GROUP_WINDOW_MS = 3_600_000;

const fail = (code: BookError['code'], message: string) => ({ ok: false as const, error: { code, message } });

export class AlertBook implements AlertBookApi {
  private rules = new Map<string, Rule>();
  private entries = new Map<string, Entry>();
  private silenceStore: SilenceStore;
  private groups = new Groups();

  constructor(o: { rules: Rule[]; snapshot?: BookSnapshot }) {
    this.setRules(o.rules);
    this.silenceStore = new SilenceStore(o.snapshot?.silences ?? []);
    for (const a of o.snapshot?.alerts ?? []) {
      if (a.state !== 'inactive') this.entries.set(a.key, restoredEntry(a, this.rules.get(a.ruleId)));
    }
  }

  setRules(rules: Rule[]): void {
    this.rules = new Map(rules.map((r) => [r.id, r]));
  }

  private activeRule(id: string): Rule | undefined {
    const r = this.rules.get(id);
    return r?.enabled ? r : undefined;
  }

  private ctx(at: number): Ctx {
    const sources = inhibitionSources(this.live(), this.rules, (a) => FIRING_LIKE.has(a.state));
    return { at, out: new Output(at), silences: this.silenceStore, groups: this.groups, sources, silencesChanged: false };
  }

  private *live(): Iterable<Alert> {
    for (const e of this.entries.values()) if (e.alert.state !== 'inactive') yield e.alert;
  }

  /** Recompute silences and inhibition for every listed alert; announce the firing ones just released. */
  private refresh(ctx: Ctx): void {
    ctx.sources = inhibitionSources(this.live(), this.rules, (a) => FIRING_LIKE.has(a.state));
    for (const e of this.entries.values()) {
      if (e.alert.state === 'inactive') continue;
      suppress(ctx, e);
      const rule = this.activeRule(e.alert.ruleId);
      if (rule) announceLate(ctx, e, rule);
    }
  }

  evaluate(ev: Evaluation): BookOutput {
    const rule = ev.rule;
    if (!this.activeRule(rule.id)) return { transitions: [], notices: [] };
    const ctx = this.ctx(ev.at);
    const seen = new Set<string>();
    for (const inst of ev.instances) {
      const labels = identityLabels(rule, inst.labels);
      const key = alertKey(rule.id, labels);
      if (seen.has(key)) continue; // a source listing one instance twice: the first counts
      seen.add(key);
      let e = this.entries.get(key);
      if (!e) {
        if (!compare(rule.condition.op, inst.value, rule.condition.threshold)) continue;
        this.entries.set(key, (e = newEntry(key, rule, labels, ev.at)));
      }
      observe(ctx, e, rule, inst);
    }
    if (ev.complete) {
      for (const e of this.entries.values()) if (e.alert.ruleId === rule.id && !seen.has(e.key)) observe(ctx, e, rule, undefined);
    }
    // Other alerts change only if this rule inhibits some, or a silence ended with a resolve.
    if (ctx.silencesChanged || (rule.inhibits && ctx.out.transitions.length > 0)) this.refresh(ctx);
    return ctx.out.result();
  }

  private find(key: string, p: Principal): { e: Entry } | { error: ReturnType<typeof fail> } {
    const e = this.entries.get(key);
    if (!e || e.alert.state === 'inactive') return { error: fail('not_found', `no alert ${key}`) };
    if (!inPrincipalScope(e.alert, p)) return { error: fail('forbidden', `alert ${key} is outside your scope`) };
    return { e };
  }

  ack(o: { key: string; principal: Principal; comment?: string; at: number }): BookResult<Alert> {
    const found = this.find(o.key, o.principal);
    if ('error' in found) return found.error;
    const { e } = found;
    if (e.alert.state !== 'firing' && e.alert.state !== 'flapping') return fail('invalid_state', `alert is ${e.alert.state}; only a firing or flapping alert can be acknowledged`);
    const ctx = this.ctx(o.at);
    suppress(ctx, e);
    acknowledge(ctx, e, { actor: o.principal.sub, comment: o.comment });
    return { ok: true, value: copyAlert(e.alert), output: ctx.out.result() };
  }

  resolve(o: { key: string; principal: Principal; comment: string; at: number }): BookResult<Alert> {
    const found = this.find(o.key, o.principal);
    if ('error' in found) return found.error;
    const { e } = found;
    if (!OPEN.has(e.alert.state)) return fail('invalid_state', `alert is ${e.alert.state}; only an open alert can be resolved`);
    const ctx = this.ctx(o.at);
    suppress(ctx, e);
    close(ctx, e, { actor: o.principal.sub, comment: o.comment });
    e.ring = [];
    this.refresh(ctx);
    return { ok: true, value: copyAlert(e.alert), output: ctx.out.result() };
  }

  addSilence(o: { silence: Silence; at: number }): BookOutput {
    this.silenceStore.put(o.silence);
    const ctx = this.ctx(o.at);
    this.refresh(ctx);
    return ctx.out.result();
  }

  expireSilence(o: { id: string; principal: Principal; at: number }): BookResult<Silence> {
    const s = this.silenceStore.get(o.id);
    if (!s) return fail('not_found', `no silence ${o.id}`);
    if (!mayExpire(s, o.principal)) return fail('forbidden', 'only its creator, an admin or executive, or someone responsible for its site may end this silence');
    if (s.endedAt !== null || ms(s.endsAt) <= o.at) return fail('invalid_state', 'the silence has already ended');
    this.silenceStore.end(o.id, o.at);
    const ctx = this.ctx(o.at);
    this.refresh(ctx);
    return { ok: true, value: { ...this.silenceStore.get(o.id)! }, output: ctx.out.result() };
  }

  tick(at: number): BookOutput {
    const ctx = this.ctx(at);
    for (const e of this.entries.values()) {
      if (OPEN.has(e.alert.state) && !this.activeRule(e.alert.ruleId)) close(ctx, e, { actor: 'engine', comment: 'rule removed' });
    }
    if (ctx.out.transitions.length > 0) ctx.sources = inhibitionSources(this.live(), this.rules, (a) => FIRING_LIKE.has(a.state));
    for (const e of this.entries.values()) {
      const rule = this.activeRule(e.alert.ruleId);
      if (!rule || (e.alert.state !== 'pending' && e.alert.state !== 'flapping')) continue;
      suppress(ctx, e);
      tryFire(ctx, e, rule);
      settle(ctx, e, rule);
    }
    this.refresh(ctx);
    this.flushGroups(ctx);
    for (const e of this.entries.values()) {
      const rule = this.activeRule(e.alert.ruleId);
      if (rule) repeatIfDue(ctx, e, rule);
    }
    this.prune(at);
    return ctx.out.result();
  }

  /** Groups whose window closed: one firing notice for the first held alert, listing every held one. */
  private flushGroups(ctx: Ctx): void {
    const windowOf = (_g: string, key: string) => (this.activeRule(this.entries.get(key)?.alert.ruleId ?? '')?.groupWindowSeconds ?? 0) * 1000;
    for (const { key, held } of this.groups.due(ctx.at, windowOf)) {
      const members: Entry[] = [];
      for (const k of held) {
        const e = this.entries.get(k);
        if (!e?.held) continue;
        e.held = false;
        if (e.alert.state === 'firing' && e.alert.notices === 0 && !suppressed(e)) members.push(e);
      }
      if (members.length === 0) continue;
      for (const m of members.slice(1)) m.alert.notices += 1; // every member counts as notified
      ctx.out.notice(members[0], 'firing', {}, members);
      this.groups.noted(key, ctx.at);
      for (const m of members) {
        const rule = this.activeRule(m.alert.ruleId);
        if (rule) startRepeats(m, rule, ctx.at);
      }
    }
  }

  /** Forget what no longer matters: resolved alerts after 24 h, empty inactive entries, old silences and groups. */
  private prune(at: number): void {
    for (const [key, e] of this.entries) {
      const a = e.alert;
      if (a.state === 'resolved' && a.resolvedAt !== null && at - ms(a.resolvedAt) >= RESOLVED_RETENTION_MS) {
        Object.assign(a, { state: 'inactive', silencedBy: [], inhibitedBy: null });
      }
      if (a.state !== 'inactive') continue;
      const rule = this.rules.get(a.ruleId);
      if (rule) trimFlaps(e, rule, at);
      else e.flaps = [];
      if (e.flaps.length === 0 && !e.ring.includes(true)) this.entries.delete(key);
    }
    this.silenceStore.prune(at);
    this.groups.prune(at, MAX_GROUP_WINDOW_MS);
  }

  alerts(): Alert[] {
    return [...this.live()].map(copyAlert);
  }

  silences(): Silence[] {
    return this.silenceStore.list();
  }

  snapshot(): BookSnapshot {
    return { alerts: this.alerts(), silences: this.silences() };
  }
}
