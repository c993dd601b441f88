// How many members one ensemble may hold on a WebGPU device. The bound comes from the device, not
// from WASM's 32-bit heap: every tensor is one GPU buffer and must fit one storage-buffer binding
// (the adapter's maxStorageBufferBindingSize / maxBufferSize), and all of a step's tensors together
// must fit the device's free memory. WebGPU does not report free memory, so it is estimated: from
// nvidia-smi on NVIDIA, from the host's free memory on a software adapter (it allocates there),
// else an assumed 4 GiB; SPARSE_ATTENTION_GPU_MEMORY (GiB) overrides the estimate.
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import type { GpuAdapter } from '../../protocol/runEvents';
import type { Experiment } from '../spec/experimentSpec';
import { largestTensorBytes } from '../../protocol/trainingMemory';
import { EVALUATION_RESERVE_BYTES, memberStepBytes } from './ensembleTraining';
import { MAX_BATCH } from './groupEvaluation';
import type { WebGpuProbe } from './webgpuBackend';

/** Largest ensemble on a GPU: every (m, seed) of one context length of the paper's full protocol is 500. */
export const MAX_GPU_ENSEMBLE = 1024;
export const GPU_MEMORY_ENV = 'SPARSE_ATTENTION_GPU_MEMORY';
/** Share of the free memory an ensemble may plan for (the rest: the display, other processes, fragmentation). */
const USABLE_SHARE = 0.8;
const ASSUMED_BYTES = 4 * 2 ** 30;

/** The largest single tensor one member adds to a step, from the one estimate (src/protocol/trainingMemory.ts). */
export const memberLargestTensorBytes = (spec: Experiment): number => largestTensorBytes(spec);

export interface DeviceBudget {
  /** Bytes an ensemble's step may use in all. */
  bytes: number;
  /** Bytes one tensor (one buffer binding) may hold. */
  bindingBytes: number;
  /** Where `bytes` came from, for the user to read. */
  source: string;
}

/** Free memory of the first NVIDIA GPU in bytes, from nvidia-smi, or undefined. */
function nvidiaFreeBytes(): number | undefined {
  const r = spawnSync('nvidia-smi', ['--query-gpu=memory.free', '--format=csv,noheader,nounits'], { encoding: 'utf8', timeout: 5000 });
  const mib = Number(r.stdout?.split('\n')[0]?.trim());
  return r.status === 0 && Number.isFinite(mib) && mib > 0 ? mib * 2 ** 20 : undefined;
}

/** The device's free memory as best known, and how it was found. */
export function freeDeviceBytes(adapter: GpuAdapter, env: NodeJS.ProcessEnv = process.env): { bytes: number; source: string } {
  const set = Number(env[GPU_MEMORY_ENV]);
  if (env[GPU_MEMORY_ENV] && Number.isFinite(set) && set > 0) return { bytes: set * 2 ** 30, source: `${GPU_MEMORY_ENV}=${env[GPU_MEMORY_ENV]}` };
  if (adapter.software) return { bytes: os.freemem(), source: 'the host\'s free memory: a software adapter allocates there' };
  if (/nvidia/i.test(`${adapter.vendor} ${adapter.description}`)) {
    const free = nvidiaFreeBytes();
    if (free) return { bytes: free, source: 'nvidia-smi' };
  }
  return { bytes: ASSUMED_BYTES, source: `assumed (WebGPU does not report free memory; set ${GPU_MEMORY_ENV} in GiB)` };
}

export function deviceBudget(probe: WebGpuProbe, env: NodeJS.ProcessEnv = process.env): DeviceBudget {
  const free = freeDeviceBytes(probe.adapter, env);
  return {
    bytes: Math.floor(USABLE_SHARE * free.bytes),
    bindingBytes: Math.min(probe.limits.maxStorageBufferBindingSize, probe.limits.maxBufferSize),
    source: free.source,
  };
}

/**
 * Members whose training step keeps every batched attention product within one WebGPU dispatch
 * (groupEvaluation.ts: MAX_BATCH): a layer that attends from every row multiplies (member · sample ·
 * head) matrices in one kernel. The one-layer model attends from [CLS] only, through its token table
 * (batch member · head), which 1024 members of 16 heads keep far below the bound.
 */
function membersWithinDispatch(spec: Experiment): number {
  if (spec.model.arch !== 'transformer') return MAX_GPU_ENSEMBLE;
  const perMember = spec.model.layers > 1 ? spec.data.trainSize * spec.model.heads : spec.model.heads;
  return Math.floor(MAX_BATCH / perMember);
}

/** How many members of this spec fit the device (at least 1, at most MAX_GPU_ENSEMBLE). */
export function gpuMembersWithin(spec: Experiment, budget: DeviceBudget): number {
  const byMemory = Math.floor((budget.bytes - EVALUATION_RESERVE_BYTES) / memberStepBytes(spec));
  const byBinding = Math.floor(budget.bindingBytes / memberLargestTensorBytes(spec));
  return Math.max(1, Math.min(MAX_GPU_ENSEMBLE, byMemory, byBinding, membersWithinDispatch(spec)));
}

/** Why K members of this spec would not fit the device, or undefined when they fit. */
export function gpuMemoryProblem(spec: Experiment, K: number, budget: DeviceBudget): string | undefined {
  const fits = gpuMembersWithin(spec, budget);
  if (K <= fits) return undefined;
  return `${K} members need more than this GPU offers (at most ${fits} fit: ${Math.round(budget.bytes / 2 ** 20)} MiB usable, from ${budget.source}; one buffer at most ${Math.round(budget.bindingBytes / 2 ** 20)} MiB)`;
}
