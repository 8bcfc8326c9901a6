/**
 * The alert engine: the lifecycle book (alerts/lifecycle) fed by the score, query and event sources, its rules in
 * KV ALERT_RULES, its state in KV ALERT_STATE, notices published to the ALERTS stream, transitions stored in
 * ClickHouse, the alertctl API served on NATS, KPI ticks published. Single-threaded by construction: every book
 * call runs on the event loop without awaiting in between, so no two steps interleave.
 * Timing: the clock ticks every second (repeats, group windows, silences, pending → firing, due evaluations);
 * state is saved at most every 2 s while it changes; business figures are refreshed every 15 minutes.
 * Run one engine per deployment (the consumer and the alertctl queue group would share work between two, but
 * each would hold its own book).
 */
import type { Db } from '../../clickhouse/client.ts';
import { insertAlertRuleVersion, type RuleVersionAudit } from '../../clickhouse/queries/insertAlertRuleVersion.ts';
import type { Alert, RuleSet } from '../../contracts/alerts.ts';
import { ALERTCTL_OPS } from '../../contracts/api/alerts.ts';
import type { Logger } from '../../runtime/logger.ts';
import type { NatsConnection } from '../../runtime/nats.ts';
import { AlertBook } from '../lifecycle/book.ts';
import type { BookOutput, Evaluation } from '../lifecycle/types.ts';
import { createAlertsMetrics, type AlertsMetrics } from '../metrics.ts';
import { BusinessFigures } from '../sources/business-figures.ts';
import { EventSource } from '../sources/event.source.ts';
import { QuerySource } from '../sources/query.source.ts';
import { ScoreSource } from '../sources/score.source.ts';
import { ensureAlertsStream } from '../stream.ts';
import { serveAlertctl, type AlertctlDeps } from './alertctl.ts';
import { startKpiTicks } from './kpi.ts';
import { NoticePublisher } from './notice-publisher.ts';
import { RuleStore, type RuleChange } from './rule-store.ts';
import { FencedError, StateStore } from './state-store.ts';
import { TransitionWriter } from './transition-writer.ts';

export interface EngineOptions {
  nc: NatsConnection;
  db: Db;
  log: Logger;
  /** The rule set stored on first start (alerts/rules.default.json or ALERTS_RULES_FILE). */
  seedRules: RuleSet;
  metrics?: AlertsMetrics;
  tickMs?: number;
  snapshotMs?: number;
  /** KPI tick period; 0 = no ticks. */
  kpiMs?: number;
  figuresMs?: number;
  /** Score seed look-back, hours. */
  scoreSeedHours?: number;
  /** Another engine saved the state meanwhile (a failover): this one must stand down (stop({ save: false })). */
  onFenced?: () => void;
}

export interface AlertEngine {
  readonly metrics: AlertsMetrics;
  alerts(): Alert[];
  ruleSet(): RuleSet;
  ready(): boolean;
  /**
   * Stop consuming, publish and store what is pending, save the state. `save: false` when leadership was lost:
   * a stale save must not overwrite the new leader's state, and unsaved events stay unacked for it.
   */
  stop(o?: { save?: boolean }): Promise<void>;
}

export async function startAlertEngine(o: EngineOptions): Promise<AlertEngine> {
  const { nc, db, log } = o;
  const metrics = o.metrics ?? createAlertsMetrics();
  await ensureAlertsStream(nc);

  const audit = (a: RuleVersionAudit) => insertAlertRuleVersion({ db, audit: a })
    .catch((e: Error) => log.warn({ err: e.message, version: a.ruleSet.version }, 'rule version audit not written'));
  const { store: rules, seeded } = await RuleStore.open({ nc, seed: o.seedRules });
  if (seeded) await audit({ ruleSet: rules.ruleSet(), storedAt: Date.now(), actor: 'engine', change: 'seed', ruleId: '' });

  const states = await StateStore.open({ nc });
  const saved = await states.load().catch((e: Error) => { log.error({ err: e.message }, 'saved alert state unreadable; starting empty'); return null; });
  // Claim the state before acting on it: this save bumps its revision, so a previous leader still running is fenced.
  await states.save(saved ?? { savedAt: Date.now(), book: { alerts: [], silences: [] }, outbox: { notices: [], transitions: [] }, windows: {} });
  const book = new AlertBook({ rules: rules.ruleSet().rules, snapshot: saved?.book });

  const publisher = new NoticePublisher({ nc, log, onPublished: (n) => metrics.notices.inc(1, { kind: n.kind }),
    onError: () => metrics.publishErrors.inc() });
  const writer = new TransitionWriter({ db, log, onError: () => metrics.writeErrors.inc(), onDropped: (n) => metrics.dropped.inc(n) });
  if (saved) { publisher.enqueue(saved.outbox.notices); writer.enqueue(saved.outbox.transitions); }

  let dirty = false;
  const handle = (out: BookOutput, changed = false) => {
    for (const t of out.transitions) metrics.transitions.inc(1, { to: t.to });
    writer.enqueue(out.transitions);
    publisher.enqueue(out.notices);
    if (changed || out.transitions.length > 0 || out.notices.length > 0) dirty = true;
  };
  const emit = (ev: Evaluation) => {
    metrics.evaluations.inc(1, { rule: ev.rule.id, source: ev.rule.source.kind });
    handle(book.evaluate(ev), !ev.complete); // an event counted changes the saved windows
  };

  const figures = new BusinessFigures();
  await figures.refresh({ db, now: Date.now() }).catch((e: Error) => log.warn({ err: e.message }, 'business figures unreadable; impact 0 for now'));
  const score = new ScoreSource({ nc, db, figures, log, emit, seedHours: o.scoreSeedHours, onScore: () => metrics.scores.set(score.size()) });
  const query = new QuerySource({ db, figures, log, emit, onQuery: (q, outcome) => metrics.queries.inc(1, { query: q, outcome }) });
  const events = new EventSource({ nc, figures, log, emit, onEvent: (ms) => metrics.eventLatencyMs.observe(ms),
    onPending: (n) => metrics.eventLag.set(n) });
  const applyRules = (rs: RuleSet) => {
    book.setRules(rs.rules);
    for (const s of [score, query, events]) s.setRules(rs.rules);
  };
  applyRules(rules.ruleSet());
  if (saved?.windows) events.restore(saved.windows);
  await score.start(Date.now());
  metrics.scores.set(score.size());
  await events.start();

  const deps: AlertctlDeps = {
    book, ruleSet: () => rules.ruleSet(), now: () => Date.now(), handle: (out) => handle(out, true), persist: () => save(),
    async changeRules(c: RuleChange, a) {
      const rs = await rules.change(c);
      applyRules(rs);
      await audit({ ruleSet: rs, storedAt: Date.now(), actor: a.actor, change: c.kind, ruleId: c.kind === 'put' ? c.rule.id : c.id, comment: a.comment });
      log.info({ version: rs.version, change: c.kind, rule: c.kind === 'put' ? c.rule.id : c.id, actor: a.actor }, 'rules changed');
      return rs;
    },
  };
  const ctl = serveAlertctl({ nc, deps, log,
    onRequest: (op, outcome) => metrics.alertctl.inc(1, { op: (ALERTCTL_OPS as readonly string[]).includes(op) ? op : 'unknown', outcome }) });

  let saving: Promise<void> = Promise.resolve();
  let fenced = false;
  let lastSave = 0;
  const save = () => {
    dirty = false;
    lastSave = Date.now();
    const state = { savedAt: lastSave, book: book.snapshot(), outbox: { notices: publisher.pending(), transitions: writer.pending() },
      windows: events.dump() };
    // The OPS events this state includes are acked only once it is stored: a crash before loses no acked event.
    const included = events.takeUnacked();
    saving = saving.then(() => (fenced ? Promise.reject(new FencedError('fenced')) : states.save(state))).then(() => { for (const m of included) m.ack(); },
      (e: Error) => {
        events.giveBack(included);
        if (e instanceof FencedError) {
          if (!fenced) { fenced = true; log.error({ err: e.message }, 'fenced: standing down'); o.onFenced?.(); }
          return;
        }
        dirty = true;
        log.warn({ err: e.message }, 'alert state not saved');
      });
    return saving;
  };

  let refreshing = false;
  const tick = () => {
    const at = Date.now();
    handle(book.tick(at));
    score.tick(at);
    query.tick(at);
    events.tick(at);
    if (dirty && at - lastSave >= (o.snapshotMs ?? 2_000)) void save();
    if (!refreshing && at - figures.refreshedAt >= (o.figuresMs ?? 900_000)) {
      refreshing = true;
      void figures.refresh({ db, now: at }).catch((e: Error) => log.warn({ err: e.message }, 'business figures not refreshed'))
        .finally(() => { refreshing = false; });
    }
    const open = new Map<string, number>();
    for (const a of book.alerts()) open.set(a.state, (open.get(a.state) ?? 0) + 1);
    for (const s of ['pending', 'firing', 'acknowledged', 'flapping', 'resolved']) metrics.open.set(open.get(s) ?? 0, { state: s });
  };
  const clock = setInterval(tick, o.tickMs ?? 1_000);
  tick();
  const stopKpi = (o.kpiMs ?? 5_000) > 0
    ? startKpiTicks({ nc, db, alerts: () => book.alerts(), everyMs: o.kpiMs ?? 5_000, onError: (e) => log.debug({ err: e.message }, 'kpi tick skipped') })
    : () => undefined;
  let stopped = false;
  log.info({ rules: rules.ruleSet().rules.length, version: rules.ruleSet().version, restored: saved?.book.alerts.length ?? 0 }, 'alert engine started');

  return {
    metrics,
    alerts: () => book.alerts(),
    ruleSet: () => rules.ruleSet(),
    ready: () => !stopped && !fenced && !nc.isClosed(),
    async stop(so?: { save?: boolean }) {
      if (stopped) return;
      stopped = true;
      clearInterval(clock);
      stopKpi();
      ctl.unsubscribe();
      await events.stop();
      score.stop();
      await query.stop();
      await Promise.all([publisher.flush(), writer.flush()]);
      publisher.stop();
      writer.stop();
      await saving;
      if (so?.save !== false && !fenced) await save();
      log.info({ alerts: book.alerts().length }, 'alert engine stopped');
    },
  };
}
