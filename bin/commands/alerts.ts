/**
 * `tower alerts tail | ack | resolve`: the runnable example of a program subscribing to the realtime gateway
 * (web/gateway/client.ts does the work: auth, subscribe, replay with `since` after a reconnect, dedupe by seq).
 * Exit codes: 0 done (tail: stopped with Ctrl-C), 1 an error answer or the gateway unreachable, 2 bad arguments,
 * 3 refused (the reason is printed).
 */
import { AlertFilterSchema, type AlertFilter } from '../../contracts/alerts.ts';
import type { SequencedNotice } from '../../contracts/realtime.ts';
import { AlertsRefusedError, connectAlerts, type AlertsClient, type AlertsStatus } from '../../web/gateway/client.ts';
import { numberOption, parseOptions, UsageError, type Command } from '../command.ts';
import { loadTowerConfig, rootToken } from '../config.ts';

export interface TailOptions {
  url: string;
  token: string;
  filter: AlertFilter;
  since?: number;
  json: boolean;
  out: (line: string) => void;
  err: (line: string) => void;
  signal: AbortSignal;
}

/** One line per notice: sequence, time, kind, severity, site, type, title — summary [key]. */
export function formatNotice({ seq, notice: n }: SequencedNotice): string {
  const a = n.alert;
  const by = n.kind === 'acknowledged' || (n.kind === 'resolved' && n.actor !== 'engine') ? ` (by ${n.actor})` : '';
  const group = n.group && n.group.size > 1 ? ` +${n.group.size - 1} in group` : '';
  return `${seq} ${n.at} ${n.kind.padEnd(12)} ${a.severity.padEnd(8)} ${a.site} ${a.type}: ${a.title} — ${a.summary}${group}${by} [${a.key}]`;
}

function describeStatus(s: AlertsStatus): string | null {
  switch (s.state) {
    case 'subscribed': return `subscribed: live after seq ${s.result.lastSeq}${s.result.replayed ? `, ${s.result.replayed} replayed` : ''}`;
    case 'disconnected': return `disconnected (${s.reason}); reconnecting…`;
    case 'bye': return `the gateway says ${s.bye.reason}: ${s.bye.message}`;
    case 'refused': return `refused (${s.refusal.code}): ${s.refusal.message}`;
    default: return null;
  }
}

/** Print notices until the signal aborts (0), the token is refused or expires (3), or the gateway is unreachable (1). */
export async function tailAlerts(o: TailOptions): Promise<number> {
  let refused = false;
  let finish!: (code: number) => void;
  const done = new Promise<number>((r) => { finish = r; });
  let client: AlertsClient;
  try {
    client = await connectAlerts({
      url: o.url, token: o.token, filter: o.filter, since: o.since,
      onNotices: (ns) => { for (const n of ns) o.out(o.json ? JSON.stringify(n) : formatNotice(n)); },
      onGap: (r) => o.err(`gap: notices after seq ${o.since ?? '?'} have aged out of the stream; live from seq ${r.lastSeq} (reload the alert list for what you missed)`),
      onStatus: (s) => {
        const line = describeStatus(s);
        if (line) o.err(line);
        if (s.state === 'refused') { refused = true; finish(3); }
      },
    });
  } catch (err) {
    if (err instanceof AlertsRefusedError) return 3;
    o.err((err as Error).message);
    return 1;
  }
  if (refused) { client.close(); return 3; }
  const stop = () => finish(0);
  o.signal.addEventListener('abort', stop, { once: true });
  if (o.signal.aborted) stop();
  const code = await done;
  o.signal.removeEventListener('abort', stop);
  client.close();
  return code;
}

async function control(op: 'ack' | 'resolve', o: { url: string; token: string; key: string; comment?: string; json: boolean }): Promise<number> {
  let client: AlertsClient;
  try {
    client = await connectAlerts({ url: o.url, token: o.token });
  } catch (err) {
    console.error(err instanceof AlertsRefusedError ? err.message : (err as Error).message);
    return err instanceof AlertsRefusedError ? 3 : 1;
  }
  try {
    const a = op === 'ack' ? await client.ack(o.key, o.comment) : await client.resolve(o.key, o.comment!);
    if (!a.ok) { console.error(`${a.error.code}: ${a.error.message}`); return a.error.code === 'forbidden' || a.error.code === 'unauthorized' ? 3 : 1; }
    console.log(o.json ? JSON.stringify(a.result) : `${a.result.alert.key}: ${a.result.alert.state}`);
    return 0;
  } finally {
    client.close();
  }
}

function filterFrom(v: { site?: string[]; type?: string[]; 'min-severity'?: string; 'owner-role'?: string[]; label?: string[] }): AlertFilter {
  const labels: Record<string, string> = {};
  for (const l of v.label ?? []) {
    const m = /^([^=]+)=(.*)$/.exec(l);
    if (!m) throw new UsageError(`--label must be name=value, got ${l}`);
    labels[m[1]!] = m[2]!;
  }
  const r = AlertFilterSchema.safeParse({
    ...(v.site?.length ? { sites: v.site.flatMap((s) => s.split(',')) } : {}),
    ...(v.type?.length ? { types: v.type.flatMap((s) => s.split(',')) } : {}),
    ...(v['min-severity'] ? { minSeverity: v['min-severity'] } : {}),
    ...(v['owner-role']?.length ? { ownerRoles: v['owner-role'].flatMap((s) => s.split(',')) } : {}),
    ...(Object.keys(labels).length ? { labels } : {}),
  });
  if (!r.success) throw new UsageError(r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return r.data;
}

export const alertsCommand: Command = {
  name: 'alerts',
  summary: 'follow alert notices live from the realtime gateway; acknowledge or resolve an alert',
  help: `Usage: tower alerts tail [--site SITE …] [--type TYPE …] [--min-severity info|warning|critical] [--owner-role ROLE …]
                         [--label NAME=VALUE …] [--since SEQ] [--json] [--url URL] [--token TOKEN]
       tower alerts ack KEY [--comment TEXT] [--url URL] [--token TOKEN] [--json]
       tower alerts resolve KEY --comment TEXT [--url URL] [--token TOKEN] [--json]

tail     Connects to the realtime gateway, subscribes and prints one line per notice the token may see (NDJSON
         {seq, notice} with --json) until Ctrl-C. Survives reconnects: it resumes after the last sequence it printed,
         so nothing is missed or printed twice. Status lines go to stderr.
ack      Acknowledges an alert (stops its repeats) as the token's principal.
resolve  Closes an alert by hand (it fires again at the next breaching evaluation); say why with --comment.

Options:
  --url URL             the gateway (default http://127.0.0.1:GATEWAY_PORT, i.e. http://127.0.0.1:3100)
  --token TOKEN         an API token (\`tower tokens issue\`); default TOWER_API_TOKEN or the one tower up keeps in TOWER_DATA_DIR/api-token (admin)
  --site, --type        only these sites / alert types (repeatable or comma-separated)
  --min-severity LEVEL  only notices at least this severe
  --owner-role ROLE     only alerts owned by these roles (executive, warehouse_lead, planner)
  --label NAME=VALUE    only alerts with this label value (repeatable)
  --since SEQ           first replay every notice after this stream sequence (from an earlier --json line's seq)
  --json                NDJSON on stdout
  -h, --help            show this help

Exit codes: 0 stopped, 1 error answer or gateway unreachable, 2 bad arguments, 3 refused (token missing, invalid, expired, forbidden).

Example:
  tower alerts tail --token "$(tower tokens issue --role planner --sites wh-east --name ann)" --min-severity warning`,
  async run(args) {
    const { values, positionals } = parseOptions(args, {
      url: { type: 'string' }, token: { type: 'string' }, site: { type: 'string', multiple: true }, type: { type: 'string', multiple: true },
      'min-severity': { type: 'string' }, 'owner-role': { type: 'string', multiple: true }, label: { type: 'string', multiple: true },
      since: { type: 'string' }, json: { type: 'boolean', default: false }, comment: { type: 'string' },
    });
    const [sub, key, ...extra] = positionals;
    if (sub !== 'tail' && sub !== 'ack' && sub !== 'resolve') throw new UsageError('expected a sub-command: tail, ack or resolve');
    if (extra.length) throw new UsageError(`unexpected argument ${extra[0]}`);
    const cfg = loadTowerConfig();
    const url = values.url ?? `http://127.0.0.1:${cfg.GATEWAY_PORT}`;
    if (!/^https?:\/\/\S+$/.test(url)) throw new UsageError(`--url must be an http(s) URL, got ${url}`);
    const token = values.token ?? rootToken(cfg);
    if (!token) throw new UsageError('give --token (or set TOWER_API_TOKEN, or run `tower up` once)');
    const json = values.json ?? false;
    if (sub === 'tail') {
      if (key !== undefined) throw new UsageError(`unexpected argument ${key}`);
      const since = values.since === undefined ? undefined : numberOption('since', values.since, 0, 0);
      if (since !== undefined && !Number.isInteger(since)) throw new UsageError('--since must be a whole number');
      const filter = filterFrom(values);
      const ac = new AbortController();
      const stop = () => ac.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        return await tailAlerts({ url, token, filter, since, json, signal: ac.signal,
          out: (l) => console.log(l), err: (l) => console.error(l) });
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    }
    if (!key) throw new UsageError(`${sub} needs the alert KEY`);
    if (sub === 'resolve' && !values.comment?.trim()) throw new UsageError('resolve needs --comment (say why)');
    return control(sub, { url, token, key, comment: values.comment, json });
  },
};
