// Picks the TensorFlow.js backend. The native packages (tfjs-node, tfjs-node-gpu) download
// libtensorflow at install time, so they are optional: looked up at run time, never bundled.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core alone registers no gradients; the union package @tensorflow/tfjs does this import.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { addMissingLegacyUtil } from './legacyUtilShim';

export const BACKEND_CHOICES = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
export type BackendName = Exclude<BackendChoice, 'auto'>;

const NATIVE_PACKAGES: Record<'tensorflow-gpu' | 'tensorflow', string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};

/** Where a native package may live: our own node_modules, then an extra folder set by the editor. */
function nativeRequirers(): NodeRequire[] {
  const out: NodeRequire[] = [require];
  const extra = process.env.SPARSE_ATTENTION_NATIVE_MODULES;
  if (extra) out.push(createRequire(path.join(extra, 'noop.js')));
  return out;
}

function tryLoadNative(name: 'tensorflow-gpu' | 'tensorflow'): string | undefined {
  const reasons: string[] = [];
  for (const req of nativeRequirers()) {
    try {
      const file = req.resolve(NATIVE_PACKAGES[name]);
      // The package is there and about to load: give it the util.is* functions Node 23+ removed,
      // which tfjs-node 4.22.0 still calls (tensorflow/tfjs#8609; see legacyUtilShim.ts).
      addMissingLegacyUtil();
      req(file);
      return undefined;
    } catch (err) {
      reasons.push((err as Error).message.split('\n')[0]);
    }
  }
  return `${NATIVE_PACKAGES[name]} is not available (${reasons[reasons.length - 1]})`;
}

/** The folder holding tfjs-backend-wasm's .wasm files: next to the bundle, else in node_modules. */
export function wasmDir(): string {
  const bundled = path.join(__dirname, 'wasm');
  if (existsSync(path.join(bundled, 'tfjs-backend-wasm-simd.wasm'))) return bundled;
  // createRequire keeps esbuild from trying to resolve this at bundle time.
  const resolve = createRequire(__filename).resolve;
  return path.join(path.dirname(resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
}

async function trySet(name: string): Promise<boolean> {
  try {
    return (await tf.setBackend(name)) && tf.getBackend() === name;
  } catch {
    return false;
  }
}

/** The native backend's own answer to "is a CUDA device in use" (NodeJSKernelBackend.isUsingGpuDevice). */
function usesGpuDevice(): boolean {
  return (tf.backend() as unknown as { isUsingGpuDevice?: boolean }).isUsingGpuDevice === true;
}

export interface BackendInfo {
  name: BackendName;
  /** Why each faster backend was passed over, for the user to read. */
  skipped: string[];
}

export async function selectBackend(choice: BackendChoice): Promise<BackendInfo> {
  const order: BackendName[] = choice === 'auto' ? ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] : [choice];
  const skipped: string[] = [];
  for (const name of order) {
    if (name === 'tensorflow-gpu' || name === 'tensorflow') {
      const why = tryLoadNative(name);
      if (why) {
        skipped.push(why);
        continue;
      }
      if (!(await trySet('tensorflow'))) {
        skipped.push(`${NATIVE_PACKAGES[name]} loaded but its backend did not start`);
        continue;
      }
      if (name === 'tensorflow-gpu' && !usesGpuDevice()) {
        // libtensorflow's GPU build falls back to its CPU kernels when CUDA/cuDNN are missing: the
        // run is then a CPU run and must say so, not claim the GPU.
        const why = `${NATIVE_PACKAGES[name]} loaded but TensorFlow found no usable GPU (it needs an NVIDIA driver, CUDA 11.2 and cuDNN 8.1); running on its CPU kernels`;
        if (choice === 'tensorflow-gpu') throw new Error(`backend "tensorflow-gpu" is not available: ${why}`);
        return { name: 'tensorflow', skipped: [...skipped, why] };
      }
      return { name, skipped };
    }
    if (name === 'wasm') setWasmPaths(wasmDir() + path.sep);
    if (await trySet(name)) return { name, skipped };
    skipped.push(`the ${name} backend did not start`);
  }
  throw new Error(`backend "${choice}" is not available: ${skipped.join('; ')}`);
}
