// `sparse-attention sweep`: validates the file, runs the sweep on a pool of forked trainers, shows
// runs done / planned with an ETA (sweepProgress.ts), and prints m*(T), the fits and the verdict.
import * as path from 'node:path';
import type { BackendChoice } from '../core/train/backend';
import { readSpecFile } from '../core/spec/specProblems';
import { wrongKindProblem } from './specKind';
import { type Sweep, SweepSchema } from '../core/spec/sweepSpec';
import { TrainerCommand } from '../protocol/runEvents';
import { type ModelName, fitFormula } from '../core/sweep/scalingFits';
import { mStarText } from '../protocol/sweepTableModel';
import type { SweepEvent, SweepPoint, SweepSummary, VariantResult } from '../protocol/sweepEvents';
import { availableParallelism } from 'node:os';
import { type EnsembleChoice, capacityLine, ensembleCapacity } from './ensembleCapacity';
import { probeLine } from './gpuProbeCommand';
import { ensembleLauncher } from './ensembleLauncher';
import { MAX_ENSEMBLE } from '../core/train/ensembleTraining';
import { forkLauncher } from './forkedRun';
import { takeSweepLock } from '../store/sweepLock';
import { onParentGone, toParent } from './parentChannel';
import { type EnsemblePlan, type RunLauncher, runSweep } from './sweepRunner';
import { type QueueLauncher, queueLauncher } from './queue/queueLauncher';
import { QueueError, checkQueue, parseQueueUrl } from './queue/redisConnection';
import { livePlan, planCommand } from './planCommand';
import { sweepProgress } from './sweepProgress';

/** Runs a queue coordinator keeps enqueued at once (the workers bound what actually trains). */
const QUEUE_IN_FLIGHT = 256;

const EXIT = { ok: 0, failure: 1, invalid: 2, cancelled: 130 } as const;

const fmt = (v: number | null) => (v === null ? '–' : String(Math.round(v * 10) / 10));

function logisticText(p: SweepPoint): string {
  if (!p.logistic) return '';
  if (!p.logistic.identified) return `   logistic: not identified (${p.logistic.reason})`;
  return `   logistic ${fmt(p.logistic.mStar)} [${fmt(p.logistic.interval[0])}, ${fmt(p.logistic.interval[1])}]`;
}

function printVariant(r: VariantResult): void {
  process.stderr.write(`\n${r.label}: ${r.protocol}\n     T      m*   interval\n`);
  for (const p of r.points) {
    const refused = p.cells.find((c) => c.refused && p.incompleteAt.includes(c.m))?.refused;
    const open = p.status !== 'incomplete' ? '' : refused ? `   refused at m = ${p.incompleteAt.join(', ')}: ${refused}` : `   crashed runs at m = ${p.incompleteAt.join(', ')}`;
    process.stderr.write(`${String(p.T).padStart(6)}  ${mStarText(p).replace(' ', '').padStart(6)}   [${fmt(p.interval[0])}, ${fmt(p.interval[1])}]${logisticText(p)}${open}\n`);
  }
  if (r.fits) {
    const f = r.fits;
    const line = (m: ModelName, tag: string) =>
      `${tag}m = ${fitFormula(m, f[m])}  (R² ${f[m].r2.toFixed(3)}, AICc ${f[m].aicc.toFixed(1)})${r.best === m ? '  ← best' : ''}\n`;
    process.stderr.write(`${line('log', '  fits: log  ')}${line('linear', '        lin  ')}${line('power', '        pow  ')}  verdict: ${r.verdict}\n`);
    if (r.nextStep) process.stderr.write(`  ${r.nextStep}\n`);
  } else {
    process.stderr.write('  fits: need m* (or a lower bound) at 3 or more context lengths, 2 of them found\n');
  }
}

function printSummary(s: SweepSummary): void {
  printVariant(s);
  s.compare.forEach(printVariant);
  process.stderr.write(
    `\n${s.status}: ${s.runsExecuted} runs trained, ${s.runsReused} reused, ${s.runsFailed} failed, ${s.wallSeconds}s\n  ${s.sweepDir}\n`,
  );
}

/** The run pool's ensemble plan for `--ensemble`, or undefined for one process per run. */
async function ensemblePlan(choice: EnsembleChoice, backend: BackendChoice, cliPath: string, json: boolean): Promise<(EnsemblePlan & { close: () => void; gpu: boolean }) | undefined> {
  if (choice === 'off') return undefined;
  const capacity = await ensembleCapacity(choice, backend);
  const line = capacityLine(capacity);
  if (line && !json) process.stderr.write(`${line}\n`);
  const processes = ensembleLauncher({ cliPath, backend });
  return { launch: processes.launch, maxMembers: capacity.maxMembers, close: processes.close, gpu: !!capacity.gpu };
}

/**
 * Over a queue: ensemble jobs of at most MAX_ENSEMBLE members (or `--ensemble K`), split evenly over
 * the workers connected; each worker splits a job further by its own backend's memory bound.
 * `--ensemble off`: one job per run.
 */
function queuePlan(queue: QueueLauncher, choice: EnsembleChoice): (EnsemblePlan & { close: () => void; gpu: boolean }) | undefined {
  if (choice === 'off') return undefined;
  const cap = choice === 'auto' ? MAX_ENSEMBLE : choice;
  return { launch: queue.launchEnsemble, maxMembers: () => cap, lanes: queue.lanes, close: () => {}, gpu: false };
}

export interface SweepCommandOptions {
  out: string;
  /** Processes training at once on this machine (the CLI's `--workers`); default: 1 on a GPU, else the cores. */
  parallel?: number;
  backend: BackendChoice;
  json?: boolean;
  cliPath: string;
  launch?: RunLauncher;
  queue?: string;
  ensemble?: EnsembleChoice;
  /** `--plan`: print the plan and its estimate (planCommand.ts) and train nothing; `--recalibrate` times again. */
  plan?: boolean;
  recalibrate?: boolean;
}

/**
 * Over a queue: checks it first (a clear error, exit 2, before anything is written); then every run
 * becomes a job for the queue's workers. Undefined without --queue; a number is the exit code.
 */
async function openQueue(sweep: Sweep, opts: SweepCommandOptions): Promise<QueueLauncher | number | undefined> {
  if (!opts.queue) return undefined;
  try {
    const target = parseQueueUrl(opts.queue);
    await checkQueue(target);
    const queue = await queueLauncher(target, sweep.name, (line) => process.stderr.write(`${line}\n`));
    if (!opts.json) process.stderr.write(`sweep ${sweep.name}: runs go to the queue at ${target.label}\n`);
    return queue;
  } catch (err) {
    if (!(err instanceof QueueError)) throw err;
    process.stderr.write(`error: ${err.message}\n`);
    return EXIT.invalid;
  }
}

/** Ctrl-C, SIGTERM, the editor's stop message or its death abort the sweep; a second Ctrl-C quits now. */
function abortOnStop(): AbortController {
  const controller = new AbortController();
  const stop = () => {
    if (controller.signal.aborted) process.exit(EXIT.cancelled);
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('message', (msg) => {
    if (TrainerCommand.safeParse(msg).success) stop();
  });
  // Forked by the editor with IPC: when the editor dies the channel closes, and the sweep aborts as
  // on a stop message (which stops its runs), so no trainer outlives the editor.
  onParentGone(() => {
    if (!controller.signal.aborted) controller.abort();
  });
  return controller;
}

/**
 * `--backend webgpu` on this machine without a usable adapter: refused before anything is written
 * (as `run` refuses it), not left to every ensemble to fail and be retried as crashes. Over a queue
 * the workers' machines decide.
 */
async function webgpuRefusal(opts: SweepCommandOptions): Promise<string | undefined> {
  if (opts.backend !== 'webgpu' || opts.queue || opts.launch) return undefined;
  const answer = await probeLine({});
  return answer.usable ? undefined : `backend "webgpu" is not available: ${answer.reason}`;
}

const exitCodeOf = (s: SweepSummary): number => (s.status === 'cancelled' ? EXIT.cancelled : s.status === 'incomplete' ? EXIT.failure : EXIT.ok);

export async function sweepCommand(file: string, opts: SweepCommandOptions): Promise<number> {
  const wrongKind = wrongKindProblem(file, 'sweep');
  const parsed = wrongKind ? ({ ok: false, problems: [wrongKind] } as const) : readSpecFile(SweepSchema, file);
  if (!parsed.ok) {
    for (const p of parsed.problems) process.stderr.write(`${file}: ${p}\n`);
    return EXIT.invalid;
  }
  const sweep = parsed.value;
  const unusable = await webgpuRefusal(opts);
  if (unusable) {
    process.stderr.write(`error: ${unusable}\n`);
    return EXIT.invalid;
  }
  if (opts.recalibrate && !opts.plan) {
    process.stderr.write('error: --recalibrate times the plan\'s steps again; use it with --plan\n');
    return EXIT.invalid;
  }
  // A plan writes nothing in the sweep folder, so it needs no lock (it may run beside the sweep).
  if (opts.plan) return planCommand(sweep, { parallel: opts.parallel, backend: opts.backend, ensemble: opts.ensemble, json: opts.json, recalibrate: opts.recalibrate });
  const sweepDir = path.resolve(opts.out, sweep.name);
  // One writer per sweep folder: the lock comes before the queue and before any file of the sweep,
  // so a refused sweep has touched nothing.
  const lock = await takeSweepLock(sweepDir);
  if (!lock.ok) {
    process.stderr.write(`error: ${lock.refusal}\n`);
    return EXIT.invalid;
  }
  if (lock.tookOver) process.stderr.write(`${lock.tookOver}\n`);
  try {
    return await lockedSweep(file, sweep, sweepDir, lock.lost, opts);
  } finally {
    await lock.release();
  }
}

/** The sweep itself, run while its folder's lock is held; a lost lock stops it like Ctrl-C. */
async function lockedSweep(file: string, sweep: Sweep, sweepDir: string, lockLost: AbortSignal, opts: SweepCommandOptions): Promise<number> {
  const queue = await openQueue(sweep, opts);
  if (typeof queue === 'number') return queue;
  const controller = abortOnStop();
  lockLost.addEventListener('abort', () => {
    process.stderr.write(`error: sweep folder ${sweepDir} lost its lock (${(lockLost.reason as Error).message}); stopping, so that no two sweeps write it\n`);
    controller.abort();
  });
  const display = sweepProgress(!!opts.json);
  // With a launcher given by a test runs go one by one; locally and over a queue, as ensembles.
  const ensemble = queue ? queuePlan(queue, opts.ensemble ?? 'auto') : opts.launch ? undefined : await ensemblePlan(opts.ensemble ?? 'auto', opts.backend, opts.cliPath, !!opts.json);
  // One GPU is best fed by one process holding large ensembles; CPU cores by one process each.
  const parallel = opts.parallel ?? (ensemble?.gpu ? 1 : availableParallelism());
  try {
    const summary = await runSweep(sweep, {
      sweepDir,
      // Over a queue its workers decide how many run at once: every run the search asks for is enqueued.
      parallel: queue ? QUEUE_IN_FLIGHT : parallel,
      queueStatus: queue?.workers,
      plan: livePlan(sweep, { parallel, maxMembers: ensemble?.maxMembers ?? (() => 1) }, queue ? undefined : opts.backend),
      launch: opts.launch ?? queue?.launch ?? (ensemble ? undefined : forkLauncher({ cliPath: opts.cliPath, backend: opts.backend, specDir: path.join(sweepDir, 'specs') })),
      ensemble,
      signal: controller.signal,
      sweepFile: file,
      onEvent: (e) => {
        toParent(e);
        display.onEvent(e);
      },
    });
    display.stop();
    if (!opts.json) printSummary(summary);
    if (summary.status === 'incomplete') process.stderr.write(`incomplete: ${summary.reason}\n`);
    // A lost lock ends the sweep as a failure (exit 1), not as a cancel the user asked for.
    return lockLost.aborted ? EXIT.failure : exitCodeOf(summary);
  } catch (err) {
    display.stop();
    process.stderr.write(`error: ${(err as Error).message.split('\n')[0]}\n`);
    return EXIT.failure;
  } finally {
    ensemble?.close();
    await queue?.close();
  }
}
