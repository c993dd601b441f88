// Multi-head self-attention for all members at once, from q, k, v to the merged heads before the
// output projection (K, B, rows, d), with the attention probabilities (K, B, H, rows, n). No weights
// of its own except in the table form, so it runs once for all the members' samples.
import * as tf from '@tensorflow/tfjs-core';
import { type Layout, norm } from './layers';
import { memberLinear } from './memberProducts';
import type { TransformerParams } from './params';
import { tableClsAttention } from './tableAttention';
import { type Qkv, tokenTable } from './tokens';

/**
 * Dropout on the attention probabilities: a mask for the probabilities laid out (K, B, H, rows, n),
 * the layout of the maps, whatever form computes them (so the table form drops what the token form
 * drops). Absent in evaluation.
 */
export type AttentionMask = (shape: [number, number, number, number, number]) => tf.Tensor;

export interface Attended {
  merged: tf.Tensor4D; // (K, B, rows, d)
  att: () => tf.Tensor5D; // (K, B, H, rows, n), built only when asked
}

/** Every query row: a member's samples are just more samples, (K·B, H, n, n) scores by batched matMuls. */
function fullHeads({ q, k, v }: Qkv, H: number, mask?: AttentionMask): Attended {
  const [K, B, n, d] = k.shape;
  const dh = d / H;
  const toHeads = (t: tf.Tensor4D) => tf.transpose(tf.reshape(t, [K * B, n, H, dh]), [0, 2, 1, 3]) as tf.Tensor4D; // (K·B, H, n, dh)
  const scores = tf.mul(tf.matMul(toHeads(q), toHeads(k), false, true), 1 / Math.sqrt(dh)); // (K·B, H, n, n)
  const att = tf.softmax(scores) as tf.Tensor4D; // rows sum to 1
  const dropped = mask ? tf.mul(att, tf.reshape(mask([K, B, H, n, n]), [K * B, H, n, n])) : att;
  const heads = tf.matMul(dropped, toHeads(v)); // (K·B, H, n, dh)
  return { merged: tf.reshape(tf.transpose(heads, [0, 2, 1, 3]), [K, B, n, d]) as tf.Tensor4D, att: () => tf.reshape(att, [K, B, H, n, n]) as tf.Tensor5D };
}

/**
 * Only the [CLS] token queries (rows = 1): in the last layer nothing else reaches the readout, so
 * the other n − 1 query rows are skipped, and a single query row is cheaper as element-wise products
 * and sums than as batched matMuls (slow on WASM). A member's query (K, 1 or B, 1, d) broadcasts over
 * its own samples, so its gradient sums in the same order for one member as for many.
 */
function clsHeads({ q, k, v }: Qkv, H: number, mask?: AttentionMask): Attended {
  const [K, B, n, d] = k.shape;
  const dh = d / H;
  const heads5 = (t: tf.Tensor4D) => tf.reshape(t, [K, t.shape[1], -1, H, dh]); // (K, B or 1, rows, H, dh)
  const scores = tf.mul(tf.sum(tf.mul(heads5(k), heads5(q)), -1), 1 / Math.sqrt(dh)); // (K, B, n, H)
  const att = tf.softmax(tf.transpose(scores, [0, 1, 3, 2])); // (K, B, H, n), sums to 1 over n
  const dropped = mask ? tf.mul(att, tf.reshape(mask([K, B, H, 1, n]), [K, B, H, n])) : att;
  const weights = tf.reshape(tf.transpose(dropped, [0, 1, 3, 2]), [K, B, n, H, 1]);
  const heads = tf.sum(tf.mul(weights, heads5(v)), 2); // (K, B, H, dh)
  return { merged: tf.reshape(heads, [K, B, 1, d]) as tf.Tensor4D, att: () => tf.reshape(att, [K, B, H, 1, n]) as tf.Tensor5D };
}

export const attentionHeads = (qkv: Qkv, H: number, clsOnly: boolean, mask?: AttentionMask): Attended => (clsOnly ? clsHeads(qkv, H, mask) : fullHeads(qkv, H, mask));

/** The one-layer model's [CLS] attention for every member from its token table (tableAttention.ts). */
export function tableHeads(x: tf.Tensor3D, p: TransformerParams<tf.Tensor>, H: number, layout: Layout, mask?: AttentionMask): Attended {
  const [K, B, T] = x.shape;
  const normed = norm(tokenTable(p, T, layout), p.layers[0].ln1, layout.eps) as tf.Tensor3D; // (K, 2T + 1, d)
  const d = normed.shape[2];
  // The mask in the table form's layout, (K, H, B, n).
  const tableMask = mask && (tf.transpose(tf.reshape(mask([K, B, H, 1, T + 1]), [K, B, H, T + 1]), [0, 2, 1, 3]) as tf.Tensor4D);
  const a = tableClsAttention(normed, p.layers[0].attn, x, H, memberLinear, tableMask);
  // (K, H, B, n) → (K, B, H, 1, n)
  const att = () => tf.reshape(tf.transpose(a.attention(), [0, 2, 1, 3]), [K, B, H, 1, T + 1]) as tf.Tensor5D;
  return { merged: tf.reshape(a.merged, [K, B, 1, d]) as tf.Tensor4D, att };
}
