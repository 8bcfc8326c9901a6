/**
 * Live scoring: a `CutoffScorer` holds the streaming feature builder and a trained model; feed it contract
 * events as they arrive (`ingest`) and ask, at any instant, for every open order's risk of missing its cutoff
 * and for each site × carrier cutoff's aggregate. An order is open from `orders.created` until its first
 * handoff, its cancellation, or an hour after its promisedShipBy. Scoring 50k open orders is one batched
 * predict (~0.3 s on the cpu backend, models/tf.ts).
 */
import type { OpsEvent } from '../../contracts/index.ts';
import { CutoffFeatureBuilder } from './feature-builder.ts';
import { FEATURE_COUNT, type OrderSnapshot } from './features.ts';
import type { CutoffModel } from './model.ts';
import { formatWithOffset, offsetOfIso, zoneOffsetMinutes } from './rolling.ts';

export interface OrderCutoffRisk {
  orderId: string;
  site: string;
  carrier: string | undefined;
  /** The cutoff the order leaves by, in the site's local offset. */
  cutoffAt: string;
  promisedShipBy: string;
  minutesToCutoff: number;
  /** P(handed off after promisedShipBy), combining the floor (network) and the truck (pickup history). */
  pMiss: number;
  pFloor: number;
  pTruck: number;
  /** The rule baseline's probability (work ahead at the recent rate vs time to the cutoff). */
  pMissBaseline: number;
  /** When the order is predicted packed and ready to hand off (backlog ÷ throughput); undefined without any rate. */
  predictedCompletionAt: string | undefined;
  scoredAt: string;
}

export interface CutoffRisk {
  site: string;
  carrier: string | undefined;
  cutoffAt: string;
  minutesToCutoff: number;
  openOrders: number;
  openUnits: number;
  /** Σ pMiss over the open orders, and its share of them. */
  expectedMisses: number;
  pMiss: number;
  maxPMiss: number;
  pTruck: number;
  /** When the last open order is predicted ready. */
  predictedCompletionAt: string | undefined;
  explanation: string;
  scoredAt: string;
}

export interface ScoreOptions {
  /** Score as of this instant (default: the latest event seen); never earlier than that. */
  at?: number | string | Date;
  site?: string;
}

export class CutoffScorer {
  readonly builder: CutoffFeatureBuilder;

  constructor(readonly o: { model: CutoffModel; builder?: CutoffFeatureBuilder }) {
    this.builder = o.builder ?? new CutoffFeatureBuilder();
    this.builder.pickupHistory.seed(o.model.meta.pickupLeadsMinutes ?? []);
  }

  /** Apply one event (events should come in occurredAt order; a late one is applied at the current clock). */
  ingest(ev: OpsEvent): void {
    this.builder.ingest(ev, Math.max(Date.parse(ev.occurredAt), this.builder.now));
  }

  /** Every open order's risk, highest first. */
  scoreOrders(o: ScoreOptions = {}): OrderCutoffRisk[] {
    return this.score(o).orders.sort((a, b) => b.pMiss - a.pMiss);
  }

  /** One row per site × cutoff (× carrier) with open orders, highest expected misses first. */
  scoreCutoffs(o: ScoreOptions = {}): CutoffRisk[] {
    const { orders, at } = this.score(o);
    const groups = new Map<string, { rows: OrderCutoffRisk[]; units: number; cutoffMs: number }>();
    for (const r of orders) {
      const key = `${r.site}|${r.carrier ?? ''}|${r.cutoffAt}`;
      const g = groups.get(key) ?? { rows: [], units: 0, cutoffMs: Date.parse(r.cutoffAt) };
      g.rows.push(r);
      g.units += this.builder.orders.get(r.orderId)?.inBacklog ?? 0;
      groups.set(key, g);
    }
    return [...groups.values()].map(({ rows, units, cutoffMs }) => {
      const expected = rows.reduce((s, r) => s + r.pMiss, 0);
      const ready = rows.map((r) => (r.predictedCompletionAt ? Date.parse(r.predictedCompletionAt) : NaN)).filter((x) => x === x);
      const first = rows[0];
      const risk: CutoffRisk = {
        site: first.site, carrier: first.carrier, cutoffAt: first.cutoffAt, minutesToCutoff: Math.round((cutoffMs - at) / 60_000),
        openOrders: rows.length, openUnits: units, expectedMisses: expected, pMiss: expected / rows.length,
        maxPMiss: Math.max(...rows.map((r) => r.pMiss)), pTruck: Math.max(...rows.map((r) => r.pTruck)),
        predictedCompletionAt: ready.length ? new Date(Math.max(...ready)).toISOString() : undefined, explanation: '', scoredAt: first.scoredAt,
      };
      risk.explanation = explain(risk, units);
      return risk;
    }).sort((a, b) => b.expectedMisses - a.expectedMisses);
  }

  private score(o: ScoreOptions): { orders: OrderCutoffRisk[]; at: number } {
    const b = this.builder;
    const at = Math.max(o.at === undefined ? b.now : new Date(o.at).getTime(), b.now);
    b.advance(at);
    const snaps: OrderSnapshot[] = [];
    for (const g of b.groups.values()) {
      if (o.site !== undefined && g.site !== o.site) continue;
      for (const order of g.open) if (b.isOpen(order)) snaps.push(b.snapshot(order, at));
    }
    const x = new Float32Array(Math.max(1, snaps.length) * FEATURE_COUNT);
    snaps.forEach((s, i) => x.set(s.x, i * FEATURE_COUNT));
    const floor = this.o.model.pFloor(x, snaps.length);
    const scoredAt = new Date(at).toISOString();
    const orders = snaps.map((s, i): OrderCutoffRisk => {
      const passed = at > s.cutoffMs;
      const pTruck = passed ? 1 : s.pTruck;
      return {
        orderId: s.order.orderId, site: s.order.site, carrier: s.carrier, cutoffAt: this.local(s.order.site, s.cutoffMs, s.order.group.deadlineIso),
        promisedShipBy: s.order.group.deadlineIso, minutesToCutoff: Math.round((s.cutoffMs - at) / 60_000),
        pMiss: passed ? 1 : 1 - (1 - floor[i]) * (1 - pTruck), pFloor: floor[i], pTruck,
        pMissBaseline: this.o.model.ruleP(s.ruleShortfallHours),
        predictedCompletionAt: Number.isFinite(s.readyAtMs) ? new Date(s.readyAtMs).toISOString() : undefined, scoredAt,
      };
    });
    return { orders, at };
  }

  /** An instant in the site's local offset (its IANA zone when known, else the offset of the promise). */
  private local(site: string, ms: number, promise: string): string {
    const tz = this.builder.site(site).timezone;
    return formatWithOffset(ms, tz ? zoneOffsetMinutes(tz, ms) : offsetOfIso(promise));
  }
}

function explain(r: CutoffRisk, units: number): string {
  const who = `${r.carrier ?? 'cutoff'} at ${r.site} ${r.cutoffAt.slice(11, 16)}`;
  const parts = [`${who}: ${r.openOrders} open orders (${units} units to pack), ~${Math.round(r.expectedMisses)} expected to miss`];
  if (r.minutesToCutoff <= 0) parts.push('cutoff passed');
  else if (r.pTruck >= 0.3) parts.push(`truck not in yet ${r.minutesToCutoff} min before the cutoff (${Math.round(r.pTruck * 100)}% late)`);
  if (r.predictedCompletionAt) parts.push(`last order ready ~${r.predictedCompletionAt.slice(11, 16)}Z`);
  return parts.join('; ').slice(0, 500);
}
