/**
 * The browser's link to the realtime gateway, over the gateway's typed client (web/gateway/client.ts). Each
 * attempt asks the web app for a ticket (POST /api/realtime/ticket), which names the gateway to use and is good
 * for 60 s; every reconnect of that socket fetches a fresh one. WebSocket only: long-polling would need sticky
 * sessions across several gateways. The client resumes from the last sequence seen after a reconnect; when a whole
 * attempt fails (gateway unreachable for 5 s, ticket expired) a new one starts after 0.5 s → 15 s with jitter,
 * possibly on another gateway. A refusal (a principal or ticket the gateway does not accept) stops until reload.
 */
import type { RealtimeTicket } from '$contracts/api/realtime-ticket.ts';
import type { Alert, AlertFilter } from '$contracts/alerts.ts';
import type { Answer, KpiTick, SequencedNotice, SubscribeResult } from '$contracts/realtime.ts';
import { AlertsRefusedError, connectAlerts, type AlertsClient, type AlertsStatus } from '../../gateway/client.ts';

export type LinkStatus = 'connecting' | 'live' | 'reconnecting' | 'refused';

export interface LinkOptions {
  filter: AlertFilter;
  onStatus: (status: LinkStatus, why?: string) => void;
  onNotices?: (notices: SequencedNotice[]) => void;
  onKpi?: (tick: KpiTick) => void;
  /** After every (re)subscription; `gap`: notices were lost, reload the list over the API. */
  onLive?: (r: SubscribeResult) => void;
  ticketUrl?: string;
}

export interface RealtimeLink {
  close(): void;
  /** Ack or resolve over the socket; null when there is no live socket or it did not answer (use the HTTP route). */
  act(op: 'ack' | 'resolve', key: string, comment?: string): Promise<Answer<{ alert: Alert }> | null>;
}

const FIRST_CONNECT_MS = 5_000;
const MAX_BACKOFF_MS = 15_000;

type TicketAnswer = { ok: true; ticket: RealtimeTicket } | { ok: false; status: number; why: string };
async function fetchTicket(url: string): Promise<TicketAnswer> {
  try {
    const res = await fetch(url, { method: 'POST', headers: { accept: 'application/json' }, cache: 'no-store' });
    if (res.ok) return { ok: true, ticket: (await res.json()) as RealtimeTicket };
    const body = (await res.json().catch(() => null)) as { message?: string } | null;
    return { ok: false, status: res.status, why: body?.message ?? `HTTP ${res.status}` };
  } catch {
    return { ok: false, status: 0, why: 'the web app is unreachable' };
  }
}

/** Open the link; returns at once (status changes arrive through `onStatus`). */
export function connectRealtime(o: LinkOptions): RealtimeLink {
  const ticketUrl = o.ticketUrl ?? '/api/realtime/ticket';
  let closed = false;
  let client: AlertsClient | undefined;
  let lastSeq: number | undefined;
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;

  const refuse = (why: string) => { closed = true; client?.close(); o.onStatus('refused', why); };
  const retry = (gen: number, why: string) => {
    if (closed || gen !== generation) return;
    generation++;
    client?.close();
    client = undefined;
    o.onStatus('reconnecting', why);
    clearTimeout(timer);
    timer = setTimeout(() => void attempt(), Math.min(MAX_BACKOFF_MS, 500 * 2 ** failures++) * (0.75 + Math.random() * 0.5));
  };

  async function attempt(): Promise<void> {
    const gen = generation;
    const first = await fetchTicket(ticketUrl);
    if (closed || gen !== generation) return;
    if (!first.ok) return first.status === 401 ? refuse('signed out — reload to sign in') : retry(gen, first.why);
    let unused: string | undefined = first.ticket.token;
    let ticketTrouble: TicketAnswer | undefined;
    const token = async () => {
      if (unused) { const t = unused; unused = undefined; return t; }
      const t = await fetchTicket(ticketUrl);
      ticketTrouble = t.ok ? undefined : t;
      if (!t.ok) throw new Error(t.why);
      return t.ticket.token;
    };
    const onStatus = (s: AlertsStatus) => {
      if (closed || gen !== generation) return;
      if (s.state === 'subscribed') {
        failures = 0;
        // Without `since` nothing is replayed, so what follows lastSeq is live; a gap restarts from the stream's end.
        if (o.onNotices && (lastSeq === undefined || s.result.gap)) lastSeq = s.result.lastSeq;
        o.onStatus('live');
        o.onLive?.(s.result);
      }
      else if (s.state === 'disconnected') o.onStatus('reconnecting', s.reason);
      else if (s.state === 'bye') o.onStatus('reconnecting', s.bye.message);
      else if (s.state === 'refused') {
        // The client has closed itself. Without a valid ticket (expired, or the web app did not give one) try again.
        if (ticketTrouble && !ticketTrouble.ok && ticketTrouble.status === 401) refuse('signed out — reload to sign in');
        else if (s.refusal.code === 'expired' || ticketTrouble) retry(gen, ticketTrouble && !ticketTrouble.ok ? ticketTrouble.why : 'ticket expired');
        else refuse(s.refusal.message);
      }
    };
    try {
      const c = await connectAlerts({
        url: first.ticket.url, token, filter: o.filter, since: lastSeq, transports: ['websocket'], connectTimeoutMs: FIRST_CONNECT_MS,
        onNotices: o.onNotices && ((ns) => { lastSeq = ns[ns.length - 1]!.seq; o.onNotices!(ns); }),
        onKpi: o.onKpi, onStatus,
      });
      if (closed || gen !== generation) { c.close(); return; }
      client = c;
    } catch (err) {
      if (err instanceof AlertsRefusedError) return; // onStatus has decided
      if ((err as Error).message.startsWith('subscribe refused')) refuse((err as Error).message);
      else retry(gen, 'gateway unreachable');
    }
  }

  o.onStatus('connecting');
  void attempt();
  return {
    close() { closed = true; clearTimeout(timer); client?.close(); },
    async act(op, key, comment) {
      if (!client) return null;
      const a = op === 'ack' ? await client.ack(key, comment) : await client.resolve(key, comment ?? '');
      // No answer (socket down, engine slow): the caller falls back to HTTP; if the first did land, that answers 409.
      return !a.ok && a.error.code === 'unavailable' ? null : a;
    },
  };
}
