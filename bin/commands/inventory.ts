/** `tower inventory drift | atp`: the inconsistency detector and a quick available-to-promise lookup. */
import { createAllocationClient } from '../../allocation/client.ts';
import { checkDrift, type DriftCheck } from '../../allocation/drift.ts';
import type { AtpResult } from '../../contracts/api/allocation.ts';
import { connectNats } from '../../runtime/nats.ts';
import { withClickHouse } from '../clickhouse-access.ts';
import { numberOption, parseOptions, UsageError, type Command } from '../command.ts';
import { loadTowerConfig } from '../config.ts';

function printCheck(c: DriftCheck, json: boolean): void {
  if (json) { console.log(JSON.stringify(c)); return; }
  const at = new Date(c.checkedAt).toISOString();
  if (!c.ledgerCaughtUp) { console.log(`${at} log ${c.logSeq}: ledger has landed only to ${c.landedLogSeq}; not compared (is ingest running?)`); return; }
  console.log(`${at} log ${c.logSeq}: ${c.positionsChecked} state positions checked, ${c.drifted.length} drifted`);
  for (const d of c.drifted.slice(0, 50)) {
    console.log(`  ${d.location.padEnd(10)} ${d.sku.padEnd(14)} ${d.state.padEnd(18)} allocation ${d.allocationQty}  ledger ${d.ledgerQty}  drift ${d.drift}`);
  }
  if (c.drifted.length > 50) console.log(`  … ${c.drifted.length - 50} more (use --json)`);
}

export const inventoryCommand: Command = {
  name: 'inventory',
  summary: 'inventory truth: drift between allocation and the ClickHouse ledger, available-to-promise',
  help: `Usage: tower inventory drift [--every SECONDS] [--wait SECONDS] [--json]
       tower inventory atp --sku SKU [--sku SKU …] [--channel CHANNEL]

drift  Compares the allocation service's positions (over NATS) with the positions ClickHouse derives from
       the inventory ledger at the same log sequence, per SKU-location and state; stores the check (the
       dashboard shows the latest) and exits 1 when anything drifted, 3 when the ledger had not caught up.
       Uses NATS_URL, and CLICKHOUSE_URL (or the embedded engine when \`tower up\` is not running).
atp    Prints the governed states and available-to-promise of SKUs at every location.

Options:
  --every SECONDS  repeat the drift check forever, this often (a job; exit codes then do not apply)
  --wait SECONDS   how long to wait for ingest to land the ledger up to the service's log sequence (default 30)
  --json           one JSON object per check
  --sku SKU        a SKU to look up (repeatable)
  --channel NAME   count this channel's own commitments as available
  -h, --help       show this help

Example:
  CLICKHOUSE_URL=http://127.0.0.1:8123 tower inventory drift`,
  async run(args) {
    const { values, positionals } = parseOptions(args, {
      every: { type: 'string' }, wait: { type: 'string' }, json: { type: 'boolean', default: false },
      sku: { type: 'string', multiple: true }, channel: { type: 'string' },
    });
    const sub = positionals[0];
    if (sub !== 'drift' && sub !== 'atp') throw new UsageError('expected a sub-command: drift or atp');
    const cfg = loadTowerConfig();
    const nc = await connectNats({ url: cfg.NATS_URL, name: 'tower-inventory' });
    const client = createAllocationClient({ nc, retryForMs: 5_000 });
    try {
      if (sub === 'atp') {
        if (!values.sku?.length) throw new UsageError('atp needs at least one --sku');
        const r = await client.call<AtpResult>('atp', { skus: values.sku, ...(values.channel ? { channel: values.channel } : {}) });
        if (!r.ok) { console.error(`${r.error.code}: ${r.error.message}`); return 1; }
        if (values.json) { console.log(JSON.stringify(r.result)); return 0; }
        console.log('sku            location   on_hand reserved q_hold damaged transit inspect commit safety    atp');
        for (const p of r.result.positions) {
          console.log(`${p.sku.padEnd(14)} ${p.location.padEnd(10)} ${[p.onHand, p.reserved, p.qualityHold, p.damaged, p.inTransit,
            p.pendingInspection, p.channelCommitment, p.safetyStock].map((n) => String(n).padStart(7)).join(' ')} ${String(p.atp).padStart(6)}`);
        }
        for (const s of r.result.unknownSkus) console.log(`${s}: unknown sku`);
        return 0;
      }
      const waitMs = numberOption('wait', values.wait, 30, 0, 3600) * 1000;
      const every = values.every === undefined ? 0 : numberOption('every', values.every, 60, 5, 86_400) * 1000;
      return await withClickHouse(cfg, async ({ db }) => {
        for (;;) {
          const c = await checkDrift({ client, db, waitMs }).catch((err: Error) => { if (!every) throw err; console.error(err.message); return null; });
          if (c) printCheck(c, values.json ?? false);
          if (!every) return c!.ledgerCaughtUp ? (c!.drifted.length ? 1 : 0) : 3;
          await new Promise((r) => setTimeout(r, every));
        }
      });
    } finally {
      await nc.close();
    }
  },
};
