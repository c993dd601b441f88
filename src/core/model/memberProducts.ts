// The products of activations with a member's own weight matrices: the one place whose strategy
// depends on the backend. Everything else in the forward pass is element-wise or shared by all
// members, so a new backend (WebGPU) decides here how its per-member products run.
import * as tf from '@tensorflow/tfjs-core';

/**
 * Whether per-member products run as one batched matMul (native TensorFlow and WebGPU: one kernel
 * for all K members) or as K plain 2-D matMuls: tfjs-wasm's fast kernel serves only 2-D products,
 * and a batched one with batch > 1 on both sides costs ~9× more per member there (measured: 1.05 vs
 * 0.115 ms, 416×64·64×64).
 */
export const batchedMatMul = () => tf.getBackend() === 'tensorflow' || tf.getBackend() === 'webgpu';

/** Scalar index tensors 0, 1, … kept for the process: gather's indices, made once. */
const indices: tf.Tensor[] = [];
const indexOf = (k: number) => (indices[k] ??= tf.keep(tf.scalar(k, 'int32')));

/**
 * Member k's slice of a stacked tensor (K, ...) → (...), as a gather: tfjs-wasm's Slice (and Unpack,
 * SplitV) copy the whole input for every slice taken, so K slices cost O(K²); a gather costs what it
 * returns. With one member the slice is the whole tensor: a reshape, which copies nothing (a gather
 * there copied every activation of a single run's steps and evaluations: ~0.6 s of parity-T16's 11 s).
 */
export function member(t: tf.Tensor, k: number): tf.Tensor {
  if (t.shape[0] === 1) return tf.reshape<tf.Rank>(t, t.shape.slice(1));
  return tf.reshape<tf.Rank>(tf.gather(t, indexOf(k)), t.shape.slice(1));
}

/**
 * x (K, R, in) · w (K, in, out) as K 2-D matMuls. Its own gradient: tfjs's MatMul gradient computes
 * dy·wᵀ and xᵀ·dy with the transpose flags, which WASM runs through a slow generic kernel (10–20×
 * below a plain matMul); transposing first keeps all three products on the fast one. The backward
 * pass reuses the forward's per-member pieces instead of slicing x and w again.
 */
const perMemberMatMul = tf.customGrad((x, w, save) => {
  const K = (x as tf.Tensor).shape[0];
  const xs = Array.from({ length: K }, (_, k) => member(x as tf.Tensor, k) as tf.Tensor2D);
  const ws = Array.from({ length: K }, (_, k) => member(w as tf.Tensor, k) as tf.Tensor2D);
  (save as tf.GradSaveFunc)([...xs, ...ws]);
  const stack = (parts: tf.Tensor[]) => (K === 1 ? tf.expandDims(parts[0], 0) : tf.stack(parts));
  return {
    value: stack(xs.map((xk, k) => tf.matMul(xk, ws[k]))),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const dys = Array.from({ length: K }, (_, k) => member(dy, k) as tf.Tensor2D);
      return [
        stack(dys.map((d, k) => tf.matMul(d, tf.transpose(saved[K + k] as tf.Tensor2D)))),
        stack(dys.map((d, k) => tf.matMul(tf.transpose(saved[k] as tf.Tensor2D), d))),
      ];
    },
  };
});

/** Per-member linear layer: x (K, R, in) · w (K, in, out) + b (K, out) → (K, R, out). */
export function memberLinear(x: tf.Tensor3D, w: tf.Tensor, b: tf.Tensor): tf.Tensor3D {
  const y = batchedMatMul() ? tf.matMul(x, w as tf.Tensor3D) : (perMemberMatMul(x, w) as tf.Tensor3D);
  return tf.add(y, tf.expandDims(b, 1)) as tf.Tensor3D;
}

/** A per-member linear layer on activations of any rank, (K, ..., in) → (K, ..., out). */
export function linear(x: tf.Tensor, { w, b }: { w: tf.Tensor; b: tf.Tensor }): tf.Tensor {
  const K = x.shape[0];
  const y = memberLinear(tf.reshape(x, [K, -1, x.shape[x.rank - 1]]) as tf.Tensor3D, w, b);
  return tf.reshape(y, [...x.shape.slice(0, -1), w.shape[2] ?? 1]);
}
