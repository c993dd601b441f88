// Member-steps per second of K members of the paper's model (1 layer, tabulated, 16 heads, d = 64,
// full batch of m = 80) trained together on the current backend. The step is EnsembleRun.trainStep's
// body (ensembleTraining.ts) without the evaluations: trainEnsemble evaluates every member at step
// 0, one at a time, which at K = 1024 on SwiftShader costs minutes before the first step. The
// protocol's model has no norm ball (model.maxNorm), so the loop has no projection either.
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs-core';
import { forward } from '../src/core/model/model';
import { initParams } from '../src/core/model/params';
import { makeDataset } from '../src/core/spec/dataset';
import { rngFor } from '../src/core/spec/seededRandom';
import { adamStep } from '../src/core/train/adamw';
import { makeBatch } from '../src/core/train/batches';
import { bceTerms, ensembleBytes } from '../src/core/train/ensembleTraining';
import { readAndDispose } from '../src/core/train/evaluation';
import { memberLargestTensorBytes } from '../src/core/train/gpuMemory';
import { MemberStack } from '../src/core/train/memberStack';
import { modelConfig } from '../src/core/train/training';
import { protocolSpec } from './ensembleScaling';

export interface MemberStepsPoint {
  backend: string;
  T: number;
  K: number;
  /** The first step (shader compilation on WebGPU, allocation everywhere), not in the rate. */
  firstStepSeconds: number;
  timedSteps: number;
  msPerStep: number;
  memberStepsPerSec: number;
  /** Wall time of the whole point: set-up, first step and timed steps. */
  pointSeconds: number;
}
export interface SkippedPoint {
  backend: string;
  T: number;
  K: number;
  skipped: string;
}

/** The paper's training settings for K members at context length T (seeds 0..K−1). */
export const pointSpecs = (T: number, K: number) => Array.from({ length: K }, (_, k) => protocolSpec(T, k, 1000));

/** Bytes of the largest single tensor of a step (the product's estimate, gpuMemory.ts): it must fit one storage binding. */
export const largestTensorBytes = (T: number, K: number) => K * memberLargestTensorBytes(protocolSpec(T, 0, 1));

export const pointBytes = (T: number, K: number) => ensembleBytes(protocolSpec(T, 0, 1), K);

/**
 * Trains K members for a first step and then up to `steps` timed steps, fewer when the first
 * timed step says the rest would overrun `budgetSeconds` (at least one timed step is always taken).
 */
export async function measureMemberSteps(
  backend: string,
  T: number,
  K: number,
  opts: { steps: number; budgetSeconds: number },
): Promise<MemberStepsPoint> {
  const t0 = performance.now();
  const specs = pointSpecs(T, K);
  const cfg = modelConfig(specs[0]);
  const { learningRate: lr, weightDecay } = specs[0].training;
  const stack = new MemberStack(specs.map((s) => initParams(cfg, rngFor(s.seed, 'init'))));
  const batch = makeBatch(specs.map((s) => ({ train: makeDataset(s).train, batchSize: s.data.trainSize })), cfg.T);
  const step = async (t: number) => {
    const losses = tf.tidy(() => {
      let perMember: tf.Tensor | undefined;
      const { grads } = tf.variableGrads(() => {
        const terms = bceTerms(forward(batch.x, stack.params, cfg).logits, batch.y);
        perMember = tf.keep(tf.div(tf.sum(tf.mul(terms, batch.mask), 1), batch.size));
        return tf.sum(perMember) as tf.Scalar;
      }, stack.leaves());
      adamStep(stack.leaves(), stack.kinds, grads, stack.moments, t, lr, weightDecay);
      return perMember as tf.Tensor;
    });
    // The loop's one read per step: it waits for the device, so the time is the step's.
    await readAndDispose(losses);
  };
  try {
    const f0 = performance.now();
    await step(1);
    const firstStepSeconds = (performance.now() - f0) / 1000;
    const s0 = performance.now();
    await step(2);
    const oneStep = (performance.now() - s0) / 1000;
    const left = opts.budgetSeconds - (performance.now() - t0) / 1000;
    const more = Math.max(0, Math.min(opts.steps - 1, Math.floor(left / oneStep)));
    for (let i = 0; i < more; i++) await step(3 + i);
    const seconds = (performance.now() - s0) / 1000;
    const timedSteps = 1 + more;
    return {
      backend,
      T,
      K,
      firstStepSeconds,
      timedSteps,
      msPerStep: (1000 * seconds) / timedSteps,
      memberStepsPerSec: (K * timedSteps) / seconds,
      pointSeconds: (performance.now() - t0) / 1000,
    };
  } finally {
    stack.dispose();
    tf.dispose(Object.values(batch));
  }
}
