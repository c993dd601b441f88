// Per-kernel time of one training step (tf.profile), to say where the fast path spends its time.
// The step mirrors training.ts (forward, BCE, variableGrads, Adam) on one fixed minibatch.
import { referenceForward } from './referenceModel';
import * as tf from '@tensorflow/tfjs-core';
import { makeDataset } from '../src/core/spec/dataset';
import { forward, initParams } from '../src/core/model/model';
import { rngFor } from '../src/core/spec/seededRandom';
import { bceWithLogits, modelConfig } from '../src/core/train/training';
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
  const params = initParams(cfg, rngFor(spec.seed, 'init'));
  const vars = Object.values(params);
  const optimizer = tf.train.adam(spec.training.learningRate, 0.9, 0.999, 1e-8);
  const B = 64;
  const x = tf.tensor2d(Float32Array.from(data.train.x.subarray(0, B * T)), [B, T]);
  const y = tf.tensor1d(Float32Array.from(data.train.y.subarray(0, B)));
  const step = () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => bceWithLogits((reference ? referenceForward : forward)(x, params, cfg).logits, y), vars);
      optimizer.applyGradients(grads as tf.NamedTensorMap as never);
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
  optimizer.dispose();
  tf.dispose([...vars, x, y]);
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
