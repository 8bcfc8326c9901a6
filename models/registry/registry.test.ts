import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { loadTf } from '../tf.ts';
import { listVersions, loadLatest, loadVersion, packageVersion, saveArtifact, type NewArtifactMetadata } from './registry.ts';
import { loadTfModel, tfModelFiles } from './tf-model-files.ts';

let dir: string;
beforeEach(() => { dir = mkdtempSync(path.join(tmpdir(), 'ct-registry-')); });
afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

const meta = (rmsse: number): NewArtifactMetadata => ({
  trainedAt: '2026-03-10T06:00:00.000Z', dataWindow: { from: '2025-12-01', to: '2026-03-09' }, metrics: { rmsse, coverage: 0.8 },
  backend: 'cpu', seed: 42, params: { hidden: [32, 16] },
});

describe('model registry', () => {
  test('versions count up; the latest loads with its files and metadata; code version from package.json', async () => {
    expect(await loadLatest({ dir, name: 'demand' })).toBeNull();
    expect(await listVersions({ dir, name: 'demand' })).toEqual([]);
    const v1 = await saveArtifact({ dir, name: 'demand', files: { 'model.json': '{"a":1}', 'data/scale.bin': new Uint8Array([1, 2, 3]) }, metadata: meta(0.9) });
    const v2 = await saveArtifact({ dir, name: 'demand', files: { 'model.json': '{"a":2}' }, metadata: meta(0.8) });
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(v1).toMatchObject({ name: 'demand', codeVersion: packageVersion(), metrics: { rmsse: 0.9 }, files: [
      { path: 'model.json', bytes: 7 }, { path: 'data/scale.bin', bytes: 3 }] });
    expect(packageVersion()).toBe((JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version);

    const latest = (await loadLatest({ dir, name: 'demand' }))!;
    expect(latest.metadata).toEqual(v2);
    expect(latest.path).toBe(path.join(dir, 'demand', 'v2'));
    expect(latest.files['model.json']!.toString()).toBe('{"a":2}');
    const first = await loadVersion({ dir, name: 'demand', version: 1 });
    expect([...first.files['data/scale.bin']!]).toEqual([1, 2, 3]);
    expect((await listVersions({ dir, name: 'demand' })).map((m) => [m.version, m.metrics.rmsse])).toEqual([[1, 0.9], [2, 0.8]]);
    // Another model has its own versions.
    expect(await saveArtifact({ dir, name: 'cutoff', files: {}, metadata: { ...meta(0), codeVersion: 'abc123' } }))
      .toMatchObject({ version: 1, codeVersion: 'abc123' });
  });

  test('retention keeps the newest N versions and leaves no temp or trash folders', async () => {
    for (let i = 0; i < 5; i++) await saveArtifact({ dir, name: 'anomaly', files: { 'w.bin': `w${i}` }, metadata: meta(i), keep: 3 });
    expect((await listVersions({ dir, name: 'anomaly' })).map((m) => m.version)).toEqual([3, 4, 5]);
    expect(readdirSync(path.join(dir, 'anomaly')).sort()).toEqual(['v3', 'v4', 'v5']);
    await expect(saveArtifact({ dir, name: 'anomaly', files: {}, metadata: meta(0), keep: 0 })).rejects.toThrow(RangeError);
  });

  test('concurrent saves each get their own version', async () => {
    const saved = await Promise.all(Array.from({ length: 6 }, (_, i) =>
      saveArtifact({ dir, name: 'demand', files: { 'model.json': `{"i":${i}}` }, metadata: meta(i), keep: 10 })));
    expect(saved.map((m) => m.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const m of saved) {
      const loaded = await loadVersion({ dir, name: 'demand', version: m.version });
      expect(loaded.files['model.json']!.toString()).toBe(`{"i":${m.metrics.rmsse}}`);
    }
  });

  test('bad names and file paths are refused; a failed save leaves nothing behind', async () => {
    await expect(saveArtifact({ dir, name: '../escape', files: {}, metadata: meta(0) })).rejects.toThrow(RangeError);
    await expect(saveArtifact({ dir, name: 'demand', files: { '../x': 'no' }, metadata: meta(0) })).rejects.toThrow(/not allowed/);
    await expect(saveArtifact({ dir, name: 'demand', files: { 'metadata.json': '{}' }, metadata: meta(0) })).rejects.toThrow(/not allowed/);
    await expect(saveArtifact({ dir, name: 'demand', files: {}, metadata: { ...meta(0), seed: 1.5 } })).rejects.toThrow();
    expect(readdirSync(path.join(dir, 'demand'))).toEqual([]);
    expect(await loadLatest({ dir, name: 'demand' })).toBeNull();
  });

  test('a damaged file fails the load instead of scoring with it', async () => {
    await saveArtifact({ dir, name: 'demand', files: { 'weights.bin': new Uint8Array([1, 2, 3, 4]) }, metadata: meta(0) });
    writeFileSync(path.join(dir, 'demand', 'v1', 'weights.bin'), new Uint8Array([1, 2, 3, 5]));
    await expect(loadLatest({ dir, name: 'demand' })).rejects.toThrow(/sha256/);
  });

  test('a TF.js model round-trips through the registry and predicts the same', async () => {
    const { tf, backend } = await loadTf();
    const model = tf.sequential({ layers: [
      tf.layers.dense({ inputShape: [3], units: 4, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }) }),
      tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 8 }) }),
    ] });
    await saveArtifact({ dir, name: 'tiny', files: await tfModelFiles(tf, model), metadata: { ...meta(0), backend } });
    const loaded = (await loadLatest({ dir, name: 'tiny' }))!;
    const again = await loadTfModel(tf, loaded.files);
    const x = tf.tensor2d([[1, -2, 0.5], [0, 3, -1]]);
    const [a, b] = [model.predict(x) as ReturnType<typeof tf.tensor>, again.predict(x) as ReturnType<typeof tf.tensor>];
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    tf.dispose([x, a, b]);
    model.dispose();
    again.dispose();
  });
});
