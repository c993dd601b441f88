// What the WebGPU benchmark found, as data (the child process writes it as JSON) and as text
// (the same tables whether printed by `npm run bench` or by the GPU kit's script).
import type { GpuAdapter } from '../src/protocol/runEvents';
import type { SweepTiming } from './sweepWallTime';
import { f1, table } from './table';
import type { TablePlan, TableRow } from './webgpuTable';

export interface SweepRun {
  file: string;
  backend: 'webgpu' | 'wasm';
  workers: number;
  timing?: SweepTiming;
  /** Why it did not run, or how it failed. */
  skipped?: string;
}

export interface WebGpuBenchResult {
  adapter: GpuAdapter;
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number };
  /** The Vulkan driver the child ran on (VK_ICD_FILENAMES), when one was named. */
  icd?: string;
  plan: TablePlan;
  webgpu: TableRow[];
  wasm: TableRow[];
  sweeps: SweepRun[];
  totalSeconds: number;
}

const NOT_GPU = 'SOFTWARE ADAPTER: these are NOT GPU figures (WebGPU on the CPU through SwiftShader; correctness only)';

function memberStepsTable(rows: TableRow[]): string {
  return table(
    ['backend', 'T', 'K', 'ms/step', 'member-steps/s', 'timed steps', 'first step s', 'point s'],
    rows.map((r) =>
      'skipped' in r
        ? [r.backend, r.T, r.K, '–', '–', '–', '–', `skipped: ${r.skipped}`]
        : [r.backend, r.T, r.K, f1(r.msPerStep), f1(r.memberStepsPerSec), r.timedSteps, f1(r.firstStepSeconds), f1(r.pointSeconds)],
    ),
  );
}

const mStarOf = (t: SweepTiming) => t.mStar.map((p) => `${p.T}:${p.mStar === null ? '–' : f1(p.mStar)}`).join(' ');

/** The sweeps' wall times and m*(T); `wasmGrid` is the main bench's WASM timing of the same grid, if any. */
function sweepLines(sweeps: SweepRun[], wasmGrid?: SweepTiming & { file: string }): string[] {
  const all = [...sweeps];
  if (wasmGrid && !sweeps.some((s) => s.backend === 'wasm' && s.file === wasmGrid.file)) {
    all.push({ file: wasmGrid.file, backend: 'wasm', workers: wasmGrid.workers, timing: wasmGrid });
  }
  if (all.length === 0) return ['sweeps: none timed in this process (npm run bench times the grid on a hardware adapter, on SwiftShader only with --webgpu-grid)'];
  const out = [
    table(
      ['sweep', 'backend', 'workers', 'wall s', 'runs', 'failed', 'm*(T)'],
      all.map((s) =>
        s.timing
          ? [s.file, s.backend, s.workers, f1(s.timing.wallSeconds), s.timing.runsExecuted, s.timing.runsFailed, mStarOf(s.timing)]
          : [s.file, s.backend, s.workers, '–', '–', '–', `skipped: ${s.skipped}`],
      ),
    ),
  ];
  for (const s of all.filter((x) => x.backend === 'webgpu' && x.timing)) {
    const w = all.find((x) => x.backend === 'wasm' && x.file === s.file && x.timing);
    if (w) out.push(`same m*(T) on webgpu and wasm (${s.file}): ${mStarOf(s.timing!) === mStarOf(w.timing!) ? 'yes' : 'NO'}`);
  }
  return out;
}

export function webgpuReport(r: WebGpuBenchResult | { skipped: string }, wasmGrid?: SweepTiming & { file: string }): string {
  if ('skipped' in r) return `skipped: ${r.skipped}`;
  const a = r.adapter;
  const out = [
    `adapter: ${a.description || '(no description)'} — vendor ${a.vendor || '?'}, architecture ${a.architecture || '?'}${a.software ? ', software' : ''}`,
    `limits: maxBufferSize ${(r.limits.maxBufferSize / 2 ** 30).toFixed(2)} GiB, maxStorageBufferBindingSize ${(r.limits.maxStorageBufferBindingSize / 2 ** 30).toFixed(2)} GiB`,
  ];
  if (a.software) out.push(NOT_GPU);
  out.push(
    `model: the paper's (1 layer, tabulated, 16 heads, d = 64, mlpRatio 1, full batch m = 80, AdamW); ` +
      `per point: 1 untimed step, then up to ${r.plan.steps} timed; budget ${r.plan.budgetSeconds} s a point`,
    '',
    memberStepsTable([...r.webgpu, ...r.wasm]),
    '',
    ...sweepLines(r.sweeps, wasmGrid),
  );
  if (a.software) out.push(NOT_GPU);
  return out.join('\n');
}
