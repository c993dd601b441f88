// Training throughput of one configuration through the real training loop (train()), timed between
// onStep callbacks so set-up, the step-0 evaluation and warm-up steps are excluded.
import { referenceForward } from './referenceModel';
import { performance } from 'node:perf_hooks';
import { makeDataset } from '../src/core/spec/dataset';
import { type Experiment, ExperimentSchema } from '../src/core/spec/experimentSpec';
import { train } from '../src/core/train/ensembleTraining';
import { modelConfig } from '../src/core/train/training';
import { trainingStepFlops } from './flops';

export interface ThroughputConfig {
  T: number;
  reference: boolean;
  warmupSteps: number;
  measuredSteps: number;
  /** Train at least this many steps so the loss curves can be compared (equivalence check). */
  minSteps?: number;
}

export interface ThroughputResult {
  T: number;
  impl: 'fast' | 'reference';
  warmupSteps: number;
  measuredSteps: number;
  stepsPerSec: number;
  samplesPerSec: number;
  msPerStep: number;
  flopsPerStep: number;
  gflopsPerSec: number;
  /** Loss after every step, from step 1. */
  losses: number[];
}

/** The reference config: d=64, 4 heads, 1 layer, mlpRatio 4, batch 64, trainSize 2000. */
export function benchSpec(T: number, steps: number): Experiment {
  return ExperimentSchema.parse({
    version: 1,
    name: `bench-T${T}`,
    task: { kind: 'parity', T, s: 3 },
    // A small test set: the step-0 and final evaluations are outside the timed window anyway.
    data: { trainSize: 2000, testSize: 64 },
    model: { arch: 'transformer', layers: 1, heads: 4, dModel: 64, mlpRatio: 4 },
    // evalEvery beyond maxSteps: no evaluation inside the timed window; targetAccuracy 1 never stops early.
    training: { learningRate: 0.001, batchSize: 64, maxSteps: steps, evalEvery: steps + 1, targetAccuracy: 1 },
    seed: 0,
  });
}

export async function measureThroughput(c: ThroughputConfig): Promise<ThroughputResult> {
  const steps = Math.max(c.warmupSteps + c.measuredSteps, c.minSteps ?? 0);
  const spec = benchSpec(c.T, steps);
  const losses: number[] = [];
  let t0 = 0;
  let t1 = 0;
  await train(spec, makeDataset(spec), {
    onStep: (step, loss) => {
      losses.push(loss);
      if (step === c.warmupSteps) t0 = performance.now();
      if (step === c.warmupSteps + c.measuredSteps) t1 = performance.now();
    },
  }, c.reference ? { forward: referenceForward } : {});
  const seconds = (t1 - t0) / 1000;
  const batch = spec.training.batchSize as number;
  const flopsPerStep = trainingStepFlops(modelConfig(spec), batch, c.reference).total;
  const stepsPerSec = c.measuredSteps / seconds;
  return {
    T: c.T,
    impl: c.reference ? 'reference' : 'fast',
    warmupSteps: c.warmupSteps,
    measuredSteps: c.measuredSteps,
    stepsPerSec,
    samplesPerSec: stepsPerSec * batch,
    msPerStep: 1000 / stepsPerSec,
    flopsPerStep,
    gflopsPerSec: (flopsPerStep * stepsPerSec) / 1e9,
    losses,
  };
}

export interface LossAgreement {
  steps: number;
  maxAbsDiff: number;
  /** max |a − b| / |b|: the losses change by orders of magnitude during training, so judge relatively. */
  maxRelDiff: number;
}

/** Fast vs reference losses over the first `steps` steps (same seed, same data, same batches). */
export function lossAgreement(fast: number[], reference: number[], steps: number): LossAgreement {
  const k = Math.min(steps, fast.length, reference.length);
  let abs = 0;
  let rel = 0;
  for (let i = 0; i < k; i++) {
    const d = Math.abs(fast[i] - reference[i]);
    abs = Math.max(abs, d);
    rel = Math.max(rel, d / Math.max(Math.abs(reference[i]), 1e-12));
  }
  return { steps: k, maxAbsDiff: abs, maxRelDiff: rel };
}
