/**
 * The query source: rules over named ClickHouse queries (contracts/alerts.ts RuleQuery; one query file each in
 * clickhouse/queries, values bound as parameters — a rule names a query and its numeric parameters, never SQL).
 * Each due rule runs its query and emits a complete evaluation: every row an instance, so a row that disappears
 * recovers. One query at a time (the embedded engine runs statements one at a time; these take milliseconds, and
 * the dashboards share it); a failed query emits nothing, so alerts keep their state until the next success.
 *
 * | query | instance per | value | impact |
 * |---|---|---|---|
 * | ingest_lag | network | seconds since the newest landed occurredAt | none (it stales every figure) |
 * | allocation_drift | location of the latest check (ignored when older than maxAgeMinutes, default 10) | positions drifted | Σ|drift| units × unit price |
 * | site_silence | site with a usual rate | events usually sent in the window when none landed, else 0 | the site's mean orders in a window that long |
 * | delayed_purchase_orders | late PO | days of the latest delay | none known (the delay event has no lines) |
 */
import type { Db } from '../../clickhouse/client.ts';
import { getDelayedPurchaseOrders } from '../../clickhouse/queries/getDelayedPurchaseOrders.ts';
import { getIngestLag } from '../../clickhouse/queries/getIngestLag.ts';
import { getLatestDrift } from '../../clickhouse/queries/getLatestDrift.ts';
import { getSiteSilence } from '../../clickhouse/queries/getSiteSilence.ts';
import type { Rule } from '../../contracts/alerts.ts';
import type { Logger } from '../../runtime/logger.ts';
import { NETWORK_SITE } from '../routing.ts';
import type { Evaluation, Instance } from '../lifecycle/types.ts';
import type { BusinessFigures } from './business-figures.ts';

type QueryRule = Rule & { source: Extract<Rule['source'], { kind: 'query' }> };
const NONE = { ordersAtRisk: 0, revenueAtRisk: 0 };
const int = (p: Record<string, string | number>, name: string, def: number) => {
  const v = Number(p[name] ?? def);
  return Number.isFinite(v) && v > 0 ? Math.round(v) : def;
};
const r2 = (x: number) => Math.round(x * 100) / 100;

/** The instances of one query rule at `at` (epoch ms). */
export async function queryInstances(o: { db: Db; figures: BusinessFigures; rule: QueryRule; at: number }): Promise<Instance[]> {
  const p = o.rule.source.params;
  switch (o.rule.source.query) {
    case 'ingest_lag': {
      const lag = await getIngestLag({ db: o.db, at: o.at, lookbackMinutes: int(p, 'lookbackMinutes', 60) });
      if (!lag) return [];
      return [{ labels: { site: NETWORK_SITE }, value: Math.round(lag.lagSeconds), impact: NONE,
        summary: `the newest landed event happened ${Math.round(lag.lagSeconds)} s ago; the last one landed ${Math.round(lag.sinceIngestSeconds)} s ago (${lag.landed} in the last ${int(p, 'lookbackMinutes', 60)} min)` }];
    }
    case 'allocation_drift': {
      const d = await getLatestDrift({ db: o.db, limit: 1000 });
      if (!d || o.at - d.checkedAt > int(p, 'maxAgeMinutes', 10) * 60_000) return [];
      const by = new Map<string, { n: number; units: number; revenue: number }>();
      for (const r of d.rows) {
        const t = by.get(r.location) ?? { n: 0, units: 0, revenue: 0 };
        t.n++; t.units += Math.abs(r.drift); t.revenue += Math.abs(r.drift) * o.figures.unitPrice(r.sku);
        by.set(r.location, t);
      }
      return [...by].map(([site, t]) => ({ labels: { site }, value: t.n, impact: { ordersAtRisk: 0, revenueAtRisk: r2(t.revenue), unitsAtRisk: t.units },
        summary: `${t.n} position(s) at ${site} differ between allocation and the ledger at log ${d.logSeq} (${t.units} units in all)` }));
    }
    case 'site_silence': {
      const windowMinutes = int(p, 'windowMinutes', 10);
      const rows = await getSiteSilence({ db: o.db, at: o.at, windowMinutes, baselineDays: int(p, 'baselineDays', 7) });
      return rows.map((s) => {
        const silent = s.recent === 0;
        const orders = silent ? o.figures.ordersPerMinute(s.site) * windowMinutes : 0;
        return { labels: { site: s.site }, value: silent ? r2(s.expected) : 0,
          impact: { ordersAtRisk: r2(orders), revenueAtRisk: r2(orders * o.figures.orderValue({ site: s.site })) },
          summary: silent ? `${s.site} sent no events in ${windowMinutes} min; it usually sends ~${Math.round(s.expected)} at this time of day`
            : `${s.site} sent ${s.recent} events in ${windowMinutes} min (usually ~${Math.round(s.expected)})` };
      });
    }
    case 'delayed_purchase_orders': {
      const rows = await getDelayedPurchaseOrders({ db: o.db, at: o.at, days: int(p, 'days', 30) });
      return rows.map((r) => ({ labels: { site: r.site, po: r.poId, supplier: r.supplier }, value: r2(r.delayDays), impact: NONE,
        summary: `${r.poId} from ${r.supplier} to ${r.site} is late: now expected ${r.newExpectedAt} (moved ${r2(r.delayDays)} days)` }));
    }
  }
}

export class QuerySource {
  private rules: QueryRule[] = [];
  private readonly nextDue = new Map<string, number>();
  private running: Promise<void> = Promise.resolve();
  private busy = false;

  constructor(private readonly o: { db: Db; figures: BusinessFigures; log: Logger; emit: (ev: Evaluation) => void;
    onQuery?: (query: string, outcome: 'ok' | 'error') => void }) {}

  setRules(rules: Rule[]): void {
    this.rules = rules.filter((r): r is QueryRule => r.enabled && r.source.kind === 'query');
  }

  /** Start the due rules' queries, one after another, unless the previous round is still running. */
  tick(at: number): void {
    if (this.busy) return;
    const due = this.rules.filter((r) => (this.nextDue.get(r.id) ?? 0) <= at);
    if (due.length === 0) return;
    this.busy = true;
    this.running = (async () => {
      for (const rule of due) {
        this.nextDue.set(rule.id, at + rule.everySeconds * 1000);
        try {
          const now = Date.now();
          const instances = await queryInstances({ db: this.o.db, figures: this.o.figures, rule, at: now });
          this.o.onQuery?.(rule.source.query, 'ok');
          this.o.emit({ rule, at: now, complete: true, instances });
        } catch (err) {
          this.o.onQuery?.(rule.source.query, 'error');
          this.o.log.warn({ rule: rule.id, err: (err as Error).message }, 'alert query failed');
        }
      }
    })().finally(() => { this.busy = false; });
  }

  /** Wait for the round in flight. */
  async stop(): Promise<void> { await this.running; }
}
