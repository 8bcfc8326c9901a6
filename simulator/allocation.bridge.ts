/**
 * Drives the allocation service from the simulated order flow, as an OMS would: when the scenario allocates an
 * order it reserves the order's lines (partial allowed: the simulated warehouse ships what it has), a shipment
 * commits it, a cancellation releases it. The scenario's own events are published unchanged; the service's
 * decisions show up as `inventory.moved` events. Calls run concurrently, capped; each is idempotent by a key
 * derived from the order, so a restarted simulator repeats nothing.
 */
import type { AllocationClient } from '../allocation/client.ts';
import type { OpsEvent, OrderCreated } from '../contracts/index.ts';

export interface BridgeStats { reserved: number; partial: number; refused: number; committed: number; released: number; failed: number }

/** Orders created but not yet allocated that are remembered (oldest forgotten first). */
const MAX_OPEN_ORDERS = 200_000;
const MAX_IN_FLIGHT = 256;

export function createAllocationBridge(client: AllocationClient, onError: (msg: string) => void = () => undefined) {
  const open = new Map<string, OrderCreated>();
  const stats: BridgeStats = { reserved: 0, partial: 0, refused: 0, committed: 0, released: 0, failed: 0 };
  let inFlight = 0;
  const waiters: (() => void)[] = [];

  async function run(fn: () => Promise<void>): Promise<void> {
    while (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((r) => waiters.push(r));
    inFlight++;
    void fn().catch((err: Error) => { stats.failed++; onError(err.message); })
      .finally(() => { inFlight--; waiters.shift()?.(); });
  }

  function reserve(o: OrderCreated): Promise<void> {
    const qty = new Map<string, number>();
    for (const l of o.lines) qty.set(l.sku, (qty.get(l.sku) ?? 0) + l.qty);
    return run(async () => {
      const r = await client.call<{ status: string }>('reserve', { idempotencyKey: `sim-reserve-${o.orderId}`, orderId: o.orderId,
        channel: o.channel, shipToRegion: o.shipToRegion, lines: [...qty].map(([sku, q]) => ({ sku, qty: q })), allowPartial: true });
      if (!r.ok) { stats.failed++; if (r.error.code !== 'unknown_sku') onError(`reserve ${o.orderId}: ${r.error.code} ${r.error.message}`); return; }
      const s = r.result.status;
      if (s === 'refused') stats.refused++; else if (s === 'partial') stats.partial++; else stats.reserved++;
    });
  }

  function finish(op: 'commit' | 'release', orderId: string): Promise<void> {
    return run(async () => {
      const r = await client.call(op, { idempotencyKey: `sim-${op}-${orderId}`, orderId });
      if (r.ok) { if (op === 'commit') stats.committed++; else stats.released++; return; }
      // Orders the service refused have nothing to commit or release.
      if (r.error.code !== 'not_found' && r.error.code !== 'invalid_state') { stats.failed++; onError(`${op} ${orderId}: ${r.error.message}`); }
    });
  }

  return {
    stats,
    /** Look at an event the scenario is about to publish; resolves once the call it causes is under way. */
    async observe(ev: OpsEvent): Promise<void> {
      switch (ev.type) {
        case 'orders.created':
          open.set(ev.orderId, ev);
          if (open.size > MAX_OPEN_ORDERS) open.delete(open.keys().next().value!);
          return;
        case 'orders.allocated': {
          const o = open.get(ev.orderId);
          if (!o) return; // the second shipment of a split order, or a back-order retry of a forgotten one
          open.delete(ev.orderId);
          return reserve(o);
        }
        case 'orders.shipped': return finish('commit', ev.orderId);
        case 'orders.cancelled': open.delete(ev.orderId); return finish('release', ev.orderId);
        default: return;
      }
    },
    /** Wait for every call under way. */
    async settle(): Promise<void> {
      while (inFlight > 0) await new Promise((r) => setTimeout(r, 10));
    },
  };
}
