/**
 * How fast alerts are answered, per alert type (optionally per type × site), over episodes that fired in the last
 * `days` days. An episode starts at a transition to `firing` from pending, inactive or resolved (a return to firing
 * from acknowledged or flapping is the same episode) and ends at the alert's first `resolved` after it. Time to
 * acknowledge is to the episode's first `acknowledged` before its end; time to resolve to that end. Open episodes
 * (no `resolved` yet) count in `fired` and `open` and have no time to resolve.
 *
 * FINAL: a transition written twice (a batch re-sent after a restart) is counted once. Transitions are few
 * (hundreds to thousands a day), so a window function over 90 days of them is cheap. Episode numbers are a running
 * count of starts per alert ordered by `at` (RANGE frame: rows at the same millisecond as a start — the pending →
 * firing of one evaluation — belong to it); rows before the window's first start are episode 0 and left out.
 */
import { selectRows, type Db } from '../client.ts';

export interface AlertResponseStatsRow {
  type: string;
  /** '' unless `bySite`. */
  site: string;
  fired: number;
  acknowledged: number;
  /** Seconds; null when no episode in the group was acknowledged (or resolved). */
  ackMedianSeconds: number | null;
  ackP90Seconds: number | null;
  resolveMedianSeconds: number | null;
  resolveP90Seconds: number | null;
  /** Episodes not resolved yet. */
  open: number;
  /** Resolved by a person (actor other than 'engine') vs by the engine (the value recovered, the rule went away). */
  resolvedByPerson: number;
  resolvedByEngine: number;
}

interface Row {
  type: string; group_site: string; fired: string | number; acknowledged: string | number; open: string | number;
  ack_q: (number | null)[] | null; resolve_q: (number | null)[] | null; by_person: string | number; by_engine: string | number;
}

const SQL = `
WITH numbered AS (
  SELECT alert_key, type, site, to_state, actor, at,
         sum(to_state = 'firing' AND from_state IN ('pending', 'inactive', 'resolved'))
           OVER (PARTITION BY alert_key ORDER BY at) AS episode
  FROM alert_transitions FINAL
  WHERE at >= fromUnixTimestamp64Milli({sinceMs:Int64}) AND at <= fromUnixTimestamp64Milli({nowMs:Int64})
    AND (empty({sites:Array(String)}) OR site IN {sites:Array(String)})
    AND (empty({channels:Array(String)}) OR labels['channel'] = '' OR labels['channel'] IN {channels:Array(String)})
),
episodes AS (
  SELECT any(type) AS type, any(site) AS site,
         minIf(at, to_state = 'firing') AS fired_at,
         minIf(at, to_state = 'resolved') AS resolved_at_raw,
         countIf(to_state = 'resolved') > 0 AS resolved,
         argMinIf(actor, at, to_state = 'resolved') AS resolver,
         arrayFilter((x) -> NOT resolved OR x <= resolved_at_raw, groupArrayIf(at, to_state = 'acknowledged')) AS acks,
         notEmpty(acks) AS acked,
         arrayMin(acks) AS ack_min
  FROM numbered
  WHERE episode > 0
  GROUP BY alert_key, episode
)
SELECT type, if({bySite:Bool}, site, '') AS group_site,
       count() AS fired,
       countIf(acked) AS acknowledged,
       quantilesExactInclusiveIf(0.5, 0.9)(dateDiff('millisecond', fired_at, ack_min) / 1000, acked) AS ack_q,
       quantilesExactInclusiveIf(0.5, 0.9)(dateDiff('millisecond', fired_at, resolved_at_raw) / 1000, resolved) AS resolve_q,
       countIf(NOT resolved) AS open,
       countIf(resolved AND resolver != 'engine') AS by_person,
       countIf(resolved AND resolver = 'engine') AS by_engine
FROM episodes
GROUP BY type, group_site
ORDER BY fired DESC, type, group_site`;

/**
 * Response figures of episodes that fired in (now − days, now] (`now` epoch ms, default the clock), at `sites`
 * (empty = every site; the caller adds 'network' when it should count) and of alerts whose channel label, if any,
 * is in `channels` (empty = all). Ordered by episodes fired, most first.
 */
export async function getAlertResponseStats(o: {
  db: Db; days: number; now?: number; sites?: string[]; channels?: string[]; bySite?: boolean;
}): Promise<AlertResponseStatsRow[]> {
  const nowMs = o.now ?? Date.now();
  const rows = await selectRows<Row>(o.db, 'getAlertResponseStats', SQL, {
    sinceMs: nowMs - o.days * 86_400_000, nowMs, sites: o.sites ?? [], channels: o.channels ?? [], bySite: o.bySite ?? false,
  });
  const q = (xs: (number | null)[] | null, i: number, n: number) => (n > 0 && xs?.[i] != null && Number.isFinite(Number(xs[i])) ? Number(xs[i]) : null);
  return rows.map((r) => {
    const acknowledged = Number(r.acknowledged);
    const resolved = Number(r.by_person) + Number(r.by_engine);
    return {
      type: r.type, site: r.group_site, fired: Number(r.fired), acknowledged,
      ackMedianSeconds: q(r.ack_q, 0, acknowledged), ackP90Seconds: q(r.ack_q, 1, acknowledged),
      resolveMedianSeconds: q(r.resolve_q, 0, resolved), resolveP90Seconds: q(r.resolve_q, 1, resolved),
      open: Number(r.open), resolvedByPerson: Number(r.by_person), resolvedByEngine: Number(r.by_engine),
    };
  });
}
