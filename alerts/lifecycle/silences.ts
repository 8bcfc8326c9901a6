/**
 * Silences: matchers on an alert's labels plus the pseudo labels `type` and `severity` (they win over a label of
 * the same name). All matchers of a silence must match. A missing label reads as '' (so `!=` matches it and
 * `=~ .*` too). Regular expressions are anchored (`^(?:v)$`), compiled once when the silence is stored; an invalid
 * one (or one regexProblem refuses, stored before that check existed) matches nothing. A silence is active while
 * startsAt ≤ at < endsAt and it was not ended; ended or expired silences stay listed for 24 h so people can see
 * what just stopped being muted.
 */
import { setFlagsFromString } from 'node:v8';
import { inScope, type Principal } from '../../contracts/access.ts';
import { regexProblem, type Alert, type Matcher, type Silence } from '../../contracts/alerts.ts';
import { iso, ms } from './keys.ts';

// Patterns come from people and run on the engine's only thread against every alert: `(a+)+b` over a 30-character
// label would backtrack for seconds. With this flag V8 switches a regexp that backtracks too much to its linear-time
// engine (Node ≥ 16); regexProblem refuses what that engine cannot run (lookarounds, back-references, {n,m}).
setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');

export const SILENCE_RETENTION_MS = 24 * 3_600_000;

type Compiled = Matcher & { re: RegExp | null };
interface Stored { silence: Silence; startsMs: number; endsMs: number; matchers: Compiled[] }

function compile(m: Matcher): Compiled {
  if (m.op === '=' || m.op === '!=' || regexProblem(m.value) !== null) return { ...m, re: null };
  try {
    return { ...m, re: new RegExp(`^(?:${m.value})$`) };
  } catch {
    return { ...m, re: null };
  }
}

type Subject = Pick<Alert, 'labels' | 'type' | 'severity'>;

function labelValue(a: Subject, label: string): string {
  if (label === 'type') return a.type;
  if (label === 'severity') return a.severity;
  return a.labels[label] ?? '';
}

/** One matcher against an alert; an invalid regular expression matches nothing, whichever way it is negated. */
export function matches(m: Compiled, a: Subject): boolean {
  const v = labelValue(a, m.label);
  switch (m.op) {
    case '=': return v === m.value;
    case '!=': return v !== m.value;
    case '=~': return m.re !== null && m.re.test(v);
    case '!~': return m.re !== null && !m.re.test(v);
  }
}

/** When a silence stopped (or will stop) muting: its end, or the moment it was ended early. */
const endMs = (s: Stored) => (s.silence.endedAt === null ? s.endsMs : Math.min(s.endsMs, ms(s.silence.endedAt)));

export class SilenceStore {
  private byId = new Map<string, Stored>();

  constructor(silences: Silence[] = []) {
    for (const s of silences) this.put(s);
  }

  /** Add or replace (same id) a silence. */
  put(s: Silence): void {
    this.byId.set(s.id, { silence: { ...s, matchers: s.matchers.map((m) => ({ ...m })) }, startsMs: ms(s.startsAt), endsMs: ms(s.endsAt), matchers: s.matchers.map(compile) });
  }

  get(id: string): Silence | undefined {
    return this.byId.get(id)?.silence;
  }

  isActive(id: string, at: number): boolean {
    const s = this.byId.get(id);
    return s !== undefined && s.silence.endedAt === null && s.startsMs <= at && at < s.endsMs;
  }

  /** Ids of the active silences that match the alert, in insertion order. */
  matching(a: Subject, at: number): string[] {
    const ids: string[] = [];
    for (const [id, s] of this.byId) if (this.isActive(id, at) && s.matchers.every((m) => matches(m, a))) ids.push(id);
    return ids;
  }

  end(id: string, at: number): void {
    const s = this.byId.get(id);
    if (s && s.silence.endedAt === null) s.silence.endedAt = iso(at);
  }

  /** Drop silences that stopped muting more than 24 h ago. */
  prune(at: number): void {
    for (const [id, s] of this.byId) if (at - endMs(s) >= SILENCE_RETENTION_MS) this.byId.delete(id);
  }

  list(): Silence[] {
    return [...this.byId.values()].map((s) => ({ ...s.silence, matchers: s.silence.matchers.map((m) => ({ ...m })) }));
  }
}

/**
 * Who may end a silence early: admins and executives, its creator, or anyone whose site scope covers one of its
 * `site =` matchers (the people responsible for that site). A silence without a site matcher is network-wide,
 * so only the first two may end it.
 */
export function mayExpire(s: Silence, p: Principal): boolean {
  if (p.role === 'admin' || p.role === 'executive' || p.sub === s.createdBy) return true;
  return s.matchers.some((m) => m.label === 'site' && m.op === '=' && inScope(p.sites, m.value));
}
