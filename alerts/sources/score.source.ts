/**
 * The score source: the latest model score of every (kind, entity) in memory — seeded from ClickHouse
 * (risk_scores_latest) at start, then kept current by the scores the scoring service publishes when they change
 * (`risk.<kind>.<site>`, core NATS). Each score rule is evaluated over every entity of its kind (complete: the
 * entities it no longer sees recover) every `everySeconds`, and 200 ms after new scores of its kind arrive, so a
 * risky score becomes an alert within a second of being published.
 * Anomaly messages do not carry the observed and expected values (only risk_scores' typed columns do), which the
 * impact of an intake drop needs: they travel in `details` (observed, expected); a message without them (an older
 * scoring version) makes the source re-read anomaly scores from ClickHouse, at most once every 2 s.
 */
import type { Subscription } from '@nats-io/nats-core';
import type { Db } from '../../clickhouse/client.ts';
import { getLatestRiskScores, type LatestRiskScore } from '../../clickhouse/queries/getLatestRiskScores.ts';
import type { Rule } from '../../contracts/alerts.ts';
import { RISK_SUBJECT_PREFIX, RiskKind, RiskScoreSchema } from '../../contracts/risk.ts';
import type { Logger } from '../../runtime/logger.ts';
import type { NatsConnection } from '../../runtime/nats.ts';
import type { Evaluation } from '../lifecycle/types.ts';
import type { BusinessFigures } from './business-figures.ts';
import { scoreExpired, scoreInstances, type ScoreEntry } from './score-instances.ts';

const HOUR = 3_600_000;
/** Scores that can no longer alert (past cutoffs, aged-out anomaly buckets) are forgotten this often. */
const PRUNE_EVERY_MS = 60_000;
/** Scores up to 50k per kind are read at start (the stockout model scores every SKU-location). */
const SEED_LIMIT = 200_000;

export interface ScoreSourceOptions {
  nc: NatsConnection;
  db: Db;
  figures: BusinessFigures;
  log: Logger;
  emit: (ev: Evaluation) => void;
  /** Seed with scores written in the last this many hours (default 6; an entity not scored since is gone). */
  seedHours?: number;
  /** Delay between new scores arriving and their rules being evaluated (default 200 ms: one scoring batch). */
  debounceMs?: number;
  onScore?: () => void;
}

const key = (kind: string, entity: string) => `${kind}\u0000${entity}`;
const fromRow = (r: LatestRiskScore): ScoreEntry => ({ kind: r.kind, entity: r.entity, site: r.site, ...(r.sku ? { sku: r.sku } : {}),
  score: r.score, scoredAt: r.scoredAt, explanation: r.explanation, details: r.details, observed: r.observed, expected: r.expected });

export class ScoreSource {
  private readonly entries = new Map<string, ScoreEntry>();
  private rules: Rule[] = [];
  private readonly nextDue = new Map<string, number>();
  private sub?: Subscription;
  private timer?: NodeJS.Timeout;
  private anomalyRefresh?: NodeJS.Timeout;
  private lastAnomalyRefresh = 0;
  /** Until the seed read succeeds, score rules are not evaluated: an empty memory would resolve every open alert. */
  private seeded = false;
  private seeding?: Promise<void>;
  private lastSeedAttempt = 0;
  private lastPrune = 0;

  constructor(private readonly o: ScoreSourceOptions) {}

  /** Subscribe, then seed from ClickHouse (when that fails it is retried every 30 s by tick). */
  async start(at: number): Promise<void> {
    this.sub = this.o.nc.subscribe(`${RISK_SUBJECT_PREFIX}.>`, { callback: (_err, m) => this.onMessage(m.data) });
    await this.seed(at);
  }

  private seed(at: number): Promise<void> {
    this.lastSeedAttempt = at;
    this.seeding ??= (async () => {
      for (const kind of RiskKind.options) await this.load(kind, at - (this.o.seedHours ?? 6) * HOUR);
      this.seeded = true;
      this.o.log.info({ scores: this.entries.size }, 'score source seeded');
    })().catch((err: Error) => this.o.log.warn({ err: err.message }, 'score seed unreadable; score rules wait for it'))
      .finally(() => { this.seeding = undefined; });
    return this.seeding;
  }

  setRules(rules: Rule[]): void {
    this.rules = rules.filter((r) => r.enabled && r.source.kind === 'score');
  }

  /** Evaluate every score rule that is due at `at` (epoch ms). */
  tick(at: number): void {
    if (!this.seeded) {
      if (at - this.lastSeedAttempt >= 30_000) void this.seed(at);
      return;
    }
    if (at - this.lastPrune >= PRUNE_EVERY_MS) this.prune(at);
    for (const rule of this.rules) {
      if ((this.nextDue.get(rule.id) ?? 0) > at) continue;
      this.nextDue.set(rule.id, at + rule.everySeconds * 1000);
      this.o.emit({ rule, at, complete: true, instances: scoreInstances(rule, this.entries.values(), this.o.figures, at) });
    }
  }

  size(): number { return this.entries.size; }

  /** Forget the scores that can no longer alert: without this, one entity per anomaly bucket and per order piles up for ever. */
  prune(at: number): void {
    this.lastPrune = at;
    for (const [k, e] of this.entries) if (scoreExpired(e, at)) this.entries.delete(k);
  }

  stop(): void {
    this.sub?.unsubscribe();
    clearTimeout(this.timer);
    clearTimeout(this.anomalyRefresh);
  }

  private async load(kind: RiskKind, since: number): Promise<void> {
    for (const r of await getLatestRiskScores({ db: this.o.db, kind, since, limit: SEED_LIMIT })) {
      const prev = this.entries.get(key(r.kind, r.entity));
      if (!prev || prev.scoredAt <= r.scoredAt) this.entries.set(key(r.kind, r.entity), fromRow(r));
    }
  }

  private onMessage(data: Uint8Array): void {
    let parsed: unknown;
    try { parsed = JSON.parse(new TextDecoder().decode(data)); } catch { parsed = undefined; }
    const r = RiskScoreSchema.safeParse(parsed);
    if (!r.success) { this.o.log.warn({ err: r.error.issues[0]?.message }, 'risk score refused'); return; }
    const s = r.data;
    const k = key(s.kind, s.entity);
    const prev = this.entries.get(k);
    const scoredAt = Date.parse(s.scoredAt);
    if (prev && prev.scoredAt > scoredAt) return;
    this.entries.set(k, { kind: s.kind, entity: s.entity, site: s.site, ...(s.sku ? { sku: s.sku } : {}), score: s.score, scoredAt,
      explanation: s.explanation, details: s.details ?? {}, observed: prev?.observed, expected: prev?.expected });
    this.o.onScore?.();
    for (const rule of this.rules) if (rule.source.kind === 'score' && rule.source.riskKind === s.kind) this.nextDue.set(rule.id, 0);
    // Older scoring versions published anomalies without observed/expected: fetch them from ClickHouse then.
    if (s.kind === 'anomaly' && (s.details?.observed === undefined || s.details?.expected === undefined)) this.scheduleAnomalyRefresh();
    else this.timer ??= setTimeout(() => { this.timer = undefined; this.tick(Date.now()); }, this.o.debounceMs ?? 200);
  }

  /** Re-read anomaly facts, then evaluate (at most every 2 s; a failed read evaluates with what is known). */
  private scheduleAnomalyRefresh(): void {
    if (this.anomalyRefresh) return;
    const wait = Math.max(this.o.debounceMs ?? 200, this.lastAnomalyRefresh + 2_000 - Date.now());
    this.anomalyRefresh = setTimeout(() => {
      this.lastAnomalyRefresh = Date.now();
      void this.load('anomaly', Date.now() - 50 * HOUR)
        .catch((err: Error) => this.o.log.warn({ err: err.message }, 'anomaly scores unreadable'))
        .finally(() => { this.anomalyRefresh = undefined; this.tick(Date.now()); });
    }, wait);
  }
}
