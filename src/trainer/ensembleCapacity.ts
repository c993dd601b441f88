// How many members the sweep puts in one ensemble, decided before any process starts. On WASM/CPU
// the bound is the addressable heap (and MAX_ENSEMBLE, beyond which the per-member gain is small);
// on WebGPU it is the device's (gpuMemory.ts: buffer limits and free memory) and up to
// MAX_GPU_ENSEMBLE members share one kernel per product, so one process holds every (m, seed) of a
// context length. The sweep process probes the adapter itself (cheap: no tfjs is started).
import type { BackendChoice } from '../core/train/backend';
import { MAX_ENSEMBLE, membersWithin } from '../core/train/ensembleTraining';
import { type DeviceBudget, deviceBudget, gpuMembersWithin } from '../core/train/gpuMemory';
import { resolveOptional } from '../core/train/optionalPackages';
import { type WebGpuProbe, probeWebGpu, softwareAllowed } from '../core/train/webgpuBackend';
import type { Experiment } from '../core/spec/experimentSpec';
import { adapterLabel } from '../protocol/backendLabel';
import type { GpuAdapter } from '../protocol/runEvents';
import { BACKEND_MEMORY_LIMIT } from './runExperiment';

/** `--ensemble`: members from the memory estimate, a fixed count, or one process per run. */
export type EnsembleChoice = 'auto' | 'off' | number;

export interface EnsembleCapacity {
  /** Members one ensemble of this spec may hold. */
  maxMembers: (spec: Experiment) => number;
  /** Set when the ensembles will train on a WebGPU adapter. */
  gpu?: { adapter: GpuAdapter; budget: DeviceBudget };
}

/** Memory an ensemble process may give one ensemble's training step: half the backend's addressable heap. */
function heapBudget(backend: BackendChoice): number {
  const limit = backend === 'cpu' ? BACKEND_MEMORY_LIMIT.cpu! : backend === 'tensorflow' ? 8 * 2 ** 30 : BACKEND_MEMORY_LIMIT.wasm!;
  return limit / 2;
}

/**
 * The adapter the ensembles will use, when they will use WebGPU: asked for by name (a software one
 * with the allowance), or under `auto` a hardware one when no tfjs-node-gpu is installed (it comes first).
 */
async function webgpuTarget(backend: BackendChoice, probe: Prober): Promise<{ adapter: GpuAdapter; budget: DeviceBudget } | undefined> {
  if (backend !== 'webgpu' && backend !== 'auto') return undefined;
  if (backend === 'auto' && !('why' in resolveOptional('@tensorflow/tfjs-node-gpu'))) return undefined;
  try {
    const found = await probe();
    if (found.adapter.software && !(backend === 'webgpu' && softwareAllowed())) return undefined;
    return { adapter: found.adapter, budget: deviceBudget(found) };
  } catch {
    return undefined; // the ensemble process says why when it starts
  }
}

/** The adapter probe (a test passes its own). */
type Prober = () => Promise<WebGpuProbe>;

export async function ensembleCapacity(choice: Exclude<EnsembleChoice, 'off'>, backend: BackendChoice, probe: Prober = probeWebGpu): Promise<EnsembleCapacity> {
  const gpu = await webgpuTarget(backend, probe);
  if (gpu) {
    return { gpu, maxMembers: (spec) => (choice === 'auto' ? gpuMembersWithin(spec, gpu.budget) : choice) };
  }
  const budget = heapBudget(backend);
  return { maxMembers: (spec) => Math.min(choice === 'auto' ? MAX_ENSEMBLE : choice, membersWithin(spec, budget)) };
}

/** One line for the user: where the ensembles train and how large they may be. */
export function capacityLine(c: EnsembleCapacity): string | undefined {
  if (!c.gpu) return undefined;
  const { adapter, budget } = c.gpu;
  return `ensembles on WebGPU · ${adapterLabel(adapter)}: ${Math.round(budget.bytes / 2 ** 20)} MiB usable (from ${budget.source}), one buffer ≤ ${Math.round(budget.bindingBytes / 2 ** 20)} MiB`;
}
