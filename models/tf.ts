/**
 * The one place that loads TensorFlow.js. tfjs-node (native libtensorflow) when it is installed — the Docker
 * image — otherwise @tensorflow/tfjs on the `cpu` backend. Measured here: a first 50k-row predict of a small MLP
 * took 0.3 s on cpu and 2 s on wasm (compilation included), while steady-state wasm ran the demand model ~2×
 * faster; cpu stays the default because it needs no .wasm file at run time and meets the targets (bench:models).
 * TF_BACKEND=wasm opts in.
 * The backend in use is logged once at start by whoever calls `loadTf` with a logger.
 */
import * as tfjs from '@tensorflow/tfjs';
import type { Logger } from '../runtime/logger.ts';

export type Tf = typeof tfjs;
export type TfBackend = 'tensorflow' | 'cpu' | 'wasm';

let loaded: Promise<{ tf: Tf; backend: TfBackend }> | undefined;

async function load(prefer?: TfBackend): Promise<{ tf: Tf; backend: TfBackend }> {
  if (prefer === undefined || prefer === 'tensorflow') {
    try {
      const name = '@tensorflow/tfjs-node';
      const node = (await import(/* @vite-ignore */ name)) as Tf;
      await node.ready();
      return { tf: node, backend: 'tensorflow' };
    } catch { /* not installed here: fall back to the pure JS backends */ }
  }
  if (prefer === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    await tfjs.setBackend('wasm');
  } else {
    await tfjs.setBackend('cpu');
  }
  await tfjs.ready();
  return { tf: tfjs, backend: tfjs.getBackend() as TfBackend };
}

/** Load TF.js once per process (later calls share it); `prefer` comes from TF_BACKEND. */
export function loadTf(o: { prefer?: TfBackend; log?: Logger } = {}): Promise<{ tf: Tf; backend: TfBackend }> {
  loaded ??= load(o.prefer).then((r) => {
    o.log?.info({ backend: r.backend, version: r.tf.version.tfjs ?? r.tf.version_core }, 'tensorflow.js backend');
    return r;
  });
  return loaded;
}
