/**
 * The rule store: the current rule set in the JetStream KV bucket ALERT_RULES (key `ruleset`, history 20 so the
 * last versions can be read back with `nats kv history`), seeded from the rules file on first start. A change is a
 * compare-and-set on the revision it read, so two writers cannot both store version n + 1; each stored version is
 * also audited in ClickHouse (alert_rule_versions) by the caller.
 */
import { Kvm, type KV } from '@nats-io/kv';
import { RuleSetSchema, type Rule, type RuleSet } from '../../contracts/alerts.ts';
import type { NatsConnection } from '../../runtime/nats.ts';

export const RULES_BUCKET = 'ALERT_RULES';
const KEY = 'ruleset';

export type RuleChange = { kind: 'put'; rule: Rule } | { kind: 'delete'; id: string };

export class RuleStore {
  private revision = 0;
  private current!: RuleSet;

  private constructor(private readonly kv: KV) {}

  /** Open the bucket; store `seed` when it holds no valid rule set yet. Returns the store and whether it seeded. */
  static async open(o: { nc: NatsConnection; seed: RuleSet; bucket?: string }): Promise<{ store: RuleStore; seeded: boolean }> {
    const store = new RuleStore(await new Kvm(o.nc).create(o.bucket ?? RULES_BUCKET, { history: 20 }));
    const e = await store.kv.get(KEY);
    const parsed = e && e.operation === 'PUT' ? RuleSetSchema.safeParse(safeJson(e.string())) : undefined;
    if (e && parsed?.success) {
      store.current = parsed.data;
      store.revision = e.revision;
      return { store, seeded: false };
    }
    const data = JSON.stringify(o.seed);
    store.revision = e ? await store.kv.update(KEY, data, e.revision) : await store.kv.create(KEY, data);
    store.current = o.seed;
    return { store, seeded: true };
  }

  ruleSet(): RuleSet { return this.current; }

  /**
   * Apply one change as version + 1 and store it (compare-and-set). Re-reads and retries once when another writer
   * stored a version in between. Throws a RangeError when the result is not a valid rule set.
   */
  async change(c: RuleChange): Promise<RuleSet> {
    for (let attempt = 0; ; attempt++) {
      const base = this.current;
      const rules = c.kind === 'put'
        ? (base.rules.some((r) => r.id === c.rule.id) ? base.rules.map((r) => (r.id === c.rule.id ? c.rule : r)) : [...base.rules, c.rule])
        : base.rules.filter((r) => r.id !== c.id);
      const r = RuleSetSchema.safeParse({ version: base.version + 1, rules });
      if (!r.success) throw new RangeError(r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      try {
        this.revision = await this.kv.update(KEY, JSON.stringify(r.data), this.revision);
        this.current = r.data;
        return r.data;
      } catch (err) {
        if (attempt > 0) throw err;
        const e = await this.kv.get(KEY);
        const fresh = e ? RuleSetSchema.safeParse(safeJson(e.string())) : undefined;
        if (!e || !fresh?.success) throw err;
        this.current = fresh.data;
        this.revision = e.revision;
      }
    }
  }
}

function safeJson(s: string): unknown {
  try { return JSON.parse(s); } catch { return undefined; }
}
