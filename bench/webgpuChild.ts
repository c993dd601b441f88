// The WebGPU benchmark's own process. Dawn finds its Vulkan loader only through LD_LIBRARY_PATH as
// the process starts, so `npm run bench` runs this file in a child with the right environment
// (webgpuSection.ts); the GPU kit runs it bundled (bench/gpu-check.sh). It prints the adapter, times
// member-steps/s on webgpu (and on wasm for comparison), optionally times sweeps through the CLI,
// writes everything to --out as JSON and, with --print, the tables to stdout.
//   --require-hardware  exit 3 (writing the reason to --out) when the adapter is a software one
//   --budget S          wall seconds per (T, K) point (default 20 on software, 120 on hardware)
//   --steps N           timed steps per point (default 3 on software, 20 on hardware)
//   --memory-gib G      ensemble memory estimate allowed (default half the free RAM on software, 16 GiB
//                       on hardware: WebGPU does not tell a device's memory)
//   --wasm-max-k K      largest K of the wasm comparison table (0: none)
//   --table-budget S    wall seconds for each table as a whole (default: none)
//   --grid FILE         a sweep to time on webgpu (repeatable; --full is the same, named for the log)
//   --grid-wasm         time each --grid on wasm as well, for m*(T) side by side
//   --workers N         --workers of those sweeps
import { writeFileSync } from 'node:fs';
import { availableParallelism, freemem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { selectBackend } from '../src/core/train/backend';
import { adapterLabel } from '../src/protocol/backendLabel';
import { CLI, timeSweep } from './sweepWallTime';
import { type SweepRun, type WebGpuBenchResult, webgpuReport } from './webgpuReport';
import { type TablePlan, measureTable } from './webgpuTable';

export const HARDWARE_MISSING_EXIT = 3;

const { values: args } = parseArgs({
  options: {
    out: { type: 'string' },
    print: { type: 'boolean', default: false },
    'require-hardware': { type: 'boolean', default: false },
    // Defaults depend on the adapter (defaultsFor): a software one gets a short budget.
    budget: { type: 'string' },
    steps: { type: 'string' },
    'memory-gib': { type: 'string' },
    ks: { type: 'string', default: '1,16,64,256,1024' },
    ts: { type: 'string', default: '40,160,500' },
    'wasm-max-k': { type: 'string', default: '64' },
    'table-budget': { type: 'string' },
    grid: { type: 'string', multiple: true, default: [] },
    full: { type: 'string', multiple: true, default: [] },
    'grid-wasm': { type: 'boolean', default: false },
    workers: { type: 'string', default: String(availableParallelism()) },
  },
});
const started = performance.now();
const log = (line: string) => process.stderr.write(`[webgpu ${((performance.now() - started) / 1000).toFixed(0).padStart(4)}s] ${line}\n`);
const list = (s: string) => s.split(',').map(Number);
const write = (result: unknown) => args.out && writeFileSync(args.out, JSON.stringify(result, null, 2) + '\n');

/** Per-point budget, timed steps and memory: a software adapter is 100× slower and shares the host's RAM. */
function defaultsFor(software: boolean): { budget: number; steps: number; memoryGiB: number } {
  return software ? { budget: 20, steps: 3, memoryGiB: freemem() / 2 ** 31 } : { budget: 120, steps: 20, memoryGiB: 16 };
}

async function timeSweeps(files: string[], backends: ('webgpu' | 'wasm')[]): Promise<SweepRun[]> {
  const workers = Number(args.workers);
  const out: SweepRun[] = [];
  for (const file of files) {
    for (const backend of backends) {
      log(`sweep ${file} --backend ${backend} --ensemble auto, ${workers} workers — minutes`);
      try {
        // timeSweep passes --backend wasm first; the later --backend wins (commander keeps the last).
        const timing = await timeSweep(file, { cli: CLI, workers, args: ['--backend', backend, '--ensemble', 'auto'], label: `${backend} ensembles ×${workers}`, log });
        log(`  ${timing.wallSeconds.toFixed(1)} s, ${timing.runsExecuted} runs, ${timing.runsFailed} failed`);
        out.push({ file, backend, workers, timing });
      } catch (err) {
        out.push({ file, backend, workers, skipped: `failed: ${(err as Error).message.split('\n')[0]}` });
      }
    }
  }
  return out;
}

async function main(): Promise<void> {
  const gpu = (await selectBackend('webgpu')).gpu!;
  log(`adapter: ${adapterLabel(gpu.adapter)}`);
  if (args['require-hardware'] && gpu.adapter.software) {
    write({ skipped: `the adapter is ${adapterLabel(gpu.adapter)}` });
    process.exit(HARDWARE_MISSING_EXIT);
  }
  const d = defaultsFor(gpu.adapter.software);
  const plan: TablePlan = {
    Ts: list(args.ts!),
    Ks: list(args.ks!),
    steps: Number(args.steps ?? d.steps),
    budgetSeconds: Number(args.budget ?? d.budget),
    memoryBytes: Number(args['memory-gib'] ?? d.memoryGiB) * 2 ** 30,
    maxTensorBytes: Math.min(gpu.limits.maxBufferSize, gpu.limits.maxStorageBufferBindingSize),
    ...(args['table-budget'] ? { totalSeconds: Number(args['table-budget']) } : {}),
  };
  const webgpu = await measureTable('webgpu', plan, log);
  const wasmMaxK = Number(args['wasm-max-k']);
  let wasm: WebGpuBenchResult['wasm'] = [];
  if (wasmMaxK > 0) {
    await selectBackend('wasm');
    // WASM's heap is 2 GiB and the sweep gives an ensemble half (sweepCommand.ts).
    wasm = await measureTable('wasm', { ...plan, Ks: plan.Ks.filter((K) => K <= wasmMaxK), maxTensorBytes: undefined, memoryBytes: 2 ** 30 }, log);
  }
  const sweeps = [...(await timeSweeps(args.grid!, args['grid-wasm'] ? ['webgpu', 'wasm'] : ['webgpu'])), ...(await timeSweeps(args.full!, ['webgpu']))];
  const icd = process.env.VK_ICD_FILENAMES || process.env.VK_DRIVER_FILES;
  const result: WebGpuBenchResult = { adapter: gpu.adapter, limits: gpu.limits, ...(icd ? { icd } : {}), plan, webgpu, wasm, sweeps, totalSeconds: (performance.now() - started) / 1000 };
  write(result);
  if (args.print) process.stdout.write(webgpuReport(result) + '\n');
}

main().catch((err) => {
  const reason = (err as Error).message.split('\n')[0];
  write({ skipped: reason });
  // Looking for a hardware adapter, the parent reports the reason itself as it falls back.
  if (!args['require-hardware']) process.stderr.write(`webgpu bench: ${reason}\n`);
  process.exit(2);
});
