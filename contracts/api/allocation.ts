/**
 * The allocation service's requests and answers, the same on NATS request/reply (`alloc.<op>`) and over HTTP
 * (`POST /v1/<op>`). Every mutating request carries an idempotency key: the same key with the same body gets
 * the first answer again; the same key with another body is refused with `idempotency_conflict`.
 */
import { z } from 'zod';
import { Id, Instant, Quantity } from '../envelope.ts';
import { Channel } from '../orders.ts';
import { InventoryState } from '../inventory.ts';

export const ALLOCATION_SUBJECT_PREFIX = 'alloc';
export const ALLOCATION_OPS = [
  'reserve', 'confirm', 'release', 'commit', 'atp', 'adjust', 'safety-stock', 'commitment', 'positions',
] as const;
export type AllocationOp = (typeof ALLOCATION_OPS)[number];
export const allocationSubject = (op: AllocationOp) => `${ALLOCATION_SUBJECT_PREFIX}.${op}`;

const IdempotencyKey = Id;
const MAX_HOLD_SECONDS = 7 * 24 * 3600;

export const ReserveLine = z.object({ sku: Id, qty: Quantity });
export const ReserveRequest = z.object({
  idempotencyKey: IdempotencyKey,
  orderId: Id,
  channel: Channel,
  shipToRegion: Id,
  /** Latest acceptable carrier handoff; locations whose next cutoff falls after it are skipped. */
  promiseBy: Instant.optional(),
  lines: z.array(ReserveLine).min(1).max(200).refine(
    (ls) => new Set(ls.map((l) => l.sku)).size === ls.length, 'duplicate sku in lines: merge them into one line'),
  /** Reserve what can be reserved and report the rest (default: all lines or nothing). */
  allowPartial: z.boolean().default(false),
  /** A timed hold (cart or checkout) that expires on its own unless confirmed; absent = a firm reservation. */
  holdSeconds: z.number().int().min(1).max(MAX_HOLD_SECONDS).optional(),
}).strict();
export type ReserveRequest = z.input<typeof ReserveRequest>;

export const Allocation = z.object({ sku: Id, location: Id, qty: Quantity });
export type Allocation = z.infer<typeof Allocation>;

/** When a short line can be promised: stock that can be promised now, then each confirmed inbound. */
export const ShortLine = z.object({
  sku: Id,
  requested: Quantity,
  reserved: z.number().int().nonnegative(),
  promisableNow: z.number().int().nonnegative(),
  /** Earliest instant the whole line can be promised from confirmed inbound (POs, ASNs, transfers), if any. */
  promisableAt: Instant.nullable(),
});
export type ShortLine = z.infer<typeof ShortLine>;

export const ReserveResult = z.object({
  orderId: Id,
  status: z.enum(['reserved', 'held', 'partial', 'refused']),
  allocations: z.array(Allocation),
  shortLines: z.array(ShortLine),
  /** For a refusal: why, in words (`2 of 3 lines short`, `no location meets the promise-by`). */
  reason: z.string().optional(),
  expiresAt: Instant.optional(),
  logSeq: z.number().int().nonnegative(),
});
export type ReserveResult = z.infer<typeof ReserveResult>;

export const OrderRequest = z.object({ idempotencyKey: IdempotencyKey, orderId: Id }).strict();
export type OrderRequest = z.infer<typeof OrderRequest>;
export const ReleaseRequest = OrderRequest.extend({ reason: z.string().min(1).max(200).optional() }).strict();
export type ReleaseRequest = z.infer<typeof ReleaseRequest>;

export const OrderResult = z.object({
  orderId: Id,
  status: z.enum(['reserved', 'released', 'committed', 'expired']),
  allocations: z.array(Allocation),
  logSeq: z.number().int().nonnegative(),
});
export type OrderResult = z.infer<typeof OrderResult>;

export const AtpRequest = z.object({
  skus: z.array(Id).min(1).max(1000),
  locations: z.array(Id).max(100).optional(),
  /** Count this channel's own commitments as available to it. */
  channel: Channel.optional(),
}).strict();
export type AtpRequest = z.infer<typeof AtpRequest>;

export const Position = z.object({
  sku: Id,
  location: Id,
  onHand: z.number().int(),
  reserved: z.number().int(),
  qualityHold: z.number().int(),
  damaged: z.number().int(),
  inTransit: z.number().int(),
  pendingInspection: z.number().int(),
  channelCommitment: z.number().int(),
  safetyStock: z.number().int(),
  /** on hand − reserved − quality hold − damaged − channel commitments − safety stock (for `channel`: + its own commitment). */
  atp: z.number().int(),
});
export type Position = z.infer<typeof Position>;

/** Which Position field holds each governed state (the ledger speaks states, the API speaks fields). */
export const POSITION_FIELD = {
  on_hand: 'onHand', reserved: 'reserved', quality_hold: 'qualityHold', damaged: 'damaged', in_transit: 'inTransit',
  pending_inspection: 'pendingInspection', channel_commitment: 'channelCommitment', safety_stock: 'safetyStock',
} as const satisfies Record<z.infer<typeof InventoryState>, keyof Position>;

export const AtpResult = z.object({
  positions: z.array(Position),
  /** Requested skus the service has never seen at any location. */
  unknownSkus: z.array(Id),
  logSeq: z.number().int().nonnegative(),
});
export type AtpResult = z.infer<typeof AtpResult>;

/** Manual movements a planner may book: count corrections, damage found, damaged units disposed. */
export const AdjustRequest = z.object({
  idempotencyKey: IdempotencyKey,
  sku: Id,
  location: Id,
  kind: z.enum(['adjustment', 'damage', 'damage_disposed']),
  qty: z.number().int().min(-1_000_000).max(1_000_000).refine((n) => n !== 0, 'qty must not be 0'),
  reference: Id,
}).strict();
export type AdjustRequest = z.infer<typeof AdjustRequest>;

export const SafetyStockRequest = z.object({
  idempotencyKey: IdempotencyKey, sku: Id, location: Id, qty: z.number().int().min(0).max(1_000_000),
}).strict();
export type SafetyStockRequest = z.infer<typeof SafetyStockRequest>;

export const CommitmentRequest = z.object({
  idempotencyKey: IdempotencyKey, sku: Id, location: Id, channel: Channel, qty: z.number().int().min(0).max(1_000_000),
}).strict();
export type CommitmentRequest = z.infer<typeof CommitmentRequest>;

export const ChangeResult = z.object({ position: Position, logSeq: z.number().int().nonnegative() });
export type ChangeResult = z.infer<typeof ChangeResult>;

/** Every position (for the drift detector), at one log sequence. */
export const PositionsRequest = z.object({}).strict();
export const PositionsResult = z.object({
  positions: z.array(Position),
  logSeq: z.number().int().nonnegative(),
  /** The last log sequence that moved stock: the ledger matches once it has landed this far. */
  movedSeq: z.number().int().nonnegative(),
});
export type PositionsResult = z.infer<typeof PositionsResult>;

export const AllocationErrorCode = z.enum([
  'bad_request', 'unknown_sku', 'unknown_location', 'not_found', 'invalid_state', 'idempotency_conflict',
  'payload_too_large', 'unauthorized', 'unavailable', 'internal_error',
]);
export type AllocationErrorCode = z.infer<typeof AllocationErrorCode>;
export const AllocationError = z.object({ code: AllocationErrorCode, message: z.string() });
export type AllocationError = z.infer<typeof AllocationError>;

/** The NATS reply body (HTTP sends `result` with 200, or `error` with a status from the code). */
export type AllocationReply<T> = { ok: true; result: T } | { ok: false; error: AllocationError };

export const REQUEST_SCHEMAS = {
  reserve: ReserveRequest, confirm: OrderRequest, release: ReleaseRequest, commit: OrderRequest, atp: AtpRequest,
  adjust: AdjustRequest, 'safety-stock': SafetyStockRequest, commitment: CommitmentRequest, positions: PositionsRequest,
} as const satisfies Record<AllocationOp, z.ZodType>;
