/**
 * Publishing score changes on NATS (`risk.<kind>.<site>`): only an entity whose score moved by at least
 * `minChange` since it was last published (or was never published) goes out, so 50k stockout scores every
 * 15 minutes become the few hundred that changed — subscribers (alerts, the live dashboard) see changes, not
 * a full re-broadcast. Core NATS, not JetStream: a missed change is repaired by the next run and the latest
 * scores are always in ClickHouse (risk_scores_latest).
 */
import { RiskKind, riskSubject, type RiskScore } from '../../contracts/index.ts';
import type { Db } from '../../clickhouse/client.ts';
import { getLatestRiskScores } from '../../clickhouse/queries/getLatestRiskScores.ts';
import type { RiskScoreRow } from '../../clickhouse/queries/insertRiskScores.ts';
import type { NatsConnection } from '../../runtime/nats.ts';

export class ScoreChanges {
  private readonly last = new Map<string, number>();

  constructor(private readonly o: { nc: NatsConnection; minChange?: number }) {}

  /** Scores already published (e.g. read back from risk_scores_latest at start), so a restart does not re-send all. */
  remember(rows: { kind: string; entity: string; score: number }[]): void {
    for (const r of rows) this.last.set(`${r.kind}\u0000${r.entity}`, r.score);
  }

  /** Seed from risk_scores_latest, so a restart publishes only what changed since the last run. */
  async rememberLatest(db: Db): Promise<void> {
    for (const kind of RiskKind.options) this.remember(await getLatestRiskScores({ db, kind, limit: 100_000 }));
  }

  /** Publish the rows whose score changed enough; returns how many went out. */
  publish(rows: RiskScoreRow[]): number {
    const min = this.o.minChange ?? 0.05;
    let sent = 0;
    for (const r of rows) {
      const key = `${r.kind}\u0000${r.entity}`;
      const previous = this.last.get(key);
      if (previous !== undefined && Math.abs(previous - r.score) < min) continue;
      const msg: RiskScore = { kind: r.kind, entity: r.entity, site: r.site, score: r.score, model: r.model,
        modelVersion: r.modelVersion, scoredAt: r.scoredAt, explanation: r.explanation.slice(0, 500),
        ...(r.sku ? { sku: r.sku } : {}), ...(previous !== undefined ? { previousScore: previous } : {}),
        ...(r.details ? { details: r.details } : {}) };
      this.o.nc.publish(riskSubject(r.kind, r.site), JSON.stringify(msg));
      this.last.set(key, r.score);
      sent++;
    }
    return sent;
  }
}
