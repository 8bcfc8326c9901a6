/**
 * Calling the allocation service over NATS request/reply. While leadership moves (a crash, a deploy) there is
 * briefly no responder, or an answer `unavailable`: the client retries with the same body — every mutating
 * request is idempotent by its key — until `retryForMs` has passed.
 */
import { createInbox } from '@nats-io/nats-core';
import { type AllocationOp, type AllocationReply, type PositionsResult } from '../contracts/api/allocation.ts';
import type { NatsConnection } from '../runtime/nats.ts';

export interface AllocationClientOptions {
  nc: NatsConnection;
  requestPrefix?: string;
  /** Per-attempt timeout. */
  timeoutMs?: number;
  /** Keep retrying an unanswered or `unavailable` request this long (covers a leader takeover: lease TTL + replay). */
  retryForMs?: number;
}

export interface AllocationClient {
  call<T = unknown>(op: AllocationOp, body: unknown): Promise<AllocationReply<T>>;
  /** Every position at one log sequence; the leader sends it in parts (it can exceed one NATS message). */
  positions(): Promise<AllocationReply<PositionsResult>>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createAllocationClient(o: AllocationClientOptions): AllocationClient {
  const prefix = o.requestPrefix ?? 'alloc';
  const timeout = o.timeoutMs ?? 2_000;
  const retryFor = o.retryForMs ?? 15_000;
  /** One attempt at the multi-part positions answer; null when it did not complete (retry). */
  async function positionsOnce(): Promise<AllocationReply<PositionsResult> | null> {
    const inbox = createInbox();
    const sub = o.nc.subscribe(inbox, { timeout });
    o.nc.publish(`${prefix}.positions`, '{}', { reply: inbox });
    const collected: PositionsResult['positions'][] = [];
    try {
      for await (const m of sub) {
        const r = m.json<AllocationReply<PositionsResult> & { part?: number; parts?: number }>();
        if (!r.ok) return r.error.code === 'unavailable' ? null : r;
        collected[r.part ?? 0] = r.result.positions;
        if (collected.filter(Boolean).length === (r.parts ?? 1)) {
          return { ok: true, result: { ...r.result, positions: collected.flat() } };
        }
      }
    } catch { /* timeout: no leader, or a part lost in a takeover */ } finally { sub.unsubscribe(); }
    return null;
  }

  return {
    async positions() {
      const deadline = Date.now() + retryFor;
      for (let wait = 25; ; wait = Math.min(wait * 2, 500)) {
        const r = await positionsOnce();
        if (r) return r;
        if (Date.now() + wait > deadline) return { ok: false, error: { code: 'unavailable', message: 'allocation service did not answer positions' } };
        await sleep(wait);
      }
    },
    async call<T>(op: AllocationOp, body: unknown): Promise<AllocationReply<T>> {
      if (op === 'positions') return (await this.positions()) as AllocationReply<T>;
      const payload = typeof body === 'string' ? body : JSON.stringify(body);
      const deadline = Date.now() + retryFor;
      let wait = 25;
      for (;;) {
        let why: string;
        try {
          const m = await o.nc.request(`${prefix}.${op}`, payload, { timeout });
          const reply = m.json<AllocationReply<T>>();
          if (reply.ok || reply.error.code !== 'unavailable') return reply;
          why = reply.error.message;
        } catch (err) {
          why = (err as Error).message; // no responders (no leader yet) or a timeout
        }
        if (Date.now() + wait > deadline) {
          return { ok: false, error: { code: 'unavailable', message: `allocation service did not answer ${op}: ${why}` } };
        }
        await sleep(wait);
        wait = Math.min(wait * 2, 500);
      }
    },
  };
}
