/**
 * The allocation engine without I/O: parse a request, answer from idempotency records, decide, and apply the
 * change to the in-memory state at once (so the next request sees it). The service makes each change durable
 * in the log before it sends the answer; property tests drive this class directly.
 */
import { createHash } from 'node:crypto';
import { REQUEST_SCHEMAS, type AllocationOp, type AllocationReply } from '../contracts/api/allocation.ts';
import { describeIssues, type OpsEvent } from '../contracts/index.ts';
import type { Change } from './changes.ts';
import type { Decision } from './decision.ts';
import { decideFeedEvent } from './feed.rules.ts';
import { CutoffClock, type LocationProfile } from './locations.ts';
import { decideCommit, decideConfirm, decideRelease, expireHolds } from './orders.rules.ts';
import { decideReserve, type Site } from './reserve.rules.ts';
import { decideAdjust, decideCommitment, decideSafetyStock } from './settings.rules.ts';
import { AllocationState } from './state.ts';

/** Finished orders and idempotency answers are kept this long (a client may retry for a day). */
export const RETENTION_MS = 24 * 3600_000;

export interface Handled {
  reply: AllocationReply<unknown>;
  changes: Change[];
  /** The recorded answer to an earlier request with this key: sent as first given, its logSeq never re-stamped. */
  replayed?: boolean;
}

const READ_ONLY = new Set<AllocationOp>(['atp', 'positions']);

export class Allocator {
  readonly state: AllocationState;
  readonly sites: Site[];
  private readonly locationIds: Set<string>;
  private nextExpiry = -Infinity;

  constructor(o: { locations: LocationProfile[]; state?: AllocationState }) {
    this.state = o.state ?? new AllocationState();
    this.sites = o.locations.map((profile) => ({ profile, clock: new CutoffClock(profile) }));
    this.locationIds = new Set(o.locations.map((l) => l.id));
  }

  private knownLocation = (id: string) => this.locationIds.has(id);

  /** Apply a change made here or read from the log. */
  apply(change: Change, logSeq: number): void {
    this.state.apply(change, logSeq);
    // A new hold can only bring the next expiry forward; a hold that ends leaves it early, which costs one
    // sweep that finds nothing and recomputes it.
    for (const o of change.orders ?? []) if (o.expiresAt !== undefined) this.nextExpiry = Math.min(this.nextExpiry, o.expiresAt);
  }

  /** Release lapsed holds; cheap when none can have lapsed. */
  sweep(now: number): Change | null {
    if (now < this.nextExpiry) return null;
    const c = expireHolds(this.state, now);
    if (c) this.apply(c, 0);
    let next = Infinity;
    for (const id of this.state.holds) next = Math.min(next, this.state.orders.get(id)!.expiresAt ?? Infinity);
    this.nextExpiry = next;
    return c;
  }

  /** Forget finished orders and idempotency answers past retention. */
  prune(now: number): Change {
    const c: Change = { at: now, pruneBefore: now - RETENTION_MS };
    this.apply(c, 0);
    return c;
  }

  /** Apply an operational event read at `opsSeq` by the feed consumer filtering `filter`. */
  feed(event: OpsEvent, opsSeq: number, now: number, filter?: string): Change | null {
    const c = decideFeedEvent(this.state, event, now);
    if (!c) return null;
    c.opsSeq = opsSeq;
    if (filter) c.feed = filter;
    this.apply(c, 0);
    return c;
  }

  handle(op: AllocationOp, body: unknown, now: number): Handled {
    const parsed = REQUEST_SCHEMAS[op].safeParse(body);
    if (!parsed.success) return { reply: { ok: false, error: { code: 'bad_request', message: describeIssues(parsed.error) } }, changes: [] };
    const req = parsed.data as Record<string, unknown>;
    const changes: Change[] = [];
    const expired = this.sweep(now);
    if (expired) changes.push(expired);
    if (READ_ONLY.has(op)) return { reply: this.read(op, req), changes };

    const key = req.idempotencyKey as string;
    const hash = createHash('sha1').update(op).update(JSON.stringify(req)).digest('base64');
    const seen = this.state.idempotency.get(key);
    if (seen) {
      if (seen.hash === hash) return { reply: seen.reply as AllocationReply<unknown>, changes, replayed: true };
      return { reply: { ok: false, error: { code: 'idempotency_conflict',
        message: `idempotency key ${key} was used for a different request` } }, changes };
    }
    const d = this.decide(op, req, now);
    if (!d.ok) return { reply: d, changes };
    const reply: AllocationReply<unknown> = { ok: true, result: d.result };
    const change: Change = d.change ?? { at: now };
    change.idem = { key, hash, reply, at: now };
    this.apply(change, 0);
    changes.push(change);
    return { reply, changes };
  }

  private decide(op: AllocationOp, req: Record<string, unknown>, now: number): Decision<unknown> {
    const s = this.state;
    switch (op) {
      case 'reserve': return decideReserve(s, this.sites, req as never, now);
      case 'confirm': return decideConfirm(s, req.orderId as string, now);
      case 'release': return decideRelease(s, req.orderId as string, now);
      case 'commit': return decideCommit(s, req.orderId as string, now);
      case 'adjust': return decideAdjust(s, this.knownLocation, req as never, now);
      case 'safety-stock': return decideSafetyStock(s, this.knownLocation, req as never, now);
      case 'commitment': return decideCommitment(s, this.knownLocation, req as never, now);
      default: throw new Error(`not a mutating op: ${op}`);
    }
  }

  private read(op: AllocationOp, req: Record<string, unknown>): AllocationReply<unknown> {
    const s = this.state;
    if (op === 'positions') return { ok: true, result: { positions: [...s.allPositions()], logSeq: s.logSeq, movedSeq: s.movedSeq } };
    const { skus, locations, channel } = req as { skus: string[]; locations?: string[]; channel?: never };
    const unknownSkus = skus.filter((sku) => !s.knowsSku(sku));
    const positions = skus.filter((sku) => s.knowsSku(sku)).flatMap((sku) =>
      [...s.positions.get(sku)!.keys()].filter((loc) => !locations || locations.includes(loc)).map((loc) => s.view(sku, loc, channel)));
    return { ok: true, result: { positions, unknownSkus, logSeq: s.logSeq } };
  }
}
