/**
 * The newest movements of one SKU-location, newest first by allocation log sequence: the rows behind a
 * position, for the drilldown. FINAL so a duplicated event is listed once; (location, sku) is the prefix of
 * the ledger's sorting key, so this reads only that SKU-location's granules.
 */
import { selectRows, type Db } from '../client.ts';
import type { InventoryState, MovementReason } from '../../contracts/index.ts';

export interface LedgerMovement {
  eventId: string;
  /** Epoch ms. */
  occurredAt: number;
  logSeq: number;
  state: InventoryState;
  delta: number;
  /** '' when the movement has no channel. */
  channel: string;
  reason: MovementReason;
  reference: string;
  /** '' when no event caused it. */
  causeEventId: string;
}

interface Row {
  event_id: string; occurred_ms: number; log_seq: number; state: InventoryState; delta: number; channel: string;
  reason: MovementReason; reference: string; cause_event_id: string;
}

const SQL = `
SELECT event_id, toUnixTimestamp64Milli(occurred_at) AS occurred_ms, log_seq, state, delta, channel, reason,
       reference, cause_event_id
FROM inventory_ledger FINAL
WHERE location = {location:String} AND sku = {sku:String}
ORDER BY log_seq DESC, occurred_at DESC, event_id DESC, movement_index
LIMIT {limit:UInt32}`;

/** Up to `limit` movements of `sku` at `location`. */
export async function getLedgerMovements(o: { db: Db; sku: string; location: string; limit: number }): Promise<LedgerMovement[]> {
  const rows = await selectRows<Row>(o.db, 'getLedgerMovements', SQL, { location: o.location, sku: o.sku, limit: o.limit });
  return rows.map((r) => ({ eventId: r.event_id, occurredAt: Number(r.occurred_ms), logSeq: Number(r.log_seq), state: r.state,
    delta: Number(r.delta), channel: r.channel, reason: r.reason, reference: r.reference, causeEventId: r.cause_event_id }));
}
