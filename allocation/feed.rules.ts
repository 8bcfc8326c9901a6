/**
 * What an operational event does to the governed states. Physical events are the truth and always apply
 * (a loss can push available-to-promise below zero: that is an oversell by shrinkage, and it shows);
 * shipped and cancelled orders commit or release their reservation. Events that touch no state give null.
 */
import type { OpsEvent } from '../contracts/index.ts';
import type { Change, InboundRecord, MovementRecord } from './changes.ts';
import { decideCommit, decideRelease } from './orders.rules.ts';
import type { AllocationState } from './state.ts';

const ms = (iso: string) => Date.parse(iso);

function move(e: OpsEvent, sku: string, reason: MovementRecord['reason'], reference: string,
  movements: MovementRecord['movements'], location = e.site): MovementRecord {
  return { sku, location, reason, reference, causeEventId: e.id, movements: movements.filter((m) => m.delta !== 0) };
}

const copy = (r: InboundRecord): InboundRecord => ({ ...r, lines: { ...r.lines }, inTransit: { ...r.inTransit } });

/** Take up to qty of a sku off an inbound record; returns what was booked in transit for it. */
function receiveInbound(r: InboundRecord, sku: string, qty: number): number {
  const open = r.lines[sku] ?? 0;
  if (open - qty > 0) r.lines[sku] = open - qty; else delete r.lines[sku];
  const transit = Math.min(r.inTransit[sku] ?? 0, qty);
  if ((r.inTransit[sku] ?? 0) - transit > 0) r.inTransit[sku] = r.inTransit[sku]! - transit; else delete r.inTransit[sku];
  return transit;
}

export function decideFeedEvent(state: AllocationState, e: OpsEvent, now: number): Change | null {
  const c: Change = { at: now, moves: [], inbound: [] };
  const moves = c.moves!;
  switch (e.type) {
    case 'stock.received': moves.push(move(e, e.sku, 'receipt', e.asnId ?? e.poId ?? e.id, [{ state: 'on_hand', delta: e.qty }])); break;
    case 'stock.adjusted':
      if (e.reasonCode === 'damage') {
        const damaged = e.qtyDelta < 0 ? -e.qtyDelta : -Math.min(e.qtyDelta, state.quantity(e.sku, e.site, 'damaged'));
        moves.push(move(e, e.sku, 'damage', e.reference ?? e.id, [{ state: 'damaged', delta: damaged }]));
      } else moves.push(move(e, e.sku, 'adjustment', e.reference ?? e.id, [{ state: 'on_hand', delta: e.qtyDelta }]));
      break;
    case 'stock.cycle_counted':
      // A WMS posts a count's variance as a stock.adjusted after it, so a count moves nothing — except the first
      // one for a SKU-location, which opens the position at the WMS's book figure (the adjustment then corrects it).
      if (state.position(e.sku, e.site) === undefined) {
        moves.push(move(e, e.sku, 'cycle_count', e.bin ?? e.id, [{ state: 'on_hand', delta: e.expectedQty }]));
      }
      break;
    case 'stock.transfer_shipped': {
      moves.push(move(e, e.sku, 'transfer_out', e.transferId, [{ state: 'on_hand', delta: -e.qty }]));
      moves.push(move(e, e.sku, 'transfer_out', e.transferId, [{ state: 'in_transit', delta: e.qty }], e.toSite));
      const r = copy(state.inbound.get(e.transferId) ?? { ref: e.transferId, kind: 'transfer', location: e.toSite, expectedAt: ms(e.expectedAt),
        confirmed: true, lines: {}, inTransit: {} });
      r.lines[e.sku] = (r.lines[e.sku] ?? 0) + e.qty;
      r.inTransit[e.sku] = (r.inTransit[e.sku] ?? 0) + e.qty;
      c.inbound!.push(r);
      break;
    }
    case 'stock.transfer_received': {
      const r = state.inbound.get(e.transferId);
      const transit = r ? receiveInbound((c.inbound!.push(copy(r)), c.inbound![0]!), e.sku, e.qty) : 0;
      moves.push(move(e, e.sku, 'transfer_in', e.transferId, [{ state: 'in_transit', delta: -transit }, { state: 'on_hand', delta: e.qty }]));
      break;
    }
    case 'stock.quality_hold_placed': moves.push(move(e, e.sku, 'quality_hold', e.holdId, [{ state: 'quality_hold', delta: e.qty }])); break;
    case 'stock.quality_hold_released': {
      const qty = Math.min(e.qty, state.quantity(e.sku, e.site, 'quality_hold'));
      moves.push(e.outcome === 'released'
        ? move(e, e.sku, 'quality_release', e.holdId, [{ state: 'quality_hold', delta: -qty }])
        : move(e, e.sku, 'quality_scrap', e.holdId, [{ state: 'quality_hold', delta: -qty }, { state: 'on_hand', delta: -qty }]));
      break;
    }
    case 'returns.received':
      for (const l of e.lines) moves.push(move(e, l.sku, 'return_received', e.rmaId, [{ state: 'pending_inspection', delta: l.qty }]));
      break;
    case 'returns.dispositioned': {
      const qty = Math.min(e.qty, state.quantity(e.sku, e.site, 'pending_inspection'));
      moves.push(e.disposition === 'restock'
        ? move(e, e.sku, 'return_restock', e.rmaId, [{ state: 'pending_inspection', delta: -qty }, { state: 'on_hand', delta: e.qty }])
        : move(e, e.sku, 'return_disposed', e.rmaId, [{ state: 'pending_inspection', delta: -qty }]));
      break;
    }
    case 'purchase_orders.created':
      c.inbound!.push({ ref: e.poId, kind: 'po', location: e.site, expectedAt: ms(e.expectedAt), confirmed: false,
        lines: Object.fromEntries(e.lines.map((l) => [l.sku, l.qty])), inTransit: {} });
      break;
    case 'purchase_orders.confirmed': case 'purchase_orders.delayed': {
      const r = state.inbound.get(e.poId);
      if (!r) return null;
      c.inbound!.push({ ...copy(r), confirmed: true,
        expectedAt: ms(e.type === 'purchase_orders.confirmed' ? e.confirmedExpectedAt : e.newExpectedAt) });
      break;
    }
    case 'purchase_orders.shipped': {
      const r = copy(state.inbound.get(e.poId) ?? { ref: e.poId, kind: 'po', location: e.site, expectedAt: 0, confirmed: true, lines: {}, inTransit: {} });
      r.kind = 'asn'; r.confirmed = true; r.expectedAt = ms(e.expectedAt);
      for (const l of e.lines) {
        r.inTransit[l.sku] = (r.inTransit[l.sku] ?? 0) + l.qty;
        if ((r.lines[l.sku] ?? 0) < (r.inTransit[l.sku] ?? 0)) r.lines[l.sku] = r.inTransit[l.sku]!;
        moves.push(move(e, l.sku, 'asn_shipped', e.asnId, [{ state: 'in_transit', delta: l.qty }]));
      }
      c.inbound!.push(r);
      break;
    }
    case 'purchase_orders.received': {
      const prev = state.inbound.get(e.poId);
      if (!prev) return null;
      const r = copy(prev);
      for (const l of e.lines) {
        const transit = receiveInbound(r, l.sku, l.qty);
        if (transit > 0) moves.push(move(e, l.sku, 'asn_received', e.asnId ?? e.poId, [{ state: 'in_transit', delta: -transit }]));
      }
      if (!e.partial) { r.lines = {}; for (const [sku, q] of Object.entries(r.inTransit)) {
        moves.push(move(e, sku, 'asn_received', e.asnId ?? e.poId, [{ state: 'in_transit', delta: -q }]));
      } r.inTransit = {}; }
      c.inbound!.push(r);
      break;
    }
    case 'orders.shipped': case 'orders.cancelled': {
      const o = state.orders.get(e.orderId);
      if (!o || (o.status !== 'held' && o.status !== 'reserved')) return null;
      const d = e.type === 'orders.shipped' ? decideCommit(state, e.orderId, now, e.id) : decideRelease(state, e.orderId, now, e.id);
      return d.ok ? d.change : null;
    }
    default: return null;
  }
  c.moves = moves.filter((m) => m.movements.length > 0);
  if (c.moves.length === 0 && c.inbound!.length === 0) return null;
  return c;
}
