// `sparse-attention worker --queue <url>`: a long-lived process that takes jobs from the queue and
// trains them with the same code as a local sweep: a "run" job in a forked trainer, an "ensemble" job
// (ensembleJob.ts) on a long-lived ensemble process per job slot, its members written back as each
// finishes. A worker killed mid-job leaves a job whose lock expires; BullMQ's stalled-job check then
// gives it to another worker (which keeps an ensemble's finished members).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { BackendChoice } from '../../core/train/backend';
import { ADAPTER_ENV } from '../../core/train/webgpuBackend';
import { type Experiment, ExperimentSchema } from '../../core/spec/experimentSpec';
import { type EnsembleJobResult, QUEUE_NAME, QUEUE_PREFIX, RunJobData, type RunJobResult } from '../../protocol/queueMessages';
import { type EnsembleCapacity, ensembleCapacity } from '../ensembleCapacity';
import { ensembleLauncher } from '../ensembleLauncher';
import type { EnsembleLaunch } from '../runPool';
import { trainEnsembleJob } from './ensembleJob';
import { readRunText } from '../../store/runFolder';
import { forkLauncher } from '../forkedRun';
import { QueueError, type QueueTarget, checkQueue, explain, parseQueueUrl } from './redisConnection';
import { workerName } from './workerNames';

const EXIT = { ok: 0, failure: 1, invalid: 2, cancelled: 130 } as const;

/** NVIDIA GPUs visible to this machine (0 without a driver). */
function gpuCount(): number {
  try {
    return execFileSync('nvidia-smi', ['-L'], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')
      .filter((l) => /^GPU \d+/.test(l)).length;
  } catch {
    return 0;
  }
}

export interface WorkerOptions {
  queue: string;
  concurrency?: number;
  backend: BackendChoice;
  cliPath: string;
  /** How long a job's lock lasts without renewal: a dead worker's job goes to another after this. */
  lockSeconds: number;
}

type Log = (line: string) => void;

/** The queue's address checked and reachable, or the exit code after a one-line error. */
async function connect(opts: WorkerOptions): Promise<QueueTarget | number> {
  try {
    const target = parseQueueUrl(opts.queue);
    await checkQueue(target);
    return target;
  } catch (err) {
    if (!(err instanceof QueueError)) throw err;
    process.stderr.write(`error: ${err.message}\n`);
    return EXIT.invalid;
  }
}

/** The job's data and experiment validated; a malformed job fails for good (never retried). */
function validJob(job: Job, log: Log): { data: RunJobData; spec: Experiment } {
  const data = RunJobData.safeParse(job.data);
  const spec = data.success ? ExperimentSchema.safeParse(data.data.spec) : undefined;
  if (!data.success || !spec?.success) {
    const issues = data.success ? spec!.error!.issues : data.error.issues;
    const why = issues.map((i) => `${i.path.join('.') || 'data'}: ${i.message}`).slice(0, 3).join('; ');
    log(`job ${job.id}: malformed job data (${why}); failed, not retried`);
    throw new UnrecoverableError(`malformed job data: ${why}`);
  }
  return { data: data.data, spec: spec.data };
}

/** Jobs this worker is training now (a stop waits for them, and only for them). */
interface Training {
  active: number;
  onIdle?: () => void;
  /** Lets the slots' ensemble processes exit when the worker stops. */
  closeEnsembles?: () => void;
}

/** The environment of a trainer in `slot`: on GPUs, pinned to one and allowed to grow its memory. */
const slotEnv = (gpus: number, slot: number): NodeJS.ProcessEnv =>
  gpus > 0 ? { ...process.env, CUDA_VISIBLE_DEVICES: String(slot % gpus), TF_FORCE_GPU_ALLOW_GROWTH: 'true' } : process.env;

/** One long-lived ensemble process per job slot, each pinned like a single run in that slot. */
function slotEnsembles(opts: WorkerOptions, gpus: number, concurrency: number) {
  const launchers = Array.from({ length: concurrency }, (_, slot) => ensembleLauncher({ cliPath: opts.cliPath, backend: opts.backend, env: () => slotEnv(gpus, slot) }));
  return { launch: (slot: number): EnsembleLaunch => launchers[slot].launch, close: () => launchers.forEach((l) => l.close()) };
}

/**
 * Trains each job in a scratch folder: a "run" job in a forked trainer, an "ensemble" job on the
 * slot's ensemble process (ensembleJob.ts); returns the files.
 */
function jobProcessor(opts: WorkerOptions, gpus: number, concurrency: number, ctx: { log: Log; training: Training; name: string; capacity: EnsembleCapacity }) {
  const { log, training } = ctx;
  const freeSlots = Array.from({ length: concurrency }, (_, i) => i);
  const ensembles = slotEnsembles(opts, gpus, concurrency);
  training.closeEnsembles = ensembles.close;
  return async (job: Job): Promise<RunJobResult | EnsembleJobResult> => {
    training.active++;
    try {
      if (job.name !== 'ensemble') return await trainJob(job, opts, { gpus, freeSlots, log });
      const slot = freeSlots.shift() ?? 0;
      try {
        return await trainEnsembleJob(job, { launch: ensembles.launch(slot), maxMembers: ctx.capacity.maxMembers, worker: ctx.name, log });
      } finally {
        freeSlots.push(slot);
      }
    } finally {
      if (--training.active === 0) training.onIdle?.();
    }
  };
}

/** One job: its run trained by a forked trainer in a scratch folder, its files returned to the queue. */
async function trainJob(job: Job, opts: WorkerOptions, ctx: { gpus: number; freeSlots: number[]; log: Log }): Promise<RunJobResult> {
  const { gpus, freeSlots, log } = ctx;
  const { data, spec } = validJob(job, log);
  const slot = freeSlots.shift() ?? 0;
  const dir = mkdtempSync(path.join(tmpdir(), 'sa-worker-'));
  const started = Date.now();
  try {
    const env = slotEnv(gpus, slot);
    const launch = forkLauncher({ cliPath: opts.cliPath, backend: opts.backend, specDir: path.join(dir, 'specs'), env: () => env });
    const runId = data.runId;
    const result = await launch({ spec, runId, out: path.join(dir, 'runs') }, new AbortController().signal);
    if (!result.ok) throw new Error(result.reason);
    const runDir = path.join(dir, 'runs', runId);
    log(`${runId} (${data.sweep}) ${result.summary.status} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return {
      runId,
      summary: result.summary,
      ...readRunText(runDir),
      host: hostname(),
    };
  } finally {
    freeSlots.push(slot);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** After the last run ends, how long closing the queue connection may take (Redis may be gone). */
const CLOSE_GRACE_MS = 3000;

/**
 * Resolves once Ctrl-C (or SIGTERM) has let the current runs finish; a second one quits now. Once no
 * run is left, closing the connection gets CLOSE_GRACE_MS: with Redis gone, BullMQ's close waits on
 * a connection that keeps reconnecting, and a stopped worker must not hang on it.
 */
function untilStopped(worker: Worker, training: Training, log: Log): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = () => {
      if (stopping) process.exit(EXIT.cancelled); // jobs left active are handed to another worker once their lock expires
      stopping = true;
      log(training.active ? 'finishing the current runs (Ctrl-C again to quit now)' : 'stopping');
      const graceAfterIdle = () =>
        setTimeout(() => {
          log('the queue did not answer while closing; quitting without it');
          resolve(EXIT.ok);
        }, CLOSE_GRACE_MS).unref();
      if (training.active) training.onIdle = graceAfterIdle;
      else graceAfterIdle();
      void worker.close().then(() => {
        training.closeEnsembles?.();
        resolve(EXIT.ok);
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export async function workerCommand(opts: WorkerOptions): Promise<number> {
  const log: Log = (line) => process.stderr.write(`[worker] ${line}\n`);
  const target = await connect(opts);
  if (typeof target === 'number') return target;
  // On a native GPU backend: one run per GPU, each trainer pinned to its own and allowed to grow its
  // memory (TensorFlow otherwise takes nearly all of every GPU it sees in each process).
  const gpus = opts.backend === 'tensorflow-gpu' || opts.backend === 'auto' ? gpuCount() : 0;
  // On WebGPU: one run at a time on the one adapter (--adapter picks it), not one per CPU core.
  const concurrency = opts.concurrency ?? (gpus > 0 ? gpus : opts.backend === 'webgpu' ? 1 : availableParallelism());
  const name = `${hostname()}:${process.pid}`;
  const training: Training = { active: 0 };
  // This worker's own memory bound on one ensemble: it splits a larger ensemble job into chunks.
  const capacity = await ensembleCapacity('auto', opts.backend);
  const worker = new Worker(QUEUE_NAME, jobProcessor(opts, gpus, concurrency, { log, training, name, capacity }), {
    connection: target.options,
    prefix: QUEUE_PREFIX,
    concurrency,
    // host:pid:slotsN: the coordinator splits a group over the slots of every worker (workerNames.ts).
    name: workerName(hostname(), process.pid, concurrency),
    lockDuration: opts.lockSeconds * 1000,
    stalledInterval: opts.lockSeconds * 1000,
    maxStalledCount: 2,
  });
  worker.on('error', (err) => log(explain(target, err)));
  worker.on('failed', (job, err) => job && !(err instanceof UnrecoverableError) && log(`job ${job.id} failed: ${err.message}`));
  await worker.waitUntilReady();
  log(`${name} taking runs from ${target.label} (${concurrency} at a time${gpus ? `, ${gpus} GPU${gpus > 1 ? 's' : ''}` : ''}, backend ${opts.backend}${process.env[ADAPTER_ENV] ? `, adapter ${process.env[ADAPTER_ENV]}` : ''}); Ctrl-C finishes the current runs, twice quits now`);
  return untilStopped(worker, training, log);
}
