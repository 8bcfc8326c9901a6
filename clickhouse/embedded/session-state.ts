/**
 * chDB keeps `SET` and `USE` for the life of its one session, while on the HTTP interface every request
 * starts from the server's defaults. SessionState remembers which settings we changed and which database is
 * current, and plans the fewest statements that take the session to what the next request asks for: a
 * setting is set only when it differs from what is applied, and restored to its baseline when a later
 * request no longer asks for it. A writer that always sends the same settings pays one `SET` on its first
 * request and none after (until another caller's settings come in between).
 */
import { ServerError } from './errors.ts';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Throw a ClickHouse-style BAD_ARGUMENTS unless `name` is a plain identifier. */
export function checkIdentifier(kind: 'setting' | 'database', name: string): string {
  if (!IDENT.test(name)) throw new ServerError(36, 'BAD_ARGUMENTS', `Invalid ${kind} name ${JSON.stringify(name)}`);
  return name;
}

/** A ClickHouse string literal: backslash and quote escaped. */
export function quoteString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** One `SET a='x', b='y'` statement; values go as string literals, which the engine converts per setting. */
export function setStatement(changes: ReadonlyArray<readonly [string, string]>): string {
  return `SET ${changes.map(([k, v]) => `${checkIdentifier('setting', k)}=${quoteString(v)}`).join(', ')}`;
}

export function useStatement(database: string): string {
  return `USE \`${checkIdentifier('database', database)}\``;
}

export class SessionState {
  /** The value each touched setting had before we first changed it, as system.settings prints it. */
  readonly #baseline = new Map<string, string>();
  /** Settings currently differing from baseline; null when a failed SET left the value unknown. */
  readonly #changed = new Map<string, string | null>();
  /** The database `USE` last made current. */
  database = 'default';

  /** Names in `desired` whose baseline is not known yet (fetch them before planning). */
  missingBaselines(desired: Readonly<Record<string, string>>): string[] {
    return Object.keys(desired).filter((k) => !this.#baseline.has(checkIdentifier('setting', k)));
  }

  recordBaseline(name: string, value: string): void {
    if (!this.#baseline.has(name)) this.#baseline.set(name, value);
  }

  /** The [name, value] pairs to SET so the session holds exactly `desired` on top of the baselines. */
  plan(desired: Readonly<Record<string, string>>): Array<[string, string]> {
    const changes: Array<[string, string]> = [];
    const names = new Set([...this.#changed.keys(), ...Object.keys(desired)]);
    for (const name of names) {
      const base = this.#baseline.get(name);
      if (base === undefined) throw new ServerError(115, 'UNKNOWN_SETTING', `Unknown setting '${name}'`);
      const target = Object.hasOwn(desired, name) ? desired[name]! : base;
      const now = this.#changed.has(name) ? this.#changed.get(name) : base;
      if (now !== target) changes.push([name, target]);
    }
    return changes;
  }

  /** Record the outcome of a SET: success makes the values known; failure makes them unknown. */
  applied(changes: ReadonlyArray<readonly [string, string]>, ok: boolean): void {
    for (const [name, value] of changes) {
      if (!ok) this.#changed.set(name, null);
      else if (value === this.#baseline.get(name)) this.#changed.delete(name);
      else this.#changed.set(name, value);
    }
  }
}
