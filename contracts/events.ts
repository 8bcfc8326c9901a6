/**
 * Every operational event, by family. Subjects are `ops.<family>.<event>`: the event `type`
 * (`orders.created`) prefixed with `ops.`, so a consumer can filter by family (`ops.orders.>`).
 */
import { z } from 'zod';
import { OrderEventSchema } from './orders.ts';
import { StockEventSchema } from './stock.ts';
import { CarrierEventSchema } from './carrier.ts';
import { ReturnEventSchema } from './returns.ts';
import { PurchaseOrderEventSchema } from './purchase-orders.ts';
import { WarehouseEventSchema } from './warehouse.ts';
import { InventoryEventSchema } from './inventory.ts';

export const FAMILY_SCHEMAS = {
  orders: OrderEventSchema,
  stock: StockEventSchema,
  carrier: CarrierEventSchema,
  returns: ReturnEventSchema,
  purchase_orders: PurchaseOrderEventSchema,
  warehouse: WarehouseEventSchema,
  inventory: InventoryEventSchema,
} as const;

export type Family = keyof typeof FAMILY_SCHEMAS;
export const FAMILIES = Object.keys(FAMILY_SCHEMAS) as Family[];

export const OpsEventSchema = z.discriminatedUnion('type', [
  OrderEventSchema, StockEventSchema, CarrierEventSchema, ReturnEventSchema, PurchaseOrderEventSchema,
  WarehouseEventSchema, InventoryEventSchema,
]);
export type OpsEvent = z.infer<typeof OpsEventSchema>;
export type OpsEventType = OpsEvent['type'];

/** Every event type, in family order (`orders.created`, …). */
export const EVENT_TYPES: OpsEventType[] = FAMILIES.flatMap((f) =>
  FAMILY_SCHEMAS[f].options.map((o) => o.shape.type.value as OpsEventType));

const KNOWN_TYPES = new Set<string>(EVENT_TYPES);

export const SUBJECT_PREFIX = 'ops';
export const ALL_EVENTS_SUBJECT = `${SUBJECT_PREFIX}.>`;

export function subjectFor(type: string): string {
  return `${SUBJECT_PREFIX}.${type}`;
}

/** The family of an event type or subject (`orders.created` / `ops.orders.created` → `orders`), or undefined. */
export function familyOf(typeOrSubject: string): Family | undefined {
  const parts = typeOrSubject.split('.');
  const family = parts[0] === SUBJECT_PREFIX ? parts[1] : parts[0];
  return family !== undefined && family in FAMILY_SCHEMAS ? (family as Family) : undefined;
}

export type ParseResult = { ok: true; event: OpsEvent } | { ok: false; reason: string };

/** Bound on an issue list in a reason: enough to fix the event, small enough for a rejects row. */
const MAX_REASON_ISSUES = 5;

/**
 * Validate unknown input as an event; never throws. A subject, when given, must match the event's type,
 * so a producer cannot slip an order event onto a stock subject.
 */
export function parseEvent(input: unknown, subject?: string): ParseResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, reason: 'event must be a JSON object' };
  const type = (input as { type?: unknown }).type;
  if (typeof type !== 'string' || !KNOWN_TYPES.has(type)) {
    return { ok: false, reason: `type: unknown event type ${JSON.stringify(type)?.slice(0, 80) ?? 'undefined'}` };
  }
  const r = OpsEventSchema.safeParse(input);
  if (!r.success) return { ok: false, reason: describeIssues(r.error) };
  if (subject !== undefined && subject !== subjectFor(r.data.type)) {
    return { ok: false, reason: `subject ${subject} does not match type ${r.data.type}` };
  }
  return { ok: true, event: r.data };
}

export function describeIssues(error: z.ZodError): string {
  const issues = error.issues.slice(0, MAX_REASON_ISSUES).map((i) => {
    const path = i.path.length ? i.path.join('.') : '(event)';
    return `${path}: ${i.message}`;
  });
  const more = error.issues.length > MAX_REASON_ISSUES ? ` (+${error.issues.length - MAX_REASON_ISSUES} more)` : '';
  return issues.join('; ') + more;
}
