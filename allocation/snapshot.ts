/**
 * Snapshots bound the takeover time: the state at a log sequence is stored in a JetStream object store, and a
 * new leader loads it and replays only the log after it (replaying 1M changes from the start took long enough
 * to matter). The log below min(snapshot, emitted watermark) is then purged — everything after the watermark
 * must stay, because a new leader re-publishes its events.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { Objm, type ObjectStore } from '@nats-io/obj';
import type { NatsConnection } from '../runtime/nats.ts';
import type { IdempotencyRecord, InboundRecord, OrderRecord } from './changes.ts';
import { AllocationState, type Pos } from './state.ts';

const OBJECT = 'state';

export interface Snapshot {
  v: 1;
  logSeq: number;
  opsSeq: number;
  feedSeqs: Record<string, number>;
  movedSeq: number;
  positions: [string, string, Pos][];
  orders: OrderRecord[];
  inbound: InboundRecord[];
  /** In insertion order: eviction and pruning depend on it. */
  idempotency: IdempotencyRecord[];
}

export function toSnapshot(s: AllocationState): Snapshot {
  const positions: [string, string, Pos][] = [];
  for (const [sku, byLoc] of s.positions) for (const [loc, p] of byLoc) positions.push([sku, loc, p]);
  return { v: 1, logSeq: s.logSeq, opsSeq: s.opsSeq, feedSeqs: s.feedSeqs, movedSeq: s.movedSeq, positions, orders: [...s.orders.values()],
    inbound: [...s.inbound.values()], idempotency: [...s.idempotency.values()] };
}

export function fromSnapshot(snap: Snapshot): AllocationState {
  const s = new AllocationState();
  for (const [sku, loc, p] of snap.positions) {
    let byLoc = s.positions.get(sku);
    if (!byLoc) s.positions.set(sku, (byLoc = new Map()));
    byLoc.set(loc, p);
  }
  for (const o of snap.orders) { s.orders.set(o.orderId, o); if (o.status === 'held') s.holds.add(o.orderId); }
  for (const r of snap.inbound) s.inbound.set(r.ref, r);
  for (const r of snap.idempotency) s.idempotency.set(r.key, r);
  s.logSeq = snap.logSeq; s.opsSeq = snap.opsSeq; s.feedSeqs = { ...snap.feedSeqs }; s.movedSeq = snap.movedSeq;
  return s;
}

export const openSnapshotStore = (nc: NatsConnection, bucket: string): Promise<ObjectStore> => new Objm(nc).create(bucket);

export async function saveSnapshot(store: ObjectStore, snap: Snapshot): Promise<number> {
  const data = new TextEncoder().encode(JSON.stringify(snap));
  await store.putBlob({ name: OBJECT, description: `allocation state at log sequence ${snap.logSeq}` }, data);
  return data.length;
}

export async function loadSnapshot(store: ObjectStore): Promise<Snapshot | null> {
  const data = await store.getBlob(OBJECT);
  if (!data) return null;
  const snap = JSON.parse(new TextDecoder().decode(data)) as Snapshot;
  if (snap.v !== 1) throw new Error(`allocation snapshot version ${String(snap.v)} is not supported by this build`);
  return snap;
}

/** Drop log messages below `beforeSeq` (they are in the snapshot and their events were published). */
export async function purgeLogBefore(nc: NatsConnection, stream: string, beforeSeq: number): Promise<void> {
  if (beforeSeq <= 1) return;
  const jsm = await jetstreamManager(nc);
  await jsm.streams.purge(stream, { seq: beforeSeq });
}
