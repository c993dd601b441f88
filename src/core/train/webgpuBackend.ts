// The WebGPU backend on Dawn (`webgpu` on npm): Dawn's dawn.node gives Node a `navigator.gpu`, and
// @tensorflow/tfjs-backend-webgpu (bundled: it must share the bundle's tfjs-core) trains on it. Dawn
// ships prebuilt inside its npm package for Vulkan, Metal and D3D12, so any GPU vendor works and no
// CUDA is needed. A software adapter (SwiftShader, llvmpipe) is refused unless the user allows it:
// it runs on the CPU, far slower than WASM, and is meant for tests.
// tfjs-backend-webgpu 4.22.0 has every kernel and gradient the model uses (the tabulated layer,
// deeper layers, the MLP baseline, the norm-ball projection; test/webgpu compares them with WASM
// step by step), so nothing is worked around. Its one trap in Node is reading: dataSync/arraySync go
// through an OffscreenCanvas Node lacks, so every read in src/ is asynchronous (`await t.data()`).
import { pathToFileURL } from 'node:url';
import { adapterLabel } from '../../protocol/backendLabel';
import type { GpuAdapter } from '../../protocol/runEvents';
import { resolveOptional } from './optionalPackages';
import { findSharedLibrary } from './sharedLibraries';

export const WEBGPU_PACKAGE = 'webgpu';
export const WEBGPU_VERSION = '0.6.2';
/** Set to 1 to let `--backend webgpu` run on a software adapter (the tests do; `auto` never does). */
export const ALLOW_SOFTWARE_ENV = 'SPARSE_ATTENTION_ALLOW_SOFTWARE_GPU';
/** Dawn's adapter name to use (`--adapter NAME` sets it, so forked processes inherit it). */
export const ADAPTER_ENV = 'SPARSE_ATTENTION_GPU_ADAPTER';

/** What a WebGPU adapter offers the trainer: who it is and how big a buffer may be. */
export interface WebGpuProbe {
  adapter: GpuAdapter;
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number };
}

interface DawnAdapter {
  info: { vendor: string; architecture: string; device?: string; description: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number };
}
interface DawnGpu {
  requestAdapter(options?: { powerPreference?: string }): Promise<DawnAdapter | null>;
}

const SOFTWARE_NAMES = /swiftshader|llvmpipe|lavapipe|softpipe|software|warp|basic render/i;

export function isSoftwareAdapter(a: DawnAdapter): boolean {
  const { vendor, architecture, description } = a.info;
  return a.isFallbackAdapter === true || a.info.isFallbackAdapter === true || SOFTWARE_NAMES.test(`${vendor} ${architecture} ${description}`);
}


/** Dawn's `navigator.gpu`, made once per process (Dawn keeps one instance). */
let gpu: Promise<DawnGpu> | undefined;

async function dawnGpu(adapterName: string | undefined): Promise<DawnGpu> {
  const found = resolveOptional(WEBGPU_PACKAGE);
  if ('why' in found) {
    throw new Error(`the "${WEBGPU_PACKAGE}" package is not installed: run "Set Up GPU Backend" in the editor, or \`npm install ${WEBGPU_PACKAGE}@${WEBGPU_VERSION}\``);
  }
  // Dawn loads the Vulkan loader on Linux and, when it is missing, prints a native warning on every
  // run; `auto` tries WebGPU on every run, so look for the loader first and say it plainly.
  if (process.platform === 'linux' && !findSharedLibrary('libvulkan.so.1')) {
    throw new Error('WebGPU found no Vulkan loader (libvulkan.so.1): install libvulkan1 and your GPU driver\'s Vulkan support (NVIDIA driver, or mesa-vulkan-drivers for AMD/Intel)');
  }
  // webgpu's index.js is an ES module: load it as one.
  const { create, globals } = (await import(pathToFileURL(found.file).href)) as { create(opts: string[]): DawnGpu; globals: object };
  Object.assign(globalThis, globals);
  const instance = create(adapterName ? [`adapter=${adapterName}`] : []);
  // Node 21+ has a read-only `navigator` of its own; tfjs-backend-webgpu looks for navigator.gpu.
  const nav = (globalThis as { navigator?: object }).navigator ?? {};
  Object.defineProperty(globalThis, 'navigator', { value: Object.assign(Object.create(nav), { gpu: instance }), configurable: true, writable: true });
  return instance;
}

/** The adapter Dawn offers (the one tfjs-backend-webgpu will take), or throws why there is none. */
export async function probeWebGpu(adapterName = process.env[ADAPTER_ENV] || undefined): Promise<WebGpuProbe> {
  gpu ??= dawnGpu(adapterName);
  let adapter: DawnAdapter | null;
  try {
    adapter = await (await gpu).requestAdapter({ powerPreference: 'high-performance' });
  } catch (err) {
    // Dawn lists the adapters it has when the requested name matches none.
    throw new Error(`no WebGPU adapter named "${adapterName}": ${(err as Error).message.replace(/\s*\n\s*/g, ' ').replace(/^no suitable backends found\s*/, '')}`);
  }
  if (!adapter) {
    throw new Error(
      'WebGPU found no GPU adapter: install the GPU driver with Vulkan support (Linux: the NVIDIA driver, or mesa-vulkan-drivers for AMD/Intel; macOS uses Metal, Windows D3D12)',
    );
  }
  const { vendor, architecture, description, device } = adapter.info;
  return {
    // The device names the GPU; on a GPU Dawn's description holds only the driver's name and version.
    adapter: { vendor, architecture, description, ...(device ? { device } : {}), software: isSoftwareAdapter(adapter) },
    limits: { maxBufferSize: adapter.limits.maxBufferSize, maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize },
  };
}

/** Whether this process may train on a software adapter (only when asked for by name, with the variable set). */
export const softwareAllowed = () => process.env[ALLOW_SOFTWARE_ENV] === '1';

/**
 * Makes the `webgpu` backend available to tfjs-core: probes the adapter, refuses a software one
 * unless `allowSoftware`, then loads tfjs-backend-webgpu, which registers itself at import time only
 * if navigator.gpu exists (so it is imported here, after Dawn, not at the top of a module).
 */
export async function registerWebGpu(asked: 'by-name' | 'auto'): Promise<WebGpuProbe> {
  const probe = await probeWebGpu();
  if (probe.adapter.software && (asked === 'auto' || !softwareAllowed())) {
    const only = `the only WebGPU adapter is ${adapterLabel(probe.adapter)}, a CPU renderer slower than WASM`;
    // Under auto the allowance changes nothing: say what would.
    throw new Error(
      asked === 'auto'
        ? `${only}: "auto" never uses a software adapter (install a GPU driver, or ask for --backend webgpu with ${ALLOW_SOFTWARE_ENV}=1)`
        : `${only}: install a GPU driver, or set ${ALLOW_SOFTWARE_ENV}=1 to use it anyway (for tests)`,
    );
  }
  await import('@tensorflow/tfjs-backend-webgpu');
  return probe;
}
