// Glue from validated specs to finished runs on disk: picks the backend, draws each run's data,
// trains them together as one ensemble (a single run is an ensemble of one), and sends every event
// both to the run's events.jsonl and to the caller (stdout, IPC, a sweep). Each member's
// summary.json is written the moment it ends, so a kill keeps the members that had finished.
import * as tf from '@tensorflow/tfjs-core';
import { type BackendChoice, type BackendName, selectBackend } from '../core/train/backend';
import { makeDataset } from '../core/spec/dataset';
import { trainEnsemble } from '../core/train/ensembleTraining';
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

/** Trains the specs as one ensemble (same T, model and training settings; ensembleKey). */
export async function runEnsemble(specs: Experiment[], opts: EnsembleRunOptions): Promise<RunSummary[]> {
  const backend = await selectBackend(opts.backend);
  const limit = BACKEND_MEMORY_LIMIT[backend.name];
  const need = Math.max(...specs.map((s) => estimateTrainingMemoryBytes(s)));
  if (limit !== undefined && need > limit) {
    throw new InputError(
      `task.T: one training step would need about ${formatBytes(need)}, more than the ${backend.name} backend's ` +
        `${formatBytes(limit)}; reduce task.T, model.heads or training.batchSize, or use a native backend`,
    );
  }
  const started = Date.now();
  const runs = specs.map((spec, i) => {
    const data = makeDataset(spec);
    const files = new RunFiles(opts.out, opts.runIds[i]);
    files.create(spec, { experimentFile: opts.experimentFile });
    return { spec, data, files, summary: undefined as RunSummary | undefined, last: { steps: 0, parameterCount: 0, testAccuracy: null as number | null, trainAccuracy: null as number | null, attentionOnRelevant: null as number | null } };
  });
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
      wallSeconds: Math.round((Date.now() - started) / 10) / 100,
      runDir: run.files.dir,
    };
    run.files.writeSummary(run.summary);
    if (fields.status === 'failed') emit(i, { type: 'failed', message: fields.error ?? 'failed' });
    else emit(i, { type: 'finished', summary: run.summary });
  };
  try {
    await trainEnsemble(
      runs.map((run, i) => ({
        spec: run.spec,
        data: run.data,
        hooks: {
          onReady: ({ parameterCount }) => {
            run.last.parameterCount = parameterCount;
            emit(i, {
              type: 'started',
              runId: run.files.runId,
              time: new Date(started).toISOString(),
              backend: backend.name,
              backendSkipped: backend.skipped,
              spec: run.spec as unknown as Record<string, unknown>,
              relevant: run.data.target.relevant,
              inputBias: run.data.inputBias,
              parameterCount,
            });
          },
          onMetrics: (e) => {
            run.last = { ...run.last, steps: e.step, testAccuracy: e.testAccuracy, trainAccuracy: e.trainAccuracy, attentionOnRelevant: e.attentionOnRelevant };
            emit(i, e);
          },
          onAttention: (e) => emit(i, e),
          onStep: opts.onStep && ((step, loss) => opts.onStep!(i, step, loss)),
        },
        onFinished: (result: TrainResult) => close(i, result),
      })),
      { shouldStop: opts.shouldStop },
    );
    return runs.map((r) => r.summary!);
  } catch (err) {
    // The members still training fail together; the finished ones keep their summaries.
    const message = (err as Error).message.split('\n')[0];
    runs.forEach((run, i) => run.summary || close(i, { status: 'failed', ...run.last, error: message }));
    throw err;
  } finally {
    // Leave nothing behind for the next ensemble in the same process (workers, tests).
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
