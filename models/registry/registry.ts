/**
 * Versioned model artifacts on disk: `<dir>/<name>/v<version>/` holds the model's files and `metadata.json`
 * (name, version, trained at, data window, metrics, backend, seed, code version, and each file's size and
 * sha256). Versions are whole numbers counting up from 1.
 * - Atomic: a save writes everything (fsynced) into `<dir>/<name>/.tmp-…` and renames it to `v<next>`; a reader
 *   sees a whole version or none. rename() onto an existing non-empty directory fails, so two writers racing
 *   for the same number cannot both win: the loser takes the next number and renames again.
 * - Retention: after a save only the newest `keep` versions (default 5) are kept; an old version is renamed
 *   to `.trash-…` first (atomic, readers never see it half-deleted) and then removed. Temp and trash folders
 *   left by a crash are swept after an hour.
 * - Loading verifies every file against its sha256: a damaged artifact fails loudly, never scores silently.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const FILE = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;
const VERSION_DIR = /^v(\d{1,9})$/;
const METADATA = 'metadata.json';
const STALE_MS = 3_600_000;

export const ArtifactMetadataSchema = z.object({
  name: z.string().regex(NAME),
  version: z.number().int().positive(),
  /** ISO-8601 instant. */
  trainedAt: z.string(),
  /** The training data's window, ISO dates or instants. */
  dataWindow: z.object({ from: z.string(), to: z.string() }),
  metrics: z.record(z.string(), z.number()),
  /** TF.js backend (`cpu`, `tensorflow`, `wasm`) or `none` for a model without one. */
  backend: z.string(),
  seed: z.number().int(),
  /** package.json version of the code that trained it. */
  codeVersion: z.string(),
  /** Hyperparameters, features, anything the loader needs to rebuild the model. */
  params: z.record(z.string(), z.unknown()).optional(),
  files: z.array(z.object({ path: z.string().regex(FILE), bytes: z.number().int().nonnegative(), sha256: z.string() })),
});
export type ArtifactMetadata = z.infer<typeof ArtifactMetadataSchema>;

/** What the trainer provides; the registry adds name, version, files, and the code version if absent. */
export type NewArtifactMetadata = Omit<ArtifactMetadata, 'name' | 'version' | 'files' | 'codeVersion'> & { codeVersion?: string };

export interface LoadedArtifact {
  metadata: ArtifactMetadata;
  /** The version's folder. */
  path: string;
  files: Record<string, Buffer>;
}

let codeVersion: string | undefined;
/** The package's version, read once. */
export function packageVersion(): string {
  codeVersion ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return codeVersion;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const checkName = (name: string) => { if (!NAME.test(name)) throw new RangeError(`model name ${JSON.stringify(name)} must match ${NAME}`); };

async function writeSynced(file: string, data: string | Uint8Array): Promise<void> {
  const fh = await open(file, 'w');
  try { await fh.writeFile(data); await fh.sync(); } finally { await fh.close(); }
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try { await fh.sync(); } finally { await fh.close(); }
}

async function versionNumbers(modelDir: string): Promise<number[]> {
  let entries: string[];
  try { entries = await readdir(modelDir); } catch (err) { if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []; throw err; }
  return entries.map((e) => VERSION_DIR.exec(e)).filter((m) => m !== null).map((m) => Number(m[1])).sort((a, b) => a - b);
}

/**
 * Save a new version of `name` with its files (relative paths, `metadata.json` reserved) and metadata; keep the
 * newest `keep` versions. Returns the stored metadata (with its version).
 */
export async function saveArtifact(o: { dir: string; name: string; files: Record<string, string | Uint8Array>;
  metadata: NewArtifactMetadata; keep?: number }): Promise<ArtifactMetadata> {
  checkName(o.name);
  const keep = o.keep ?? 5;
  if (!Number.isInteger(keep) || keep < 1) throw new RangeError(`keep must be a whole number ≥ 1, got ${keep}`);
  const modelDir = path.join(o.dir, o.name);
  await mkdir(modelDir, { recursive: true });
  const tmp = path.join(modelDir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  await mkdir(tmp);
  try {
    const files: ArtifactMetadata['files'] = [];
    for (const [rel, data] of Object.entries(o.files)) {
      if (!FILE.test(rel) || rel === METADATA) throw new RangeError(`artifact file name ${JSON.stringify(rel)} is not allowed`);
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      await mkdir(path.dirname(path.join(tmp, rel)), { recursive: true });
      await writeSynced(path.join(tmp, rel), bytes);
      files.push({ path: rel, bytes: bytes.byteLength, sha256: sha256(bytes) });
    }
    for (let attempt = 0; attempt < 100; attempt++) {
      const version = ((await versionNumbers(modelDir)).at(-1) ?? 0) + 1;
      const metadata = ArtifactMetadataSchema.parse({ ...o.metadata, codeVersion: o.metadata.codeVersion ?? packageVersion(), name: o.name, version, files });
      await writeSynced(path.join(tmp, METADATA), `${JSON.stringify(metadata, null, 2)}\n`);
      await syncDir(tmp);
      try {
        await rename(tmp, path.join(modelDir, `v${version}`));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EEXIST' || code === 'ENOTEMPTY') continue; // another writer took this number
        throw err;
      }
      await syncDir(modelDir);
      await prune(modelDir, keep);
      return metadata;
    }
    throw new Error(`could not claim a version for ${o.name} after 100 attempts`);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

async function prune(modelDir: string, keep: number): Promise<void> {
  const versions = await versionNumbers(modelDir);
  for (const v of versions.slice(0, Math.max(0, versions.length - keep))) {
    const trash = path.join(modelDir, `.trash-v${v}-${randomBytes(4).toString('hex')}`);
    try { await rename(path.join(modelDir, `v${v}`), trash); } catch { continue; } // another writer pruned it
    await rm(trash, { recursive: true, force: true });
  }
  const now = Date.now();
  for (const e of await readdir(modelDir)) {
    if (!e.startsWith('.tmp-') && !e.startsWith('.trash-')) continue;
    const s = await stat(path.join(modelDir, e)).catch(() => null);
    if (s && now - s.mtimeMs > STALE_MS) await rm(path.join(modelDir, e), { recursive: true, force: true });
  }
}

async function readMetadata(versionDir: string): Promise<ArtifactMetadata> {
  const parsed = ArtifactMetadataSchema.safeParse(JSON.parse(await readFile(path.join(versionDir, METADATA), 'utf8')));
  if (!parsed.success) throw new Error(`${versionDir}/${METADATA} is not valid artifact metadata: ${parsed.error.message}`);
  return parsed.data;
}

/** Every stored version's metadata, oldest first. */
export async function listVersions(o: { dir: string; name: string }): Promise<ArtifactMetadata[]> {
  checkName(o.name);
  const modelDir = path.join(o.dir, o.name);
  return Promise.all((await versionNumbers(modelDir)).map((v) => readMetadata(path.join(modelDir, `v${v}`))));
}

/** One version with its files, each verified against its sha256. */
export async function loadVersion(o: { dir: string; name: string; version: number }): Promise<LoadedArtifact> {
  checkName(o.name);
  const versionDir = path.join(o.dir, o.name, `v${o.version}`);
  const metadata = await readMetadata(versionDir);
  const files: Record<string, Buffer> = {};
  for (const f of metadata.files) {
    const data = await readFile(path.join(versionDir, f.path));
    if (data.byteLength !== f.bytes || sha256(data) !== f.sha256) throw new Error(`${versionDir}/${f.path} does not match its sha256 in ${METADATA}`);
    files[f.path] = data;
  }
  return { metadata, path: versionDir, files };
}

/** The newest version of `name`, or null when none is stored. */
export async function loadLatest(o: { dir: string; name: string }): Promise<LoadedArtifact | null> {
  checkName(o.name);
  const latest = (await versionNumbers(path.join(o.dir, o.name))).at(-1);
  return latest === undefined ? null : loadVersion({ ...o, version: latest });
}
