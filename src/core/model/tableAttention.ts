// The one-layer model's attention from the token table, for one model or an ensemble (leading model
// axis K; a single model passes K = 1, so both compute exactly the same numbers). When the first
// layer is also the last, only [CLS] queries and its query is the same for every sample: every score
// is a table entry q·k(row) per head (2T + 1 rows), and a sample only chooses, per position, the entry
// its bit makes. The values likewise: a sample's output per head is its attention on the zero rows
// times their values plus on the one rows times theirs, two small batched matMuls (K·H, B, T)·(T, dh).
// A choice by a 0/1 bit is exact, so this is the standard computation's arithmetic up to summation
// order, with no (B, n, d) tensor at all. Laid out (K, H, B, T) throughout: no transposes or concats
// of per-sample tensors, which are slow on WASM.
import * as tf from '@tensorflow/tfjs-core';

/**
 * The largest score of each row, (K, H, B, 1), subtracted before exp for stability. It cancels in the
 * softmax, so its exact gradient is zero: say so instead of back-propagating through max (tfjs's
 * Maximum gradient also does not broadcast).
 */
const rowMax = tf.customGrad((sBits, sCls) => ({
  value: tf.maximum(tf.max(sBits as tf.Tensor, -1, true), sCls as tf.Tensor),
  gradFunc: () => [tf.zerosLike(sBits as tf.Tensor), tf.zerosLike(sCls as tf.Tensor)],
}));

/** A per-member linear layer: x (K, R, in) · w (K, in, out) + b (K, out). */
export type MemberLinear = (x: tf.Tensor3D, w: tf.Tensor, b: tf.Tensor) => tf.Tensor3D;

export interface TableAttentionWeights {
  wq: tf.Tensor;
  bq: tf.Tensor;
  wk: tf.Tensor;
  bk: tf.Tensor;
  wv: tf.Tensor;
  bv: tf.Tensor;
}

export interface TableAttention {
  /** Merged heads, (K, B, d), before the output projection. */
  merged: tf.Tensor3D;
  /** The [CLS] row's attention over the n = T + 1 positions, (K, H, B, n); built only when asked. */
  attention: () => tf.Tensor4D;
}

/**
 * normed: each member's LayerNormed token table (K, 2T + 1, d), rows [CLS], e_0 + p_t, e_1 + p_t;
 * bits: (K, B, T) in {0, 1}; dropMask: dropout on the attention probabilities (training), (K, H, B, n)
 * over [CLS] then the T positions, applied to the weights of the values (the maps stay undropped).
 */
export function tableClsAttention(normed: tf.Tensor3D, w: TableAttentionWeights, bits: tf.Tensor3D, H: number, linear: MemberLinear, dropMask?: tf.Tensor4D): TableAttention {
  const [K, R, d] = normed.shape;
  const [, B, T] = bits.shape;
  const dh = d / H;
  // q, k and v of every table row in one product per member (fewer, larger kernels: on WASM each
  // op costs ~0.05 ms before any arithmetic); only [CLS]'s q is used.
  const qkv = linear(normed, tf.concat([w.wq, w.wk, w.wv], -1), tf.concat([w.bq, w.bk, w.bv], -1)); // (K, R, 3d)
  const q = tf.reshape(tf.slice(qkv, [0, 0, 0], [K, 1, d]), [K, 1, H, dh]);
  const k = tf.slice(qkv, [0, 0, d], [K, R, d]);
  const v = tf.slice(qkv, [0, 0, 2 * d], [K, R, d]);
  // Every row's score per head, scaled: (K, H, R).
  const scores = tf.transpose(tf.mul(tf.sum(tf.mul(tf.reshape(k, [K, R, H, dh]), q), -1), 1 / Math.sqrt(dh)), [0, 2, 1]);
  const rows = (t: tf.Tensor, from: number, count: number) => tf.slice(t, [0, 0, from], [K, H, count]);
  const sCls = tf.reshape(rows(scores, 0, 1), [K, H, 1, 1]);
  const one = tf.reshape(bits, [K, 1, B, T]);
  const zero = tf.sub(1, one);
  const sBits = tf.add(tf.mul(zero, tf.reshape(rows(scores, 1, T), [K, H, 1, T])), tf.mul(one, tf.reshape(rows(scores, 1 + T, T), [K, H, 1, T]))); // (K, H, B, T)
  // Softmax over [CLS] and the T positions, without concatenating them.
  const top = rowMax(sBits, sCls) as tf.Tensor; // (K, H, B, 1)
  const eBits = tf.exp(tf.sub(sBits, top));
  const eCls = tf.exp(tf.sub(sCls, top));
  const total = tf.add(tf.sum(eBits, -1, true), eCls);
  const aBits = tf.div(eBits, total); // (K, H, B, T)
  const aCls = tf.div(eCls, total); // (K, H, B, 1)
  const wBits = dropMask ? tf.mul(aBits, tf.slice(dropMask, [0, 0, 0, 1], [K, H, B, T])) : aBits;
  const wCls = dropMask ? tf.mul(aCls, tf.slice(dropMask, [0, 0, 0, 0], [K, H, B, 1])) : aCls;
  // Values per head and table row, (K, H, R, dh).
  const vh = tf.transpose(tf.reshape(v, [K, R, H, dh]), [0, 2, 1, 3]);
  const vRows = (from: number, count: number) => tf.reshape(tf.slice(vh, [0, 0, from, 0], [K, H, count, dh]), [K * H, count, dh]) as tf.Tensor3D;
  const weights = (a: tf.Tensor) => tf.reshape(a, [K * H, B, T]) as tf.Tensor3D;
  const fromBits = tf.add(tf.matMul(weights(tf.mul(wBits, zero)), vRows(1, T)), tf.matMul(weights(tf.mul(wBits, one)), vRows(1 + T, T))); // (K·H, B, dh)
  const heads = tf.add(tf.reshape(fromBits, [K, H, B, dh]), tf.mul(wCls, tf.reshape(vRows(0, 1), [K, H, 1, dh])));
  return {
    merged: tf.reshape(tf.transpose(heads, [0, 2, 1, 3]), [K, B, d]) as tf.Tensor3D,
    attention: () => tf.concat([aCls, aBits], -1) as tf.Tensor4D,
  };
}
