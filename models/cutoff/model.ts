/**
 * The cutoff-miss network and everything needed to use it again: a small MLP (inputs → 16 ReLU → 1 sigmoid) on
 * standardized features — the floor's risk — Platt calibration of its logit, the pickup history that seeds the
 * truck's risk (./pickup-risk.ts), and the two baselines' parameters, saved as
 * model.json + weights.bin (tf.io.withSaveHandler) + metadata.json and loaded with tf.io.fromMemory.
 * Initialization is seeded and rows are shuffled by our own seeded generator (model.fit's shuffle uses
 * Math.random), so a seed gives the same weights on the same backend.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../tf.ts';
import { applyPlatt, logit, type Platt } from './calibration.ts';
import { FEATURE_COUNT, FEATURE_NAMES } from './features.ts';

export const MODEL_FORMAT = 'control-tower/cutoff-miss@1';
/** Hidden ReLU units; 0 makes the network a logistic regression. */
export const DEFAULT_HIDDEN_UNITS = 16;

export interface CutoffModelMetadata {
  format: typeof MODEL_FORMAT;
  trainedAt: string;
  /** The events the model learned from: first and last occurredAt. */
  dataWindow: { from: string; to: string };
  seed: number;
  featureNames: string[];
  mean: number[];
  std: number[];
  /** Platt scaling of the network's logit, fitted on the held-out slice. */
  calibration: Platt;
  /** The rule baseline: Platt scaling of (hours of work ahead − hours to cutoff). */
  rule: Platt;
  /** The base-rate baseline: miss rate per site × local cutoff time (`site|minute of day`), and overall. */
  slotRates: Record<string, number>;
  globalRate: number;
  rows: { fit: number; calibration: number; orders: number; misses: number; truckLateOrders: number };
  /** Pickup leads (minutes before the cutoff; < 0 late) seen in training: the prior of a fresh scorer's pickup model. */
  pickupLeadsMinutes: number[];
  epochs: number;
  hidden: number;
  backend: string;
}

export class CutoffModel {
  constructor(readonly tf: Tf, readonly net: tfjs.LayersModel, readonly meta: CutoffModelMetadata) {}

  /** Raw (uncalibrated) logits of `n` feature rows packed in `x`. */
  logits(x: Float32Array, n: number): Float32Array {
    if (n === 0) return new Float32Array(0);
    const z = standardize(x, n, this.meta.mean, this.meta.std);
    const out = this.tf.tidy(() => {
      const p = this.net.predict(this.tf.tensor2d(z, [n, FEATURE_COUNT])) as tfjs.Tensor;
      return p.dataSync() as Float32Array;
    });
    return Float32Array.from(out, (p) => logit(p));
  }

  /** The floor's calibrated probability of missing the cutoff (the network alone). */
  pFloor(x: Float32Array, n: number): Float32Array {
    return this.logits(x, n).map((s) => applyPlatt(this.meta.calibration, s));
  }

  /** P(miss): the floor's and the truck's causes combined as independent, 1 − (1 − p_floor)(1 − p_truck). */
  pMiss(x: Float32Array, n: number, pTruck: ArrayLike<number>): Float32Array {
    return this.pFloor(x, n).map((p, i) => 1 - (1 - p) * (1 - (pTruck[i] ?? 0)));
  }

  /** The rule baseline's probability from its shortfall (hours of work ahead − hours to cutoff). */
  ruleP(shortfallHours: number): number {
    return applyPlatt(this.meta.rule, shortfallHours);
  }

  /** The base-rate baseline's probability for an order's site and local cutoff time. */
  baseRateP(site: string, localMinute: number): number {
    return this.meta.slotRates[`${site}|${Math.round(localMinute)}`] ?? this.meta.globalRate;
  }

  /** Write model.json, weights.bin and metadata.json into `dir` (created when missing). */
  async save(dir: string): Promise<void> {
    mkdirSync(dir, { recursive: true });
    await this.net.save(this.tf.io.withSaveHandler(async (a) => {
      const weights = this.tf.io.CompositeArrayBuffer.join(a.weightData!);
      writeFileSync(path.join(dir, 'weights.bin'), Buffer.from(weights));
      writeFileSync(path.join(dir, 'model.json'), JSON.stringify({
        format: a.format, generatedBy: a.generatedBy, convertedBy: a.convertedBy ?? null, modelTopology: a.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
      }));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength } };
    }));
    writeFileSync(path.join(dir, 'metadata.json'), JSON.stringify(this.meta, null, 2) + '\n');
  }

  /** Read a directory written by `save`. */
  static async load(dir: string, o: { tf: Tf }): Promise<CutoffModel> {
    const meta = JSON.parse(readFileSync(path.join(dir, 'metadata.json'), 'utf8')) as CutoffModelMetadata;
    if (meta.format !== MODEL_FORMAT) throw new Error(`${dir}: not a cutoff-miss model (format ${String(meta.format)})`);
    if (meta.featureNames.join() !== FEATURE_NAMES.join()) throw new Error(`${dir}: trained on other features; retrain`);
    const json = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8')) as {
      modelTopology: object; weightsManifest: { weights: tfjs.io.WeightsManifestEntry[] }[];
    };
    const bytes = readFileSync(path.join(dir, 'weights.bin'));
    const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const net = await o.tf.loadLayersModel(o.tf.io.fromMemory({
      modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((m) => m.weights), weightData,
    }));
    return new CutoffModel(o.tf, net, meta);
  }

  dispose(): void { this.net.dispose(); }
}

/** The network, with seeded Glorot initialization. */
export function buildNetwork(tf: Tf, seed: number, hidden = DEFAULT_HIDDEN_UNITS): tfjs.Sequential {
  const net = tf.sequential();
  if (hidden > 0) {
    net.add(tf.layers.dense({ inputShape: [FEATURE_COUNT], units: hidden, activation: 'relu',
      kernelInitializer: tf.initializers.glorotUniform({ seed }), kernelRegularizer: tf.regularizers.l2({ l2: 1e-4 }) }));
  }
  net.add(tf.layers.dense({ ...(hidden > 0 ? {} : { inputShape: [FEATURE_COUNT] }), units: 1, activation: 'sigmoid',
    kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }));
  return net;
}

/** Per-feature mean and standard deviation (1 where a feature is constant). */
export function moments(x: Float32Array, n: number): { mean: number[]; std: number[] } {
  const mean = new Array<number>(FEATURE_COUNT).fill(0), sq = new Array<number>(FEATURE_COUNT).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < FEATURE_COUNT; j++) mean[j] += x[i * FEATURE_COUNT + j];
  for (let j = 0; j < FEATURE_COUNT; j++) mean[j] /= Math.max(1, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < FEATURE_COUNT; j++) sq[j] += (x[i * FEATURE_COUNT + j] - mean[j]) ** 2;
  const std = sq.map((s) => { const sd = Math.sqrt(s / Math.max(1, n)); return sd > 1e-6 ? sd : 1; });
  return { mean, std };
}

export function standardize(x: Float32Array, n: number, mean: number[], std: number[]): Float32Array {
  const z = new Float32Array(n * FEATURE_COUNT);
  for (let i = 0; i < n; i++) for (let j = 0; j < FEATURE_COUNT; j++) {
    z[i * FEATURE_COUNT + j] = (x[i * FEATURE_COUNT + j] - mean[j]) / std[j];
  }
  return z;
}
