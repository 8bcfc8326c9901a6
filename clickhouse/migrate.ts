/**
 * Numbered, idempotent SQL migrations (clickhouse/migrations/NNNN_name.sql). Applied versions are recorded
 * in `schema_migrations`; a file whose checksum changed after it was applied is reported, never re-run.
 * Stops at the first failing statement so a half-applied schema is never built on.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { runCommand, selectRows, type Db } from './client.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface Migration { version: number; name: string; file: string; sql: string; checksum: string }
export interface MigrateResult { applied: Migration[]; pending: Migration[]; changed: Migration[] }

const FILE_RE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export async function loadMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => FILE_RE.test(f)).sort();
  return Promise.all(files.map(async (file) => {
    const [, v, name] = FILE_RE.exec(file)!;
    const sql = await readFile(path.join(dir, file), 'utf8');
    return { version: Number(v), name: name!, file, sql, checksum: createHash('sha256').update(sql).digest('hex').slice(0, 16) };
  }));
}

/** Split a migration into statements: the HTTP interface runs one statement per request. */
export function splitStatements(sql: string): string[] {
  const noComments = sql.split('\n').filter((l) => !l.trim().startsWith('--')).join('\n');
  return noComments.split(/;\s*(?:\n|$)/).map((s) => s.trim()).filter(Boolean);
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface MigrateOptions {
  /** A connection to the server without a database bound (so the database can be created). */
  server: Db;
  /** A connection bound to the target database. */
  db: Db;
  dry?: boolean;
  /** Another migrations folder (tests). */
  dir?: string;
  onStep?: (m: Migration, status: 'applying' | 'applied' | 'pending') => void;
}

export async function migrate(o: MigrateOptions): Promise<MigrateResult> {
  const database = o.db.database;
  // Identifiers cannot be bound as parameters in CREATE DATABASE on every server version; the name comes
  // from validated config and is checked again here.
  if (!IDENT.test(database)) throw new Error(`database name ${database} is not a plain identifier`);
  const all = await loadMigrations(o.dir);
  if (!o.dry) {
    await runCommand(o.server, 'createDatabase', `CREATE DATABASE IF NOT EXISTS \`${database}\``);
    await runCommand(o.db, 'createSchemaMigrations', `CREATE TABLE IF NOT EXISTS schema_migrations (
      version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
    ) ENGINE = MergeTree ORDER BY version`);
  }
  const done = await appliedVersions(o);
  const pending = all.filter((m) => !done.has(m.version));
  const changed = all.filter((m) => done.has(m.version) && done.get(m.version) !== m.checksum);
  const applied: Migration[] = [];
  for (const m of pending) {
    if (o.dry) { o.onStep?.(m, 'pending'); continue; }
    o.onStep?.(m, 'applying');
    for (const stmt of splitStatements(m.sql)) {
      try {
        await runCommand(o.db, `migration ${m.file}`, stmt);
      } catch (err) {
        throw new Error(`migration ${m.file} failed; nothing after it was applied: ${(err as Error).message}`);
      }
    }
    await o.db.client.insert({
      table: 'schema_migrations', format: 'JSONEachRow',
      values: [{ version: m.version, name: m.name, checksum: m.checksum }],
    });
    applied.push(m);
    o.onStep?.(m, 'applied');
  }
  return { applied, pending: o.dry ? pending : [], changed };
}

async function appliedVersions(o: MigrateOptions): Promise<Map<number, string>> {
  const exists = await selectRows<{ n: number }>(o.server, 'schemaMigrationsExists',
    'SELECT count() AS n FROM system.tables WHERE database = {db:String} AND name = {t:String}',
    { db: o.db.database, t: 'schema_migrations' });
  if (!exists[0]?.n) return new Map();
  const rows = await selectRows<{ version: number; checksum: string }>(o.db, 'appliedMigrations',
    'SELECT version, checksum FROM schema_migrations ORDER BY version');
  return new Map(rows.map((r) => [r.version, r.checksum]));
}
