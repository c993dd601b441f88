// The WebGPU section of `npm run bench`. It runs in a child process (webgpuChild.ts) because Dawn
// finds the Vulkan loader only through LD_LIBRARY_PATH as a process starts. First with this
// process's environment, asking for a hardware adapter; when there is none, on SwiftShader (the
// Vulkan-on-the-CPU that Debian's chromium package ships) with the software allowance, where the
// figures are correctness checks, never GPU figures, and the sweeps run only when asked for.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ALLOW_SOFTWARE_ENV } from '../src/core/train/webgpuBackend';
import { CLI, type SweepTiming, bundleProblem } from './sweepWallTime';
import { type WebGpuBenchResult, webgpuReport } from './webgpuReport';

export const SWIFTSHADER_DIR = '/usr/lib/chromium';
export const SWIFTSHADER_ICD = path.join(SWIFTSHADER_DIR, 'vk_swiftshader_icd.json');

export interface WebGpuOptions {
  /** Per-point budget in seconds (default: the child's, by adapter). */
  budget?: number;
  /** Sweeps to time on a hardware adapter (and on SwiftShader only with `onSoftware`). */
  grids: string[];
  /** The full protocol: timed on hardware only when asked for, never on SwiftShader. */
  full?: string;
  /** Time the sweeps on SwiftShader too (hours for the paper's grid). */
  gridsOnSoftware: boolean;
  /** Time each grid on wasm as well (when the main bench did not). */
  gridWasm: boolean;
  quick: boolean;
  log: (line: string) => void;
}

export type WebGpuSectionResult = WebGpuBenchResult | { skipped: string };

function runChild(args: string[], env: NodeJS.ProcessEnv, out: string): Promise<{ code: number | null; result?: WebGpuSectionResult }> {
  rmSync(out, { force: true });
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'webgpuChild.ts'), '--out', out, ...args], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, result: existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : undefined }));
  });
}

function childArgs(opts: WebGpuOptions, software: boolean): string[] {
  const args: string[] = [];
  if (opts.budget !== undefined) args.push('--budget', String(opts.budget));
  if (opts.quick) args.push('--steps', software ? '1' : '5');
  if (!software || opts.gridsOnSoftware) {
    for (const g of opts.grids) args.push('--grid', g);
    if (opts.gridWasm && opts.grids.length > 0) args.push('--grid-wasm');
  }
  if (opts.full && !software) args.push('--full', opts.full);
  return args;
}

/** The adapter, member-steps/s against K and T, and the sweeps' wall times, or why none ran. */
export async function webgpuSection(opts: WebGpuOptions): Promise<WebGpuSectionResult> {
  const tmp = path.join('bench-results', 'tmp');
  mkdirSync(tmp, { recursive: true });
  const out = path.join(tmp, 'webgpu-child.json');
  // The sweeps run the bundled CLI: a stale bundle would time old code.
  const problem = opts.grids.length > 0 || opts.full ? bundleProblem(CLI) : undefined;
  if (problem) {
    opts.log(`webgpu: sweeps skipped: ${problem}`);
    opts = { ...opts, grids: [], full: undefined };
  }
  opts.log('webgpu: looking for a hardware adapter');
  const hw = await runChild(['--require-hardware', ...childArgs(opts, false)], process.env, out);
  if (hw.code === 0 && hw.result) return hw.result;
  const why = hw.result && 'skipped' in hw.result ? hw.result.skipped : `the child exited with ${hw.code}`;
  if (!existsSync(SWIFTSHADER_ICD)) return { skipped: `no hardware adapter (${why}) and no SwiftShader at ${SWIFTSHADER_ICD} (Debian: apt-get install chromium)` };
  opts.log(`webgpu: no hardware adapter (${why}); on SwiftShader instead — NOT GPU figures`);
  const env = {
    ...process.env,
    LD_LIBRARY_PATH: [SWIFTSHADER_DIR, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
    VK_ICD_FILENAMES: SWIFTSHADER_ICD,
    [ALLOW_SOFTWARE_ENV]: '1',
  };
  const sw = await runChild(childArgs(opts, true), env, out);
  if (sw.result) return sw.result;
  return { skipped: `on SwiftShader the child exited with ${sw.code}` };
}

/** `npm run bench -- --webgpu-only`: this section alone, printed and saved as bench-results/webgpu-*.json. */
export async function webgpuOnly(opts: WebGpuOptions, started: number): Promise<void> {
  const result = await webgpuSection(opts);
  process.stdout.write(`# Sparse Attention Lab benchmark: WebGPU only${opts.quick ? ' (--quick)' : ''}\n\n${webgpuReport(result)}\n`);
  saveWebGpu(result, opts, started);
}

export function saveWebGpu(result: WebGpuSectionResult, opts: WebGpuOptions, started: number): string {
  const date = new Date();
  const json = JSON.stringify({ date: date.toISOString(), options: { ...opts, log: undefined }, totalSeconds: (Date.now() - started) / 1000, webgpu: result }, null, 2) + '\n';
  mkdirSync('bench-results', { recursive: true });
  const file = path.join('bench-results', `webgpu-${date.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, json);
  writeFileSync(path.join('bench-results', 'webgpu-latest.json'), json);
  opts.log(`wrote ${file} and bench-results/webgpu-latest.json`);
  return file;
}

/** The section's text in the full report, with the main bench's WASM grid (ensembles) for m*(T). */
export const webgpuSectionText = (r: WebGpuSectionResult, wasmGrid?: SweepTiming & { file: string }) => webgpuReport(r, wasmGrid);
