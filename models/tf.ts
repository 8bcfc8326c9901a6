/**
 * The one place that loads TensorFlow.js. tfjs-node (native libtensorflow) when it is installed — the Docker
 * image — otherwise @tensorflow/tfjs on the `cpu` backend: on this machine cpu predicts 50k rows of a small
 * MLP in ~0.3 s where wasm took ~2 s (measured), so wasm is only used when asked for (TF_BACKEND=wasm).
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
