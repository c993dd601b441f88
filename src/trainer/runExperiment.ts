// Glue from validated specs to finished runs on disk: picks the backend, draws each run's data,
// trains them together as one ensemble (a single run is an ensemble of one), and sends every event
// both to the run's events.jsonl and to the caller (stdout, IPC, a sweep). Each member's
// summary.json is written the moment it ends, so a kill keeps the members that had finished.
import * as tf from '@tensorflow/tfjs-core';
import { type BackendChoice, type BackendName, BackendUnavailable, adapterOf, selectBackend } from '../core/train/backend';
import { type Dataset, makeDataset } from '../core/spec/dataset';
import { UnmetTrainingSetRule } from '../core/spec/trainingSetRule';
import { trainEnsemble } from '../core/train/ensembleTraining';
import { deviceBudget, gpuMemoryProblem } from '../core/train/gpuMemory';
import { type Experiment, estimateTrainingMemoryBytes, formatBytes } from '../core/spec/experimentSpec';
import type { TrainResult } from '../core/train/training';
import type { RunEvent, RunSummary } from '../protocol/runEvents';
import { RunFiles } from '../store/runFolder';
import { newRunId } from '../store/runId';

/** Bad input found only once the backend is known: exit code 2, nothing written. */
export class InputError extends Error {}

/** WASM memory is 32-bit addressed; leave room for the heap's own growth. */
export const BACKEND_MEMORY_LIMIT: Partial<Record<BackendName, number>> = { wasm: 2 * 2 ** 30, cpu: 8 * 2 ** 30 };

export interface RunOptions {
  out: string;
  backend: BackendChoice;
  runId?: string;
  /** The experiment file the run was started from, recorded in trainer.json (the editor's tree groups by it). */
  experimentFile?: string;
  onEvent?: (e: RunEvent) => void;
  onStep?: (step: number, loss: number) => void;
  shouldStop?: () => boolean;
}

export interface EnsembleRunOptions {
  out: string;
  backend: BackendChoice;
  /** One run id per spec. */
  runIds: string[];
  experimentFile?: string;
  onEvent?: (member: number, e: RunEvent) => void;
  onStep?: (member: number, step: number, loss: number) => void;
  shouldStop?: () => boolean;
}

type SummaryFields = Pick<RunSummary, 'status' | 'steps' | 'parameterCount' | 'testAccuracy' | 'trainAccuracy' | 'attentionOnRelevant'> & { error?: string };
type Backend = Awaited<ReturnType<typeof selectBackend>>;
type TrainingMember = Parameters<typeof trainEnsemble>[0][number];

/** One member's run folder, data and what it last reported (its summary if it fails mid-way). */
interface MemberRun {
  spec: Experiment;
  data: ReturnType<typeof makeDataset>;
  files: RunFiles;
  summary?: RunSummary;
  last: Omit<SummaryFields, 'status' | 'error'>;
}

/** Refuses, before anything is written, an ensemble whose training step would not fit the backend's memory. */
function checkMemory(specs: Experiment[], backend: Backend): void {
  if (backend.gpu) {
    // On a GPU the device bounds the whole ensemble: its free memory and its largest buffer.
    const problem = gpuMemoryProblem(specs[0], specs.length, deviceBudget(backend.gpu));
    if (problem) throw new InputError(`--ensemble: ${problem}; use fewer members (--ensemble auto picks them)`);
    return;
  }
  const limit = BACKEND_MEMORY_LIMIT[backend.name];
  const need = Math.max(...specs.map((s) => estimateTrainingMemoryBytes(s)));
  if (limit !== undefined && need > limit) {
    throw new InputError(
      `task.T: one training step would need about ${formatBytes(need)}, more than the ${backend.name} backend's ` +
        `${formatBytes(limit)}; reduce task.T, model.layers, model.heads or training.batchSize, or use a native backend`,
    );
  }
}

/** A member's data; a training-set rule its input cannot meet is a refusal (exit 2, no retry), not a crash. */
function drawData(spec: Experiment): Dataset {
  try {
    return makeDataset(spec);
  } catch (err) {
    if (err instanceof UnmetTrainingSetRule) throw new InputError(err.message);
    throw err;
  }
}

/** Draws each member's data and creates its run folder. */
function openMembers(specs: Experiment[], opts: EnsembleRunOptions): MemberRun[] {
  return specs.map((spec, i) => {
    const data = drawData(spec);
    const files = new RunFiles(opts.out, opts.runIds[i]);
    files.create(spec, { experimentFile: opts.experimentFile });
    return { spec, data, files, last: { steps: 0, parameterCount: 0, testAccuracy: null, trainAccuracy: null, attentionOnRelevant: null } };
  });
}

/** Writes events to the members' folders and the caller, and closes each member with its summary. */
function memberOutput(runs: MemberRun[], opts: EnsembleRunOptions, backend: Backend, started: number) {
  const emit = (i: number, e: RunEvent) => {
    runs[i].files.append(e);
    opts.onEvent?.(i, e);
  };
  const close = (i: number, fields: SummaryFields) => {
    const run = runs[i];
    run.summary = {
      type: 'summary',
      runId: run.files.runId,
      ...fields,
      backend: backend.name,
      adapter: adapterOf(backend),
      wallSeconds: Math.round((Date.now() - started) / 10) / 100,
      runDir: run.files.dir,
    };
    run.files.writeSummary(run.summary);
    if (fields.status === 'failed') emit(i, { type: 'failed', message: fields.error ?? 'failed' });
    else emit(i, { type: 'finished', summary: run.summary });
  };
  return { emit, close };
}

/** The training loop's view of member i: its spec and data, and hooks that record and emit what it reports. */
function trainingMember(run: MemberRun, i: number, out: ReturnType<typeof memberOutput>, ctx: { backend: Backend; started: number; onStep?: EnsembleRunOptions['onStep'] }): TrainingMember {
  const { backend, started, onStep } = ctx;
  return {
    spec: run.spec,
    data: run.data,
    hooks: {
      onReady: ({ parameterCount }) => {
        run.last.parameterCount = parameterCount;
        out.emit(i, {
          type: 'started',
          runId: run.files.runId,
          time: new Date(started).toISOString(),
          backend: backend.name,
          backendSkipped: backend.skipped,
          adapter: adapterOf(backend),
          spec: run.spec,
          relevant: run.data.target.relevant,
          inputBias: run.data.inputBias,
          parameterCount,
        });
      },
      onMetrics: (e) => {
        run.last = { ...run.last, steps: e.step, testAccuracy: e.testAccuracy, trainAccuracy: e.trainAccuracy, attentionOnRelevant: e.attentionOnRelevant };
        out.emit(i, e);
      },
      onAttention: (e) => out.emit(i, e),
      onStep: onStep && ((step, loss) => onStep(i, step, loss)),
    },
    onFinished: (result: TrainResult) => out.close(i, result),
  };
}

/** Trains the specs as one ensemble (same T, model and training settings; ensembleKey). */
export async function runEnsemble(specs: Experiment[], opts: EnsembleRunOptions): Promise<RunSummary[]> {
  const backend = await selectBackend(opts.backend).catch((err) => {
    // Asked for by name and not here: the user's input, refused before any folder is written.
    throw err instanceof BackendUnavailable ? new InputError(err.message) : err;
  });
  checkMemory(specs, backend);
  const started = Date.now();
  const runs = openMembers(specs, opts);
  const out = memberOutput(runs, opts, backend, started);
  try {
    await trainEnsemble(
      runs.map((run, i) => trainingMember(run, i, out, { backend, started, onStep: opts.onStep })),
      { shouldStop: opts.shouldStop },
    );
    return runs.map((r) => r.summary!);
  } catch (err) {
    // The members still training fail together; the finished ones keep their summaries.
    const message = (err as Error).message.split('\n')[0];
    runs.forEach((run, i) => run.summary || out.close(i, { status: 'failed', ...run.last, error: message }));
    throw err;
  } finally {
    // Leave nothing behind for the next ensemble in the same process (ensemble processes, tests).
    tf.disposeVariables();
  }
}

/** One run: an ensemble of one. */
export async function runExperiment(spec: Experiment, opts: RunOptions): Promise<RunSummary> {
  const [summary] = await runEnsemble([spec], {
    out: opts.out,
    backend: opts.backend,
    runIds: [opts.runId ?? newRunId(spec.name, spec.seed)],
    experimentFile: opts.experimentFile,
    onEvent: opts.onEvent && ((_, e) => opts.onEvent!(e)),
    onStep: opts.onStep && ((_, step, loss) => opts.onStep!(step, loss)),
    shouldStop: opts.shouldStop,
  });
  return summary;
}
