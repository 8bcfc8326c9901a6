/**
 * A TF.js LayersModel as registry files and back: `model.json` (topology, weight specs, training config) and
 * `weights.bin` (all weights, concatenated in weight-spec order). Pure TF.js has no file system IO handler
 * (`file://` needs tfjs-node), so this goes through memory handlers; TF.js itself comes from models/tf.ts.
 */
import type { Tf } from '../tf.ts';

export type LayersModel = Awaited<ReturnType<Tf['loadLayersModel']>>;
type ModelArtifacts = Parameters<Parameters<Tf['io']['withSaveHandler']>[0]>[0];

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/** The model's files, ready for saveArtifact. */
export async function tfModelFiles(tf: Tf, model: LayersModel): Promise<Record<string, Uint8Array>> {
  let files: Record<string, Uint8Array> | undefined;
  await model.save(tf.io.withSaveHandler(async (a: ModelArtifacts) => {
    const weights = a.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(a.weightData);
    const json = { modelTopology: a.modelTopology, weightSpecs: a.weightSpecs, format: a.format, generatedBy: a.generatedBy,
      convertedBy: a.convertedBy, trainingConfig: a.trainingConfig, userDefinedMetadata: a.userDefinedMetadata };
    files = { [MODEL_JSON]: Buffer.from(JSON.stringify(json)), [WEIGHTS_BIN]: new Uint8Array(weights) };
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength } };
  }));
  return files!;
}

/** Rebuild the model from the files tfModelFiles wrote (as loadLatest returns them). */
export async function loadTfModel(tf: Tf, files: Record<string, Uint8Array>): Promise<LayersModel> {
  const json = files[MODEL_JSON];
  const weights = files[WEIGHTS_BIN];
  if (!json || !weights) throw new Error(`a TF.js artifact needs ${MODEL_JSON} and ${WEIGHTS_BIN}`);
  const artifacts = JSON.parse(Buffer.from(json).toString('utf8')) as ModelArtifacts;
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer;
  return tf.loadLayersModel(tf.io.fromMemory({ ...artifacts, weightData }));
}
