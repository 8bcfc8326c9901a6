/**
 * A model that saves itself to a directory (TF.js weights + its own JSON) stored as a registry artifact: the
 * model's files go under `model/` of the version folder, so its own metadata never collides with the
 * registry's `metadata.json`.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadLatest, saveArtifact, type ArtifactMetadata, type NewArtifactMetadata } from '../registry/registry.ts';

export async function saveModelDir(o: { dir: string; name: string; metadata: NewArtifactMetadata;
  save: (staging: string) => Promise<void> }): Promise<ArtifactMetadata> {
  const staging = await mkdtemp(path.join(tmpdir(), `ct-${o.name}-`));
  try {
    await o.save(staging);
    const files: Record<string, Buffer> = {};
    for (const f of await readdir(staging)) files[`model/${f}`] = await readFile(path.join(staging, f));
    return await saveArtifact({ dir: o.dir, name: o.name, files, metadata: o.metadata });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** The newest version's model folder, or null when none was trained yet. */
export async function latestModelDir(dir: string, name: string): Promise<{ path: string; metadata: ArtifactMetadata } | null> {
  const a = await loadLatest({ dir, name });
  return a ? { path: path.join(a.path, 'model'), metadata: a.metadata } : null;
}
