/**
 * Grouping: alerts of one rule with equal groupBy values form a group. The first to fire in a quiet group is
 * announced at once; those that start firing within groupWindowSeconds of the group's last firing notice are held
 * and announced together by one notice when the window closes (twenty SKUs at one site going at-risk in the same
 * minute make one page, not twenty). Only firing notices count as the group's notices: repeats and resolves of
 * members are per alert. While a batch is held, a newcomer joins it even if the window has just closed.
 */
export interface Group { lastAt: number | undefined; held: string[] }

export class Groups {
  private byKey = new Map<string, Group>();

  private group(key: string): Group {
    let g = this.byKey.get(key);
    if (!g) this.byKey.set(key, (g = { lastAt: undefined, held: [] }));
    return g;
  }

  /** Whether a firing notice for a member of `key` must wait; a window of 0 never holds. */
  shouldHold(key: string, at: number, windowMs: number): boolean {
    if (windowMs <= 0) return false;
    const g = this.byKey.get(key);
    if (!g) return false;
    return g.held.length > 0 || (g.lastAt !== undefined && at - g.lastAt < windowMs);
  }

  hold(key: string, alertKey: string): void {
    this.group(key).held.push(alertKey);
  }

  /** A firing notice of the group went out at `at`. */
  noted(key: string, at: number): void {
    this.group(key).lastAt = at;
  }

  /** Groups whose window has closed with alerts held; their held lists are emptied (the caller announces them). */
  due(at: number, windowMsOf: (groupKey: string, alertKey: string) => number): Array<{ key: string; held: string[] }> {
    const out: Array<{ key: string; held: string[] }> = [];
    for (const [key, g] of this.byKey) {
      if (g.held.length === 0) continue;
      const windowMs = windowMsOf(key, g.held[0]);
      if (g.lastAt === undefined || at - g.lastAt >= windowMs) {
        out.push({ key, held: g.held });
        g.held = [];
      }
    }
    return out;
  }

  /** Forget groups that hold nothing and whose window has long closed (bounded memory). */
  prune(at: number, maxWindowMs: number): void {
    for (const [key, g] of this.byKey) if (g.held.length === 0 && (g.lastAt === undefined || at - g.lastAt >= maxWindowMs)) this.byKey.delete(key);
  }
}
