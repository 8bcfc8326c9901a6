/**
 * The state changes of one entry, shared by evaluate, tick and the person-driven operations of the book. Each
 * function records its transition and decides its notice: no notice while silenced or inhibited (except resolve),
 * none while flapping except the flapping notice itself, and a firing notice held back while its group's window
 * is open. See book.ts for the whole lifecycle.
 */
import type { Rule } from '../../contracts/alerts.ts';
import type { Instance } from './types.ts';
import { advanceRepeats, type Entry, FIRING_LIKE, pushRing, ringCount, startEpisode, startRepeats, suppressed } from './entry.ts';
import { recordFlap, settled } from './flapping.ts';
import type { Groups } from './grouping.ts';
import { inhibitorOf, type Source } from './inhibition.ts';
import { iso } from './keys.ts';
import type { By, Output } from './output.ts';
import { compare, rises, severityFor } from './severity.ts';
import type { SilenceStore } from './silences.ts';

/** Everything a step needs besides the entry: the time, where output goes, and the book's shared state. */
export interface Ctx {
  at: number;
  out: Output;
  silences: SilenceStore;
  groups: Groups;
  /** Inhibiting alerts as of the start of the step (the book refreshes every alert at the end of it). */
  sources: Source[];
  /** A silence was ended during the step, so every alert's silencedBy must be recomputed. */
  silencesChanged: boolean;
}

/** Recompute silencedBy and inhibitedBy of one alert. */
export function suppress(ctx: Ctx, e: Entry): void {
  e.alert.silencedBy = ctx.silences.matching(e.alert, ctx.at);
  e.alert.inhibitedBy = inhibitorOf(e.alert, ctx.sources);
}

/** Announce a newly firing alert: nothing while suppressed, held while its group window is open, else at once. */
function announce(ctx: Ctx, e: Entry, rule: Rule, grouped: boolean): void {
  if (suppressed(e)) return;
  if (grouped && ctx.groups.shouldHold(e.alert.groupKey, ctx.at, rule.groupWindowSeconds * 1000)) {
    e.held = true;
    ctx.groups.hold(e.alert.groupKey, e.key);
    return;
  }
  ctx.out.notice(e, 'firing');
  ctx.groups.noted(e.alert.groupKey, ctx.at);
  startRepeats(e, rule, ctx.at);
}

/** pending → firing once n of the last m evaluations breached and the pending time has passed (or → flapping). */
export function tryFire(ctx: Ctx, e: Entry, rule: Rule): void {
  if (e.alert.state !== 'pending' || !e.breaching) return;
  if (ringCount(e) < rule.nOfM.n || ctx.at - e.startsMs < rule.pendingSeconds * 1000) return;
  e.alert.firingAt = iso(ctx.at);
  if (recordFlap(e, rule, ctx.at)) return enterFlapping(ctx, e);
  ctx.out.transition(e, 'firing');
  startRepeats(e, rule, ctx.at);
  announce(ctx, e, rule, true);
}

function enterFlapping(ctx: Ctx, e: Entry): void {
  e.held = false;
  e.nextRepeatAt = null;
  ctx.out.transition(e, 'flapping');
  if (!suppressed(e)) ctx.out.notice(e, 'flapping');
}

/** The episode ends (value recovered, a person resolved it, its rule went away). */
export function close(ctx: Ctx, e: Entry, by: By = {}): void {
  const wasFiring = FIRING_LIKE.has(e.alert.state);
  e.alert.resolvedAt = iso(ctx.at);
  e.held = false;
  e.nextRepeatAt = null;
  e.breaching = false;
  ctx.out.transition(e, 'resolved', by);
  // Sent even while silenced or inhibited (marked silenced): whoever saw it fire must see it end.
  if (wasFiring) ctx.out.notice(e, 'resolved', by);
  for (const id of e.alert.silencedBy) {
    if (ctx.silences.get(id)?.endOnResolve && ctx.silences.isActive(id, ctx.at)) {
      ctx.silences.end(id, ctx.at);
      ctx.silencesChanged = true;
    }
  }
}

/** A firing or acknowledged alert whose value recovered: resolved, or flapping if it has changed too often. */
function recover(ctx: Ctx, e: Entry, rule: Rule): void {
  if (recordFlap(e, rule, ctx.at)) {
    e.breaching = false;
    return enterFlapping(ctx, e);
  }
  close(ctx, e);
}

/** A rise in severity: an acknowledged alert fires again (the ack was for a lesser problem); people are told. */
function escalate(ctx: Ctx, e: Entry, rule: Rule): void {
  if (e.alert.state === 'acknowledged') {
    e.alert.acknowledgedAt = null;
    e.alert.acknowledgedBy = null;
    ctx.out.transition(e, 'firing');
    startRepeats(e, rule, ctx.at);
  }
  // An alert nobody has heard of yet (held, or silenced so far) gets its firing notice later, at the new severity.
  if (!suppressed(e) && !e.held && e.alert.notices > 0) ctx.out.notice(e, 'escalated');
}

/** Flapping ends after the quiet period: firing again if the condition holds, else resolved. */
export function settle(ctx: Ctx, e: Entry, rule: Rule): void {
  if (e.alert.state !== 'flapping' || !settled(e, rule, ctx.at)) return;
  if (!e.breaching) return close(ctx, e);
  ctx.out.transition(e, 'firing');
  startRepeats(e, rule, ctx.at);
  announce(ctx, e, rule, false);
}

/** One evaluation of one key: `inst` undefined = absent from a complete evaluation (not breaching). */
export function observe(ctx: Ctx, e: Entry, rule: Rule, inst: Instance | undefined): void {
  const a = e.alert;
  const { op, threshold, recover: recoverAt } = rule.condition;
  const raw = inst !== undefined && compare(op, inst.value, threshold);
  pushRing(e, raw, rule.nOfM.m);
  if (a.state === 'inactive' || a.state === 'resolved') {
    if (!raw) return;
    startEpisode(e, ctx.at);
  }
  const before = a.severity;
  if (inst) Object.assign(a, { value: inst.value, impact: { ...inst.impact }, summary: inst.summary, severity: severityFor(rule, inst.impact), updatedAt: iso(ctx.at) });
  suppress(ctx, e);
  switch (a.state) {
    case 'inactive': case 'resolved':
      e.breaching = true;
      ctx.out.transition(e, 'pending');
      return tryFire(ctx, e, rule);
    case 'pending':
      e.breaching = raw;
      if (ringCount(e) === 0) return ctx.out.transition(e, 'inactive');
      return tryFire(ctx, e, rule);
    case 'firing': case 'acknowledged':
      if (!(inst && compare(op, inst.value, recoverAt))) return recover(ctx, e, rule);
      if (rises(before, a.severity)) escalate(ctx, e, rule);
      return;
    case 'flapping': {
      const holds = inst !== undefined && compare(op, inst.value, e.breaching ? recoverAt : threshold);
      if (holds !== e.breaching) {
        e.breaching = holds;
        recordFlap(e, rule, ctx.at);
      }
      return settle(ctx, e, rule);
    }
  }
}

/** A person acknowledges a firing or flapping alert: repeats stop. */
export function acknowledge(ctx: Ctx, e: Entry, by: Required<Pick<By, 'actor'>> & By): void {
  e.alert.acknowledgedAt = iso(ctx.at);
  e.alert.acknowledgedBy = by.actor;
  e.nextRepeatAt = null;
  e.held = false;
  ctx.out.transition(e, 'acknowledged', by);
  if (!suppressed(e)) ctx.out.notice(e, 'acknowledged', by);
}

/** A firing alert nobody was told about (silenced, inhibited or restored unannounced) is announced once released. */
export function announceLate(ctx: Ctx, e: Entry, rule: Rule): void {
  if (e.alert.state !== 'firing' || e.alert.notices > 0 || e.held || suppressed(e)) return;
  ctx.out.notice(e, 'firing');
  ctx.groups.noted(e.alert.groupKey, ctx.at);
  startRepeats(e, rule, ctx.at);
}

/** Send the repeat that is due (one, however late the tick) and move the schedule past now. */
export function repeatIfDue(ctx: Ctx, e: Entry, rule: Rule): void {
  if (e.alert.state !== 'firing' || e.nextRepeatAt === null || ctx.at < e.nextRepeatAt) return;
  if (!suppressed(e) && !e.held && e.alert.notices > 0) ctx.out.notice(e, 'repeat');
  while (e.nextRepeatAt <= ctx.at) advanceRepeats(e, rule);
}
