/**
 * A change is what the allocation log records: the movements a decision made and the bookkeeping that goes
 * with them. Decisions are taken once, by the leader; replaying the log re-applies changes, never re-decides,
 * so replay is deterministic whatever the clock or the rules say today.
 */
import type { Channel, InventoryState, MovementReason } from '../contracts/index.ts';

export interface MovementRecord {
  sku: string;
  location: string;
  reason: MovementReason;
  reference: string;
  causeEventId?: string;
  movements: { state: InventoryState; delta: number; channel?: Channel }[];
}

export interface ReservedLine { sku: string; location: string; qty: number; /** Units taken from the channel's commitment. */ fromCommitment: number }

export type OrderStatus = 'held' | 'reserved' | 'released' | 'committed' | 'expired';

export interface OrderRecord {
  orderId: string;
  channel: Channel;
  status: OrderStatus;
  lines: ReservedLine[];
  /** Epoch ms a hold lapses; only for `held`. */
  expiresAt?: number;
  /** Epoch ms of the last status change (finished orders are pruned by it). */
  at: number;
}

export type InboundKind = 'po' | 'asn' | 'transfer';

/** Stock on its way to a location: an open PO (confirmed or not), an ASN or a transfer. */
export interface InboundRecord {
  ref: string;
  kind: InboundKind;
  location: string;
  expectedAt: number;
  confirmed: boolean;
  /** Open quantity per sku; an empty record is removed. */
  lines: Record<string, number>;
  /** Units of each sku booked `in_transit` against this record (ASNs, transfers). */
  inTransit: Record<string, number>;
}

export interface IdempotencyRecord { key: string; hash: string; reply: unknown; at: number }

export interface Change {
  /** Decision time, epoch ms. */
  at: number;
  moves?: MovementRecord[];
  orders?: OrderRecord[];
  inbound?: InboundRecord[];
  idem?: IdempotencyRecord;
  /** The OPS stream sequence of the event this change applied (the feed resumes after it). */
  opsSeq?: number;
  /** Which feed consumer (its subject filter) read that event: each resumes after its own last sequence. */
  feed?: string;
  /** Forget finished orders and idempotency records older than this (epoch ms). */
  pruneBefore?: number;
}
