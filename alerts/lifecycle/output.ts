/**
 * Collects what one step of the book produced: the transitions to store and the notices to publish. Every state
 * change goes through `transition`, every notice through `notice`, so ids and counters are computed in one place.
 * Notice id = hash(key|startsAtMs|kind|notices) with `notices` already counting this one (the number the notice's
 * own alert carries), so the id can be recomputed from the notice.
 */
import type { Alert, AlertNotice, AlertState, AlertTransition, NoticeKind } from '../../contracts/alerts.ts';
import type { BookOutput } from './types.ts';
import { type Entry, suppressed } from './entry.ts';
import { hashId, iso } from './keys.ts';

/** At most this many members are listed in a group notice (the contract's bound); `size` still counts all. */
export const GROUP_MEMBERS_MAX = 100;

const copy = (a: Alert): Alert => ({ ...a, labels: { ...a.labels }, impact: { ...a.impact }, silencedBy: [...a.silencedBy] });

export interface By { actor?: string; comment?: string }

export class Output implements BookOutput {
  transitions: AlertTransition[] = [];
  notices: AlertNotice[] = [];

  constructor(readonly at: number) {}

  transition(e: Entry, to: AlertState, by: By = {}): void {
    const a = e.alert;
    const from = a.state;
    a.state = to;
    a.updatedAt = iso(this.at);
    this.transitions.push({
      id: hashId(`${e.key}|${e.startsMs}|${from}>${to}|${this.at}`), alertKey: e.key, ruleId: a.ruleId, type: a.type,
      site: a.site, labels: { ...a.labels }, from, to, severity: a.severity, impact: { ...a.impact }, value: a.value,
      actor: by.actor ?? 'engine', comment: by.comment ?? '', at: iso(this.at),
      silenced: a.silencedBy.length > 0, inhibited: a.inhibitedBy !== null,
    });
  }

  /** Count and emit a notice; `members` (already counted by the caller) makes it a group notice. */
  notice(e: Entry, kind: NoticeKind, by: By = {}, members?: Entry[]): void {
    e.alert.notices += 1;
    const n: AlertNotice = {
      id: hashId(`${e.key}|${e.startsMs}|${kind}|${e.alert.notices}`), kind, alert: copy(e.alert),
      actor: by.actor ?? 'engine', at: iso(this.at), silenced: kind === 'resolved' && suppressed(e),
    };
    if (by.comment) n.comment = by.comment;
    if (members) n.group = { key: e.alert.groupKey, size: members.length, members: members.slice(0, GROUP_MEMBERS_MAX).map((m) => copy(m.alert)) };
    this.notices.push(n);
  }

  result(): BookOutput {
    return { transitions: this.transitions, notices: this.notices };
  }
}

export { copy as copyAlert };
