// The backend's ceiling: a large plain 2-D matMul, the best case for WASM (its batched matMuls and
// small element-wise ops run far below this). Training GFLOP/s are read against this number.
import * as tf from '@tensorflow/tfjs-core';
import { performance } from 'node:perf_hooks';

export interface MatMulTiming {
  label: string;
  ms: number;
  gflopsPerSec: number;
}

/**
 * Mean ms of `f` over `reps`, after one untimed call (first-call costs: heap growth, kernel set-up).
 * The tidy returns nothing on purpose: a typed array returned from tf.tidy is walked element by
 * element looking for tensors (~0.35 µs per element), which would swamp the kernel time.
 */
function timeOp(f: () => tf.Tensor, reps: number): number {
  tf.tidy(() => {
    f().dataSync();
  });
  const t0 = performance.now();
  for (let i = 0; i < reps; i++)
    tf.tidy(() => {
      f().dataSync();
    });
  return (performance.now() - t0) / reps;
}

export function measureMatMulCeiling(m = 2048, k = 512, n = 512, reps = 10): MatMulTiming {
  const a = tf.randomNormal([m, k]) as tf.Tensor2D;
  const b = tf.randomNormal([k, n]) as tf.Tensor2D;
  const ms = timeOp(() => tf.matMul(a, b), reps);
  tf.dispose([a, b]);
  return { label: `${m}x${k} · ${k}x${n}`, ms, gflopsPerSec: (2 * m * k * n) / (ms * 1e6) };
}

/**
 * The backward pass of a linear layer as tfjs's MatMul gradient computes it (transpose flags), and
 * the same products with an explicit Transpose first. Shapes: the k/v projection at T = 32.
 */
export function measureTransposedMatMuls(rows = 64 * 33, d = 64, reps = 10): MatMulTiming[] {
  const x = tf.randomNormal([rows, d]) as tf.Tensor2D;
  const w = tf.randomNormal([d, d]) as tf.Tensor2D;
  const dy = tf.randomNormal([rows, d]) as tf.Tensor2D;
  const gflop = 2 * rows * d * d;
  const cases: [string, () => tf.Tensor][] = [
    [`x·w            ${rows}x${d} · ${d}x${d}`, () => tf.matMul(x, w)],
    ['dy·wᵀ   transposeB flag', () => tf.matMul(dy, w, false, true)],
    ['dy·transpose(w)', () => tf.matMul(dy, tf.transpose(w))],
    ['xᵀ·dy   transposeA flag', () => tf.matMul(x, dy, true, false)],
    ['transpose(x)·dy', () => tf.matMul(tf.transpose(x), dy)],
  ];
  const out = cases.map(([label, f]) => {
    const ms = timeOp(f, reps);
    return { label, ms, gflopsPerSec: gflop / (ms * 1e6) };
  });
  tf.dispose([x, w, dy]);
  return out;
}
