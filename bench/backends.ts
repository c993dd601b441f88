// Which TensorFlow.js backends this machine can run. Native ones (tfjs-node, -gpu) are optional
// packages that are usually absent; the benchmark reports why each one is skipped.
import * as tf from '@tensorflow/tfjs-core';
import { type BackendName, selectBackend } from '../src/core/train/backend';

export interface BackendAvailability {
  name: BackendName;
  available: boolean;
  /** Why it is unavailable (absent when available). */
  reason?: string;
}

const CANDIDATES: BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

export async function detectBackends(): Promise<BackendAvailability[]> {
  const out: BackendAvailability[] = [];
  for (const name of CANDIDATES) {
    try {
      await selectBackend(name);
      out.push({ name, available: true });
    } catch (err) {
      out.push({ name, available: false, reason: (err as Error).message.split('\n')[0].replace(/^backend "[^"]+" is not available: /, '') });
    }
  }
  return out;
}

/** Switches to `name` (must be available); returns the tfjs backend name actually in use. */
export async function useBackend(name: BackendName): Promise<string> {
  await selectBackend(name);
  return tf.getBackend();
}
