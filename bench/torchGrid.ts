// A sweep's sample-complexity grid as a plain PyTorch loop over trials (bench/torch_grid.py), the
// reference a researcher would write by hand, to compare with the project's own sweep runner. The
// grid is expanded and every run's data drawn here, with the project's code (cellExperiment,
// makeDataset), so both sides train on exactly the same bits; python gets them through a temp file.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { makeDataset } from '../src/core/spec/dataset';
import { type Experiment, effectiveBatchSize } from '../src/core/spec/experimentSpec';
import { readSpecFile } from '../src/core/spec/specProblems';
import { type Sweep, SweepSchema, candidateSizes, cellExperiment } from '../src/core/spec/sweepSpec';

const REPO_ROOT = path.join(__dirname, '..');
const GRID_SCRIPT = path.join(__dirname, 'torch_grid.py');
/** The single-step speed anchor, kept outside the repository (shared between checkouts). */
const STEP_SCRIPT = path.join(REPO_ROOT, '..', 'shared', 'bench', 'torch_step.py');
const NO_TORCH = 'python3-torch is not installed (apt-get install python3-torch libopenblas0-pthread)';

export interface TorchRun {
  T: number;
  m: number;
  seedIndex: number;
  seed: number;
  steps: number;
  finalLoss: number;
  trainAccuracy: number;
  testAccuracy: number;
  succeeded: boolean;
  /** This trial's own wall time inside its worker process. */
  seconds: number;
}

export interface TorchCell {
  T: number;
  m: number;
  runs: number;
  successes: number;
}

export interface TorchGridResult {
  sweepFile: string;
  python: string;
  torchVersion: string;
  processes: number;
  /** The step-count override, or null when every run trained its own maxSteps. */
  steps: number | null;
  /** The grid inside python: worker pool start to the last result (torch import excluded). */
  wallSeconds: number;
  /** Everything on the node side: expanding the sweep, drawing the data, python start-up and import. */
  totalSeconds: number;
  runs: TorchRun[];
  cells: TorchCell[];
  /** Smallest m whose success fraction reaches sweep.successRate; a sanity check, not the project's fit. */
  mStar: { T: number; mStar: number | null }[];
}

export type Skipped = { skipped: string };

/**
 * The first interpreter that can import torch, with torch's version. Debian's python3-torch lives
 * in /usr/bin/python3, which a pyenv or venv `python3` earlier on PATH hides, so both are tried
 * (TORCH_PYTHON first, when set).
 */
export function findTorchPython(): { python: string; torchVersion: string } | undefined {
  const candidates = [process.env.TORCH_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p);
  for (const python of candidates) {
    try {
      const out = execFileSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      return { python, torchVersion: out.trim() };
    } catch {
      // not this one: no such interpreter, or no torch in it
    }
  }
  return undefined;
}

function loadSweep(file: string): Sweep {
  const parsed = readSpecFile(SweepSchema, file);
  if (!parsed.ok) throw new Error(`${file}:\n  ${parsed.problems.join('\n  ')}`);
  return parsed.value;
}

/** One run as torch_grid.py reads it; bits and labels base64 (one byte per bit, row-major n × T). */
interface GridRun {
  T: number;
  m: number;
  seedIndex: number;
  seed: number;
  nTest: number;
  model: Pick<Experiment['model'], 'layers' | 'heads' | 'dModel' | 'mlpRatio' | 'init'>;
  training: Pick<Experiment['training'], 'learningRate' | 'weightDecay' | 'maxSteps' | 'targetAccuracy'>;
  trainX: string;
  trainY: string;
  testX: string;
  testY: string;
}

const b64 = (a: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

/** One run of the main variant, refused where the python loop would not be the same experiment. */
function gridRun(spec: Experiment, seedIndex: number): GridRun {
  if (spec.model.arch !== 'transformer') throw new Error(`${spec.name}: torch_grid.py replicates the Transformer only (got arch "${spec.model.arch}")`);
  // The python loop trains full batch; minibatches would come from a different shuffle stream.
  if (effectiveBatchSize(spec) !== spec.data.trainSize) throw new Error(`${spec.name}: torch_grid.py trains full batch only (batchSize ${spec.training.batchSize})`);
  const data = makeDataset(spec);
  const { layers, heads, dModel, mlpRatio, init } = spec.model;
  const { learningRate, weightDecay, maxSteps, targetAccuracy } = spec.training;
  return {
    T: spec.task.T,
    m: spec.data.trainSize,
    seedIndex,
    seed: spec.seed,
    nTest: data.test.n,
    model: { layers, heads, dModel, mlpRatio, init },
    training: { learningRate, weightDecay, maxSteps, targetAccuracy },
    trainX: b64(data.train.x),
    trainY: b64(data.train.y),
    testX: b64(data.test.x),
    testY: b64(data.test.y),
  };
}

/**
 * Every (T, m, seed) run of variant 0 over all candidate sizes, T-major as the sweep lists them.
 * That is the whole grid whatever `search` says: with "bisect" the project runs only some cells.
 */
export function gridRuns(sweep: Sweep): GridRun[] {
  const runs: GridRun[] = [];
  for (const T of sweep.contextLengths) {
    for (const m of candidateSizes(sweep)) {
      for (let k = 0; k < sweep.seeds; k++) runs.push(gridRun(cellExperiment(sweep, { variant: 0, T, m }, k), k));
    }
  }
  return runs;
}

/** Runs a python script; resolves with its last stdout line, forwarding stderr lines to `log`. */
function runPython(python: string, args: string[], log: (s: string) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderrTail = '';
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-4000);
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line) log(`torch: ${line}`);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${path.basename(args[0])} exited with ${code}:\n${stderrTail}`));
      const lines = stdout.trim().split('\n');
      resolve(lines[lines.length - 1]);
    });
  });
}

export async function measureTorchGrid(opts: {
  sweepFile: string;
  processes?: number;
  steps?: number;
  /** Only the first N runs (quick checks of the bench itself). */
  limit?: number;
  log?: (s: string) => void;
}): Promise<TorchGridResult | Skipped> {
  const log = opts.log ?? ((s: string) => process.stderr.write(`${s}\n`));
  const torch = findTorchPython();
  if (!torch) return { skipped: NO_TORCH };
  const started = performance.now();
  const sweep = loadSweep(opts.sweepFile);
  const runs = gridRuns(sweep);
  const dir = mkdtempSync(path.join(tmpdir(), 'torch-grid-'));
  try {
    const file = path.join(dir, 'grid.json');
    writeFileSync(file, JSON.stringify({ sweep: sweep.name, successRate: sweep.successRate, runs }));
    log(`torch grid: ${runs.length} runs of ${sweep.name} exported in ${((performance.now() - started) / 1000).toFixed(1)}s; starting ${torch.python}`);
    const args = [GRID_SCRIPT, file];
    if (opts.processes !== undefined) args.push('--processes', String(opts.processes));
    if (opts.steps !== undefined) args.push('--steps', String(opts.steps));
    if (opts.limit !== undefined) args.push('--limit', String(opts.limit));
    const out = JSON.parse(await runPython(torch.python, args, log)) as Omit<TorchGridResult, 'sweepFile' | 'python' | 'steps' | 'totalSeconds'>;
    return {
      sweepFile: opts.sweepFile,
      python: torch.python,
      steps: opts.steps ?? null,
      totalSeconds: Math.round(performance.now() - started) / 1000,
      ...out,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface TorchStep {
  T: number;
  d: number;
  B: number;
  steps: number;
  threads: 1;
  msPerStep: number;
  gflops: number;
}

/**
 * ms per training step of torch_step.py's one-layer Transformer on one thread: the per-step speed
 * anchor (its model differs from the project's: one head, ReLU MLP of width 4d, no LayerNorm).
 */
export async function torchStepMs(T: number, d: number, B: number, steps: number): Promise<TorchStep | Skipped> {
  if (!existsSync(STEP_SCRIPT)) return { skipped: `${STEP_SCRIPT} is missing` };
  const torch = findTorchPython();
  if (!torch) return { skipped: NO_TORCH };
  const line = await runPython(torch.python, [STEP_SCRIPT, String(T), String(d), String(B), String(steps), '1'], () => {});
  const { msPerStep, gflops } = JSON.parse(line) as { msPerStep: number; gflops: number };
  return { T, d, B, steps, threads: 1, msPerStep, gflops };
}
