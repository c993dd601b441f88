// Per-kernel time of one training step (tf.profile), to say where the fast path spends its time.
// The step mirrors ensembleTraining.ts (forward, BCE, variableGrads, Adam) on one fixed minibatch, K = 1.
import { referenceForward } from './referenceModel';
import * as tf from '@tensorflow/tfjs-core';
import { makeDataset } from '../src/core/spec/dataset';
import { forward } from '../src/core/model/model';
import { initParams, kindsOf, leavesOf, stackParams } from '../src/core/model/params';
import { rngFor } from '../src/core/spec/seededRandom';
import { adamStep, zeroMoments } from '../src/core/train/adamw';
import { bceTerms } from '../src/core/train/ensembleTraining';
import { modelConfig } from '../src/core/train/training';
import { benchSpec } from './throughput';

export interface KernelShare {
  kernel: string;
  calls: number;
  ms: number;
  pct: number;
}

export interface ProfileResult {
  T: number;
  impl: 'fast' | 'reference';
  steps: number;
  /** Sum of kernel times per step; the rest of a step's wall time is JS and tfjs bookkeeping. */
  kernelMsPerStep: number;
  wallMsPerStep: number;
  kernelCallsPerStep: number;
  top: KernelShare[];
}

export async function profileStep(T: number, reference: boolean, steps = 3, top = 10): Promise<ProfileResult> {
  const spec = benchSpec(T, 1);
  const cfg = modelConfig(spec);
  const data = makeDataset(spec);
  const drawn = initParams(cfg, rngFor(spec.seed, 'init'));
  const params = stackParams([drawn]);
  const vars = leavesOf(params);
  const kinds = kindsOf(drawn);
  const moments = zeroMoments(vars);
  const B = 64;
  const x = tf.tensor3d(Float32Array.from(data.train.x.subarray(0, B * T)), [1, B, T]);
  const y = tf.tensor2d(Float32Array.from(data.train.y.subarray(0, B)), [1, B]);
  let t = 0;
  const step = () =>
    tf.tidy(() => {
      const loss = () => tf.mean(bceTerms((reference ? referenceForward : forward)(x, params, cfg).logits, y)) as tf.Scalar;
      const { value, grads } = tf.variableGrads(loss, vars);
      adamStep(vars, kinds, grads, moments, ++t, spec.training.learningRate, spec.training.weightDecay);
      return value.dataSync()[0];
    });
  step();
  step(); // warm-up: Adam's slots, the WASM heap
  const t0 = performance.now();
  const info = await tf.profile(() => {
    for (let i = 0; i < steps; i++) step();
  });
  const wallMs = (performance.now() - t0) / steps;
  const byName = new Map<string, { calls: number; ms: number }>();
  for (const k of info.kernels) {
    const e = byName.get(k.name) ?? { calls: 0, ms: 0 };
    e.calls++;
    e.ms += Number(k.kernelTimeMs) || 0;
    byName.set(k.name, e);
  }
  const total = [...byName.values()].reduce((a, e) => a + e.ms, 0);
  const shares = [...byName.entries()]
    .map(([kernel, e]) => ({ kernel, calls: e.calls / steps, ms: e.ms / steps, pct: (100 * e.ms) / total }))
    .sort((a, b) => b.ms - a.ms);
  tf.dispose([...vars, ...moments.first, ...moments.second, x, y]);
  return {
    T,
    impl: reference ? 'reference' : 'fast',
    steps,
    kernelMsPerStep: total / steps,
    wallMsPerStep: wallMs,
    kernelCallsPerStep: info.kernels.length / steps,
    top: shares.slice(0, top),
  };
}
