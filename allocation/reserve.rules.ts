/**
 * Reserve: choose locations for an order's lines, all or nothing unless partial is allowed. Preference, in
 * order: a location holding this channel's commitment, fewest shipments (splits), the primary warehouse before
 * 3PL overflow, the location nearest the ship-to region. A location whose next carrier cutoff after handling
 * falls past the promise-by is not a candidate. A refusal says, per short line, what can be promised now and
 * when the rest could be, from confirmed inbound stock.
 */
import type { ReserveResult, ShortLine } from '../contracts/api/allocation.ts';
import type { ReserveRequest } from '../contracts/api/allocation.ts';
import type { Change, MovementRecord, OrderRecord, ReservedLine } from './changes.ts';
import { refuse, type Decision } from './decision.ts';
import type { CutoffClock, LocationProfile } from './locations.ts';
import type { AllocationState } from './state.ts';

export interface Site { profile: LocationProfile; clock: CutoffClock }
type Req = Omit<ReserveRequest, 'allowPartial'> & { allowPartial: boolean };

const NOT_LISTED = 1_000;

interface Score { commit: number; full: number; again: number; units: number; rank: number }
/** Lexicographic: more commitment lines, more whole lines, an already used location, more units, better rank. */
function better(a: Score, b: Score): boolean {
  if (a.commit !== b.commit) return a.commit > b.commit;
  if (a.full !== b.full) return a.full > b.full;
  if (a.again !== b.again) return a.again > b.again;
  if (a.units !== b.units) return a.units > b.units;
  return a.rank < b.rank;
}

function preference(site: Site, region: string): number {
  const near = site.profile.regions.indexOf(region);
  return (site.profile.kind === 'primary' ? 0 : 10_000) + (near < 0 ? NOT_LISTED : near);
}

export function decideReserve(state: AllocationState, sites: Site[], req: Req, now: number): Decision<ReserveResult> {
  for (const l of req.lines) {
    if (!state.knowsSku(l.sku)) return refuse('unknown_sku', `unknown sku ${l.sku}: no stock was ever booked for it`);
  }
  const existing = state.orders.get(req.orderId);
  if (existing && (existing.status === 'held' || existing.status === 'reserved')) {
    return refuse('invalid_state', `order ${req.orderId} already has a live ${existing.status === 'held' ? 'hold' : 'reservation'}; release it first`);
  }
  const promiseBy = req.promiseBy ? Date.parse(req.promiseBy) : Infinity;
  const candidates = sites.filter((s) => s.clock.handoffFor(now) <= promiseBy)
    .sort((a, b) => preference(a, req.shipToRegion) - preference(b, req.shipToRegion));
  const takenAt = new Map<string, number>();
  const free = (sku: string, s: Site) =>
    Math.max(0, state.atp(sku, s.profile.id, req.channel) - (takenAt.get(`${sku}\u0000${s.profile.id}`) ?? 0));
  const hasCommitment = (sku: string, s: Site) => (state.position(sku, s.profile.id)?.commitments[req.channel] ?? 0) > 0;

  const remaining = new Map(req.lines.map((l) => [l.sku, l.qty]));
  const taken: { sku: string; site: Site; qty: number }[] = [];
  const used = new Set<Site>();
  // Greedy set cover: each round takes the location that completes the most remaining lines (then units),
  // preferring commitments, a location already used (no extra split), primary, nearness — in that order.
  while (remaining.size > 0 && candidates.length > 0) {
    let best: { site: Site; full: number; units: number; commit: number; again: number; rank: number } | undefined;
    for (const [rank, s] of candidates.entries()) {
      let full = 0; let units = 0; let commit = 0;
      for (const [sku, qty] of remaining) {
        const f = Math.min(free(sku, s), qty);
        if (f === qty) full++;
        units += f;
        if (f > 0 && hasCommitment(sku, s)) commit++;
      }
      if (units === 0) continue;
      const again = used.has(s) ? 1 : 0;
      const c = { site: s, full, units, commit, again, rank };
      if (!best || better(c, best)) best = c;
    }
    if (!best) break;
    used.add(best.site);
    for (const [sku, qty] of [...remaining]) {
      const f = Math.min(free(sku, best.site), qty);
      // A line split across locations only when no location can fill it whole.
      if (f === 0 || (f < qty && best.full > 0)) continue;
      taken.push({ sku, site: best.site, qty: f });
      const k = `${sku}\u0000${best.site.profile.id}`;
      takenAt.set(k, (takenAt.get(k) ?? 0) + f);
      if (f === qty) remaining.delete(sku); else remaining.set(sku, qty - f);
    }
  }

  const shortLines: ShortLine[] = [...remaining].map(([sku, short]) => {
    const requested = req.lines.find((l) => l.sku === sku)!.qty;
    const reserved = requested - short;
    // Only locations that can meet the promise-by count: stock elsewhere cannot be promised for this order.
    const now_ = candidates.reduce((n, s) => n + Math.max(0, state.atp(sku, s.profile.id, req.channel)), 0);
    return { sku, requested, reserved, promisableNow: Math.min(now_, requested), promisableAt: promisableAt(state, sku, requested - now_, now) };
  });
  const base = { orderId: req.orderId, logSeq: 0 };
  if (taken.length === 0 || (shortLines.length > 0 && !req.allowPartial)) {
    const reason = candidates.length === 0 ? 'no location can meet the promise-by with its next carrier cutoff'
      : `${shortLines.length} of ${req.lines.length} line(s) short`;
    return { ok: true, result: { ...base, status: 'refused', allocations: [], reason,
      shortLines: shortLines.map((l) => ({ ...l, reserved: 0 })) }, change: null };
  }

  const held = req.holdSeconds !== undefined;
  const lines: ReservedLine[] = [];
  const moves: MovementRecord[] = [];
  for (const t of taken) {
    const loc = t.site.profile.id;
    const commitment = state.position(t.sku, loc)?.commitments[req.channel] ?? 0;
    const fromCommitment = Math.min(commitment, t.qty);
    lines.push({ sku: t.sku, location: loc, qty: t.qty, fromCommitment });
    moves.push({ sku: t.sku, location: loc, reason: held ? 'hold' : 'reserve', reference: req.orderId, movements: [
      { state: 'reserved', delta: t.qty, channel: req.channel },
      ...(fromCommitment > 0 ? [{ state: 'channel_commitment' as const, delta: -fromCommitment, channel: req.channel }] : []),
    ] });
  }
  const expiresAt = held ? now + req.holdSeconds! * 1000 : undefined;
  const order: OrderRecord = { orderId: req.orderId, channel: req.channel, status: held ? 'held' : 'reserved', lines, at: now,
    ...(expiresAt !== undefined ? { expiresAt } : {}) };
  const change: Change = { at: now, moves, orders: [order] };
  const status = shortLines.length > 0 ? 'partial' : held ? 'held' : 'reserved';
  return { ok: true, change, result: { ...base, status, shortLines,
    allocations: lines.map((l) => ({ sku: l.sku, location: l.location, qty: l.qty })),
    ...(expiresAt !== undefined ? { expiresAt: new Date(expiresAt).toISOString() } : {}) } };
}

/** The earliest expected arrival of confirmed inbound stock that covers `missing` units of a sku, or null. */
export function promisableAt(state: AllocationState, sku: string, missing: number, now: number): string | null {
  if (missing <= 0) return new Date(now).toISOString();
  const arrivals = [...state.inbound.values()]
    .filter((r) => r.confirmed && (r.lines[sku] ?? 0) > 0)
    .sort((a, b) => a.expectedAt - b.expectedAt);
  let sum = 0;
  for (const r of arrivals) {
    sum += r.lines[sku]!;
    if (sum >= missing) return new Date(Math.max(r.expectedAt, now)).toISOString();
  }
  return null;
}
