// How a run's backend and GPU adapter read wherever they are shown: the panel's facts, the runs
// table, the HTML report, the CLI's start line and summary, the extension's log and a sweep cell's
// hosts. One wording, so "which GPU did this run use" reads the same everywhere. A run without an
// adapter (every backend but webgpu, and every recording older than the adapter field) reads as its
// backend's name alone, exactly as before. Pure.
import type { GpuAdapter, StartedEvent } from './runEvents';

/** Said after a software adapter's label where a run's figures (wall time) are shown beside it. */
export const SOFTWARE_NOTE = 'not a GPU figure';

/**
 * The adapter alone: "nvidia-h200 (nvidia, hopper)", "SwiftShader driver 5.0.0 (software)".
 * A GPU is named by its device: Dawn's description there is only the driver and its version. A
 * software renderer is named by its driver, which is what it is (SwiftShader, llvmpipe).
 */
export function adapterLabel(a: GpuAdapter): string {
  const maker = [a.vendor, a.architecture].filter(Boolean);
  const named = a.software ? a.description || a.device : a.device || a.description;
  const name = named || maker.join(' ') || 'unnamed adapter';
  const details = a.software ? 'software' : named ? maker.join(', ') : '';
  return details ? `${name} (${details})` : name;
}

/** "webgpu · nvidia-h200 (nvidia, hopper)", "webgpu · SwiftShader driver 5.0.0 (software)", "wasm". */
export function backendLabel(backend: string, adapter?: GpuAdapter): string {
  return adapter ? `${backend} · ${adapterLabel(adapter)}` : backend;
}

/** The label, and on a software adapter a warning that the run's times say nothing of a GPU. */
export function backendFact(backend: string, adapter?: GpuAdapter): string {
  return `${backendLabel(backend, adapter)}${adapter?.software ? ` — ${SOFTWARE_NOTE}` : ''}`;
}

/** The line a run starts with (the CLI's stderr, the extension's log): the backend, and why faster ones were passed over. */
export function backendStartLine(e: Pick<StartedEvent, 'backend' | 'backendSkipped' | 'adapter'>): string {
  return `backend: ${backendLabel(e.backend, e.adapter)}${e.backendSkipped.length ? ` (skipped: ${e.backendSkipped.join('; ')})` : ''}`;
}

/**
 * A queue worker's machine with what it trained on, "gpu-box-1 · webgpu · nvidia-h200 (nvidia,
 * hopper)", as a sweep cell lists its hosts; undefined for a run no queue worker trained.
 */
export function hostLabel(run: { host?: string; backend: string; adapter?: GpuAdapter }): string | undefined {
  return run.host ? `${run.host} · ${backendLabel(run.backend, run.adapter)}` : undefined;
}
