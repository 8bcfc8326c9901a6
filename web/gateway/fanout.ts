/**
 * Fan-out of live notices and KPI ticks to sockets.
 *
 * Sockets with the same (role, sites, channels, filter) share a room `aud:<hash>` — an audience. Live notices are
 * batched (flushed GATEWAY_BATCH_MS after the first one of a batch, or at 200 notices, whichever comes first: the
 * contract allows 100 ms and the end-to-end p99 budget is 250 ms); each audience gets the notices that route to it
 * in one room emit, which Socket.IO encodes once for every member — what keeps 5,000 sockets cheap.
 *
 * A socket that is catching up (replaying) is attached to its audience with a buffer instead of being in the room;
 * goLive() flushes the current batch, sends what the buffer holds past the replay's end and joins the room, all in
 * one tick, so no notice is sent twice or skipped.
 *
 * Before every emit, recipients whose engine.io queue passed the limits are dropped as slow consumers (`bye`, then
 * the transport is discarded); they reconnect and replay. That bounds the memory a client that stops reading costs.
 */
import { createHash } from 'node:crypto';
import { routesTo, scopedNotice } from '../../alerts/routing.ts';
import type { Principal } from '../../contracts/access.ts';
import type { AlertFilter } from '../../contracts/alerts.ts';
import type { Bye, KpiTick, SequencedNotice } from '../../contracts/realtime.ts';
import type { Logger } from '../../runtime/logger.ts';
import type { FeedNotice } from './feed.ts';
import { scopeKpiTick } from './kpi.ts';
import type { GatewayMetrics } from './metrics.ts';
import type { GatewayServer, GatewaySocket } from './types.ts';

/** Most notices in one `alerts` emit (a live flush, or a chunk of a replay). */
export const MAX_BATCH = 200;

export interface FanoutOptions {
  io: GatewayServer;
  metrics: GatewayMetrics;
  log: Logger;
  batchMs: number;
  maxQueuedPackets: number;
  maxQueuedBytes: number;
  /** Live notices buffered for one replaying socket before it is dropped. */
  maxCatchUp: number;
}

interface Audience {
  room: string;
  principal: Principal;
  filter: AlertFilter;
  /** Replaying sockets of this audience and the live notices held for them. */
  catchingUp: Map<string, SequencedNotice[]>;
}

const sortedCopy = <T>(xs: readonly T[] | undefined) => (xs ? [...xs].sort() : undefined);
const digest = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('base64url').slice(0, 22);

/** The audience of a subscription: what routing depends on (role and scope, not the person) plus the filter. */
export function audienceKey(p: Principal, f: AlertFilter): string {
  return digest({
    role: p.role, sites: sortedCopy(p.sites), channels: sortedCopy(p.channels),
    filter: { sites: sortedCopy(f.sites), types: sortedCopy(f.types), minSeverity: f.minSeverity, ownerRoles: sortedCopy(f.ownerRoles),
      labels: f.labels ? Object.entries(f.labels).sort(([a], [b]) => a.localeCompare(b)) : undefined },
  });
}

/** Engine.io's outgoing queue of a socket: packets waiting because the transport has not taken the last ones yet. */
function queued(socket: GatewaySocket): { packets: number; bytes: number } {
  const buffer = (socket.conn as unknown as { writeBuffer?: { data?: unknown }[] }).writeBuffer ?? [];
  let bytes = 0;
  for (const p of buffer) bytes += typeof p.data === 'string' ? p.data.length : ((p.data as { byteLength?: number } | undefined)?.byteLength ?? 0);
  return { packets: buffer.length, bytes };
}

export class Fanout {
  private readonly audiences = new Map<string, Audience>();
  /** Socket id → its audience key (live or catching up). */
  private readonly bySocket = new Map<string, string>();
  /** KPI room → the sites its members may see. */
  private readonly kpiRooms = new Map<string, string[]>();
  private pending: FeedNotice[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly o: FanoutOptions) {}

  /** A notice from the live feed (in stream order). */
  add(n: FeedNotice): void {
    this.pending.push(n);
    if (this.pending.length >= MAX_BATCH) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.o.batchMs);
  }

  /** Send the current batch to every audience it routes to. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    const { metrics } = this.o;
    metrics.batchSize.observe(batch.length);
    const now = Date.now();
    for (const n of batch) metrics.feedDelay.observe(Math.max(0, now - n.storedAtMs) / 1000);
    for (const a of this.audiences.values()) {
      const notices: SequencedNotice[] = [];
      for (const n of batch) if (routesTo(n.notice.alert, a.principal, a.filter)) notices.push({ seq: n.seq, notice: scopedNotice(n.notice, a.principal) });
      if (notices.length === 0) continue;
      for (const [id, held] of a.catchingUp) {
        held.push(...notices);
        const socket = this.o.io.sockets.sockets.get(id);
        if (held.length > this.o.maxCatchUp && socket) this.dropSlow(socket, 'fell too far behind while replaying');
      }
      const members = this.guardRoom(a.room);
      if (members === 0) continue;
      this.o.io.to(a.room).emit('alerts', { notices });
      metrics.batches.inc();
      metrics.noticesOut.inc(notices.length * members, { path: 'live' });
    }
  }

  /**
   * Start a subscription: the socket leaves any previous one and, until goLive(), its audience's live notices are
   * held for it.
   */
  attach(socket: GatewaySocket, filter: AlertFilter): void {
    this.detach(socket);
    const principal = socket.data.principal;
    const key = audienceKey(principal, filter);
    let a = this.audiences.get(key);
    if (!a) { a = { room: `aud:${key}`, principal, filter, catchingUp: new Map() }; this.audiences.set(key, a); }
    a.catchingUp.set(socket.id, []);
    this.bySocket.set(socket.id, key);
    this.updateGauges();
  }

  /**
   * The replay has sent everything up to `cutoff`: flush the batch in progress, send the held notices after
   * `cutoff`, join the audience's room (and the KPI room). Returns the feed position the subscription is live from,
   * or null when the socket was dropped meanwhile.
   */
  goLive(socket: GatewaySocket, cutoff: number, kpi: boolean, feedSeq: () => number): number | null {
    const key = this.bySocket.get(socket.id);
    const a = key === undefined ? undefined : this.audiences.get(key);
    const held = a?.catchingUp.get(socket.id);
    if (!a || !held) return null;
    this.flush();
    a.catchingUp.delete(socket.id);
    if (!this.sendTo(socket, held.filter((n) => n.seq > cutoff), 'live')) return null;
    void socket.join(a.room);
    if (kpi) {
      const sites = sortedCopy(socket.data.principal.sites)!;
      const room = `kpi:${digest(sites)}`;
      this.kpiRooms.set(room, sites);
      void socket.join(room);
    }
    this.updateGauges();
    return Math.max(cutoff, feedSeq());
  }

  /** End the socket's subscription (unsubscribe, a new subscribe, disconnect). Returns whether it had one. */
  detach(socket: GatewaySocket): boolean {
    const key = this.bySocket.get(socket.id);
    for (const room of socket.rooms) if (room.startsWith('kpi:')) { void socket.leave(room); this.dropEmptyKpiRoom(room); }
    if (key === undefined) return false;
    this.bySocket.delete(socket.id);
    const a = this.audiences.get(key);
    if (a) {
      a.catchingUp.delete(socket.id);
      void socket.leave(a.room);
      if (a.catchingUp.size === 0 && !this.o.io.sockets.adapter.rooms.get(a.room)?.size) this.audiences.delete(key);
    }
    this.updateGauges();
    return true;
  }

  /** Send notices to one socket in chunks of MAX_BATCH; false when it was dropped as a slow consumer. */
  sendTo(socket: GatewaySocket, notices: SequencedNotice[], path: 'live' | 'replay'): boolean {
    for (let i = 0; i < notices.length; i += MAX_BATCH) {
      if (this.isSlow(socket)) { this.dropSlow(socket, 'queue over the limit'); return false; }
      const chunk = notices.slice(i, i + MAX_BATCH);
      socket.emit('alerts', { notices: chunk });
      this.o.metrics.batches.inc();
      this.o.metrics.noticesOut.inc(chunk.length, { path });
    }
    return socket.connected;
  }

  /** A KPI tick: each KPI room gets it scoped to its sites. */
  kpi(tick: KpiTick): void {
    for (const [room, sites] of this.kpiRooms) {
      if (this.guardRoom(room) === 0) { this.dropEmptyKpiRoom(room); continue; }
      this.o.io.to(room).emit('kpi', scopeKpiTick(tick, sites));
    }
  }

  /** Say why and disconnect (`discard`: drop what is still queued, for a client that is not reading). */
  bye(socket: GatewaySocket, bye: Bye, discard = false): void {
    if (socket.disconnected) return;
    socket.emit('bye', bye);
    socket.disconnect(true);
    if (discard) socket.conn.close(true);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
  }

  private isSlow(socket: GatewaySocket): boolean {
    const q = queued(socket);
    return q.packets >= this.o.maxQueuedPackets || q.bytes >= this.o.maxQueuedBytes;
  }

  private dropSlow(socket: GatewaySocket, why: string): void {
    if (socket.disconnected) return;
    this.o.metrics.slowConsumers.inc();
    this.o.log.warn({ socket: socket.id, token: socket.data.tokenRef, why, ...queued(socket) }, 'slow consumer dropped');
    this.bye(socket, { reason: 'slow_consumer', message: `${why}; reconnect and subscribe with since to replay` }, true);
  }

  /** Drop slow members of a room; returns how many members remain. */
  private guardRoom(room: string): number {
    const ids = this.o.io.sockets.adapter.rooms.get(room);
    if (!ids?.size) return 0;
    for (const id of [...ids]) {
      const socket = this.o.io.sockets.sockets.get(id);
      if (socket && this.isSlow(socket)) this.dropSlow(socket, 'queue over the limit');
    }
    return this.o.io.sockets.adapter.rooms.get(room)?.size ?? 0;
  }

  private dropEmptyKpiRoom(room: string): void {
    if (!this.o.io.sockets.adapter.rooms.get(room)?.size) this.kpiRooms.delete(room);
  }

  private updateGauges(): void {
    this.o.metrics.audiences.set(this.audiences.size);
    this.o.metrics.subscriptions.set(this.bySocket.size);
  }
}
