// Glue from a validated spec to a finished run on disk: picks the backend, draws the data, trains,
// and sends every event both to events.jsonl and to the caller (stdout, IPC, a sweep).
import * as tf from '@tensorflow/tfjs-core';
import { type BackendChoice, type BackendName, selectBackend } from '../core/backend';
import { makeDataset } from '../core/dataset';
import { type Experiment, estimateTrainingMemoryBytes, formatBytes } from '../core/experimentSpec';
import { train } from '../core/training';
import type { RunEvent, RunSummary } from '../protocol/runEvents';
import { RunFiles, newRunId } from './runFiles';

/** Bad input found only once the backend is known: exit code 2, nothing written. */
export class InputError extends Error {}

/** WASM memory is 32-bit addressed; leave room for the heap's own growth. */
const BACKEND_MEMORY_LIMIT: Partial<Record<BackendName, number>> = { wasm: 2 * 2 ** 30, cpu: 8 * 2 ** 30 };

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

export async function runExperiment(spec: Experiment, opts: RunOptions): Promise<RunSummary> {
  const backend = await selectBackend(opts.backend);
  const limit = BACKEND_MEMORY_LIMIT[backend.name];
  const need = estimateTrainingMemoryBytes(spec);
  if (limit !== undefined && need > limit) {
    throw new InputError(
      `task.T: one training step would need about ${formatBytes(need)}, more than the ${backend.name} backend's ` +
        `${formatBytes(limit)}; reduce task.T, model.heads or training.batchSize, or use a native backend`,
    );
  }
  const data = makeDataset(spec);
  const files = new RunFiles(opts.out, opts.runId ?? newRunId(spec.name, spec.seed));
  files.create(spec, { experimentFile: opts.experimentFile });
  const emit = (e: RunEvent) => {
    files.append(e);
    opts.onEvent?.(e);
  };
  const started = Date.now();
  const summaryOf = (fields: Pick<RunSummary, 'status' | 'steps' | 'parameterCount' | 'testAccuracy' | 'trainAccuracy' | 'attentionOnRelevant'> & { error?: string }): RunSummary => ({
    type: 'summary',
    runId: files.runId,
    ...fields,
    backend: backend.name,
    wallSeconds: Math.round((Date.now() - started) / 10) / 100,
    runDir: files.dir,
  });
  let lastMetrics = { steps: 0, parameterCount: 0, testAccuracy: null as number | null, trainAccuracy: null as number | null, attentionOnRelevant: null as number | null };
  try {
    const result = await train(spec, data, {
      onReady: ({ parameterCount }) => {
        lastMetrics.parameterCount = parameterCount;
        emit({
          type: 'started',
          runId: files.runId,
          time: new Date(started).toISOString(),
          backend: backend.name,
          backendSkipped: backend.skipped,
          spec: spec as unknown as Record<string, unknown>,
          relevant: data.target.relevant,
          inputBias: data.inputBias,
          parameterCount,
        });
      },
      onMetrics: (e) => {
        lastMetrics = { ...lastMetrics, steps: e.step, testAccuracy: e.testAccuracy, trainAccuracy: e.trainAccuracy, attentionOnRelevant: e.attentionOnRelevant };
        emit(e);
      },
      onAttention: emit,
      onStep: opts.onStep,
      shouldStop: opts.shouldStop,
      // For before/after benchmarks of whole sweeps; not a user setting.
      reference: process.env.SPARSE_ATTENTION_IMPL === 'reference',
    });
    const summary = summaryOf(result);
    files.writeSummary(summary);
    emit({ type: 'finished', summary });
    return summary;
  } catch (err) {
    const message = (err as Error).message.split('\n')[0];
    const summary = summaryOf({ status: 'failed', ...lastMetrics, error: message });
    emit({ type: 'failed', message });
    files.writeSummary(summary);
    throw err;
  } finally {
    // Leave nothing behind for the next run in the same process (sweeps, tests).
    tf.disposeVariables();
  }
}
