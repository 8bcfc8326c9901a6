/**
 * A small producer for e2e tests: valid orders.created and stock.adjusted events with ids unique to the
 * run, published continuously (BATCH events every INTERVAL_MS) until stopped. The real simulator is not
 * needed to see the page move.
 */
import { parseEvent, subjectFor, type OpsEvent } from '../../contracts/index.ts';
import { createPublisher } from '../../ingest/publish.ts';
import type { NatsConnection } from '../../runtime/nats.ts';

const BATCH = 5;
const INTERVAL_MS = 200;

export function buildEvent(runId: string, n: number): OpsEvent {
  const now = new Date();
  const envelope = { id: `e2e-${runId}-${n}`, occurredAt: now.toISOString(), source: n % 3 ? 'e2e-web' : 'e2e-wms',
    site: 'site-e2e', schemaVersion: 1 as const };
  const candidate = n % 2 === 0
    ? { ...envelope, type: 'orders.created', orderId: `o-${runId}-${n}`, channel: 'dtc-web', currency: 'EUR',
      lines: [{ sku: 'SKU-1', qty: 1 + (n % 3), unitPrice: 19.5 }], shipToRegion: 'EU-DE', priority: 'standard',
      promisedShipBy: new Date(now.getTime() + 86_400_000).toISOString() }
    : { ...envelope, type: 'stock.adjusted', sku: `SKU-${n % 7}`, qtyDelta: n % 5 === 0 ? -1 : 2, reasonCode: 'correction' };
  const parsed = parseEvent(candidate);
  if (!parsed.ok) throw new Error(`e2e event is not valid: ${parsed.reason}`);
  return parsed.event;
}

export interface EventFeed { readonly published: number; stop(): Promise<void> }

export function startEventFeed(o: { nc: NatsConnection; runId: string }): EventFeed {
  const publisher = createPublisher({ nc: o.nc, maxInFlight: 100 });
  let stopped = false;
  let n = 0;
  const loop = (async () => {
    while (!stopped) {
      for (let i = 0; i < BATCH; i++) {
        const e = buildEvent(o.runId, n++);
        await publisher.publish({ subject: subjectFor(e.type), id: e.id, data: JSON.stringify(e) });
      }
      await new Promise((r) => setTimeout(r, INTERVAL_MS));
    }
    await publisher.flush();
  })();
  // Kept until stop() so a publish failure fails the test in afterAll instead of as an unhandled rejection.
  const settled = loop.then(() => undefined, (err: Error) => err);
  return {
    get published() { return publisher.published; },
    async stop() {
      stopped = true;
      const err = await settled;
      if (err) throw err;
    },
  };
}
