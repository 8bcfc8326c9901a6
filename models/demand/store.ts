/**
 * A demand model on disk, in one directory: `model.json` + `weights.bin` in the TF.js layers format (loadable
 * by any TF.js, tfjs-node's file:// loader included) and `demand.json` with the rest — grain, horizon, the
 * global model's configuration, the method chosen per series and the metadata (trained at, data window,
 * selection metrics). The pure-JS TF.js has no file handler, so the artifacts go through
 * `tf.io.withSaveHandler` / `tf.io.fromMemory`.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadTf, type Tf } from '../tf.ts';
import type { GlobalConfig } from './global-model.ts';
import type { MethodName } from './methods.ts';
import type { Grain } from './series.ts';
import type { DemandModel, DemandModelMetadata } from './train.ts';

const FORMAT = 'control-tower/demand@1';

interface DemandFile {
  format: typeof FORMAT;
  grain: Grain;
  horizon: number;
  config: GlobalConfig;
  choice: Record<string, MethodName>;
  fallback: MethodName;
  metadata: DemandModelMetadata;
}

export async function saveDemandModel(model: DemandModel, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const { tf } = model.global;
  await model.global.net.save(tf.io.withSaveHandler(async (a) => {
    const weights = a.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(a.weightData);
    await writeFile(path.join(dir, 'weights.bin'), new Uint8Array(weights));
    await writeFile(path.join(dir, 'model.json'), JSON.stringify({
      format: a.format, generatedBy: a.generatedBy, convertedBy: a.convertedBy ?? null, modelTopology: a.modelTopology,
      weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs ?? [] }],
    }));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength } };
  }));
  const file: DemandFile = { format: FORMAT, grain: model.grain, horizon: model.horizon, config: model.global.config,
    choice: model.choice, fallback: model.fallback, metadata: model.metadata };
  await writeFile(path.join(dir, 'demand.json'), JSON.stringify(file));
}

export async function loadDemandModel(dir: string, o: { tf?: Tf } = {}): Promise<DemandModel> {
  const tf = o.tf ?? (await loadTf()).tf;
  const file = JSON.parse(await readFile(path.join(dir, 'demand.json'), 'utf8')) as DemandFile;
  if (file.format !== FORMAT) throw new Error(`${dir}/demand.json is not a demand model (format ${String(file.format)})`);
  const json = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8')) as {
    modelTopology: object; weightsManifest: { paths: string[]; weights: never[] }[];
  };
  const bytes = await readFile(path.join(dir, 'weights.bin'));
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const net = await tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((m) => m.weights), weightData,
  }));
  return { grain: file.grain, horizon: file.horizon, global: { tf, net, config: file.config }, choice: file.choice,
    fallback: file.fallback, metadata: file.metadata };
}
