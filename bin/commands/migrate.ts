/** `tower migrate`: apply pending ClickHouse migrations, or list them with --dry. */
import { writeFileSync } from 'node:fs';
import { migrate } from '../../clickhouse/migrate.ts';
import { dumpSchema } from '../../clickhouse/schema-dump.ts';
import { withClickHouse } from '../clickhouse-access.ts';
import { parseOptions, type Command } from '../command.ts';
import { loadTowerConfig } from '../config.ts';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'apply pending ClickHouse migrations (clickhouse/migrations/NNNN_*.sql)',
  help: `Usage: tower migrate [--dry] [--schema]

Applies every pending migration in order to CLICKHOUSE_DATABASE (default tower), recording each in
schema_migrations, and stops at the first failure. Uses CLICKHOUSE_URL when set, otherwise starts the
embedded engine on TOWER_DATA_DIR/clickhouse for the duration of the command.

Options:
  --dry       list pending migrations without applying anything
  --schema    after migrating, write the resulting schema to clickhouse/schema.sql
  -h, --help  show this help

Example:
  CLICKHOUSE_URL=http://localhost:8123 tower migrate --dry`,
  async run(args) {
    const { values } = parseOptions(args, { dry: { type: 'boolean', default: false }, schema: { type: 'boolean', default: false } });
    const cfg = loadTowerConfig();
    return withClickHouse(cfg, async ({ server, db }) => {
      const r = await migrate({ server, db, dry: values.dry, onStep: (m, status) => console.log(`${status.padEnd(8)} ${m.file}`) });
      for (const m of r.changed) console.warn(`warning: ${m.file} changed after it was applied; write a new migration instead`);
      if (values.dry) console.log(r.pending.length ? `${r.pending.length} pending` : 'up to date');
      else console.log(r.applied.length ? `applied ${r.applied.length} migration(s) to ${db.database}` : `${db.database} is up to date`);
      if (values.schema && !values.dry) {
        writeFileSync('clickhouse/schema.sql', await dumpSchema(db));
        console.log('wrote clickhouse/schema.sql');
      }
      return 0;
    });
  },
};
