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
import type { GpuAdapter } from '../../protocol/runEvents';
import { cudaDiagnosis, libraryInError } from './cudaLibraries';
import { addMissingLegacyUtil } from './legacyUtilShim';
import { optionalRequirers } from './optionalPackages';
import { type WebGpuProbe, registerWebGpu } from './webgpuBackend';

export const BACKEND_CHOICES = ['auto', 'tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
export type BackendName = Exclude<BackendChoice, 'auto'>;

const NATIVE_PACKAGES: Record<'tensorflow-gpu' | 'tensorflow', string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};

function tryLoadNative(name: 'tensorflow-gpu' | 'tensorflow'): string | undefined {
  const reasons: string[] = [];
  for (const req of optionalRequirers()) {
    try {
      const file = req.resolve(NATIVE_PACKAGES[name]);
      // The package is there and about to load: give it the util.is* functions Node 23+ removed,
      // which tfjs-node 4.22.0 still calls (tensorflow/tfjs#8609; see legacyUtilShim.ts).
      addMissingLegacyUtil();
      req(file);
      return undefined;
    } catch (err) {
      const message = (err as Error).message;
      // The GPU build's binding failed on a CUDA/cuDNN library: say which, and what supplies it.
      if (name === 'tensorflow-gpu' && libraryInError(message)) return cudaDiagnosis(message);
      reasons.push(message.split('\n')[0]);
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
  /** On webgpu: the adapter and its buffer limits (the ensemble's memory bound comes from them). */
  gpu?: WebGpuProbe;
}

/** A backend that was asked for by name and cannot run here: the CLI exits 2 and writes nothing. */
export class BackendUnavailable extends Error {}

/** The order `auto` tries: a hardware GPU first (CUDA, then WebGPU), then native CPU, then WASM. */
export const AUTO_ORDER: readonly BackendName[] = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'];

/**
 * tfjs-node-gpu is loaded (auto passed over its CPU kernels above): its kernels serve as 'tensorflow',
 * as loading tfjs-node beside it would put a second libtensorflow into the process.
 */
function gpuBuildLoaded(): boolean {
  return tf.findBackendFactory('tensorflow') !== null && tryLoadNative('tensorflow-gpu') === undefined;
}

/** The native TensorFlow backends: loads the package, starts it, and checks that the GPU build found its GPU. */
async function tryNative(name: 'tensorflow-gpu' | 'tensorflow', choice: BackendChoice, skipped: string[]): Promise<BackendInfo | undefined> {
  const why = name === 'tensorflow' && gpuBuildLoaded() ? undefined : tryLoadNative(name);
  if (why) {
    skipped.push(why);
    return undefined;
  }
  if (!(await trySet('tensorflow'))) {
    skipped.push(`${NATIVE_PACKAGES[name]} loaded but its backend did not start`);
    return undefined;
  }
  if (name === 'tensorflow-gpu' && !usesGpuDevice()) {
    // libtensorflow's GPU build falls back to its CPU kernels when CUDA/cuDNN are missing: the
    // run is then a CPU run and must say so, not claim the GPU.
    const why = cudaDiagnosis(undefined, undefined, `${NATIVE_PACKAGES[name]} loaded but TensorFlow found no usable GPU (it runs on its CPU kernels)`);
    if (choice === 'tensorflow-gpu') throw new BackendUnavailable(`backend "tensorflow-gpu" is not available: ${why}`);
    // auto: a hardware WebGPU adapter beats these CPU kernels; they stay for the 'tensorflow' step.
    skipped.push(why);
    return undefined;
  }
  return { name, skipped };
}

/** WebGPU on Dawn: `auto` takes it only on a hardware adapter; by name, a software one needs the allowance. */
async function tryWebGpu(choice: BackendChoice, skipped: string[]): Promise<BackendInfo | undefined> {
  try {
    const gpu = await registerWebGpu(choice === 'webgpu' ? 'by-name' : 'auto');
    if (await trySet('webgpu')) return { name: 'webgpu', skipped, gpu };
    skipped.push('webgpu: the adapter was found but tfjs-backend-webgpu did not start on it');
  } catch (err) {
    skipped.push(`webgpu: ${(err as Error).message.split('\n')[0]}`);
  }
  return undefined;
}

export async function selectBackend(choice: BackendChoice): Promise<BackendInfo> {
  const order: readonly BackendName[] = choice === 'auto' ? AUTO_ORDER : [choice];
  const skipped: string[] = [];
  for (const name of order) {
    if (name === 'tensorflow-gpu' || name === 'tensorflow') {
      const info = await tryNative(name, choice, skipped);
      if (info) return info;
      continue;
    }
    if (name === 'webgpu') {
      const info = await tryWebGpu(choice, skipped);
      if (info) return info;
      continue;
    }
    if (name === 'wasm') setWasmPaths(wasmDir() + path.sep);
    if (await trySet(name)) return { name, skipped };
    skipped.push(`the ${name} backend did not start`);
  }
  const reasons = skipped.map((s) => s.replace(/^webgpu: /, ''));
  throw new BackendUnavailable(`backend "${choice}" is not available: ${reasons.join('; ')}`);
}

/** The adapter a run records (webgpu only). */
export const adapterOf = (info: BackendInfo): GpuAdapter | undefined => info.gpu?.adapter;
