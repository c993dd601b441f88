// The element-wise layers, the same for one model and for K stacked ones: a per-member vector
// (K, d) is only reshaped to broadcast over that member's activations (K, ..., d).
import * as tf from '@tensorflow/tfjs-core';
import type { Norm } from './params';

// GELU, tanh approximation (tfjs-core has no gelu op). x·x·x, not pow: Pow is slow on WASM.
export function gelu(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.mul(tf.mul(x, x), x))));
  return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
}

/** LayerNorm's ε when `model.layerNormEps` is absent (the public reproduction's is 1e-6). */
export const DEFAULT_LN_EPS = 1e-5;

export function layerNorm(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, eps = DEFAULT_LN_EPS): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), g), b);
}

/** A per-member vector (K, d) shaped to broadcast over activations of the given rank, (K, 1, …, 1, d). */
export function perMember(v: tf.Tensor, rank: number): tf.Tensor {
  const [K, d] = v.shape;
  return tf.reshape(v, [K, ...Array<number>(rank - 2).fill(1), d]);
}

/** Each member's LayerNorm on its own activations x (K, ..., d). */
export const norm = (x: tf.Tensor, { g, b }: Norm<tf.Tensor>, eps = DEFAULT_LN_EPS): tf.Tensor => layerNorm(x, perMember(g, x.rank), perMember(b, x.rank), eps);

/** What the token and norm functions read from the model's settings (absent fields: the defaults). */
export interface Layout {
  /** LayerNorm's ε. */
  eps: number;
  /** [CLS] takes the positional table's last row (T) and bit t row t, instead of row 0 and row t + 1. */
  clsLast: boolean;
}
export const DEFAULT_LAYOUT: Layout = { eps: DEFAULT_LN_EPS, clsLast: false };
export const layoutOf = (cfg: { layerNormEps?: number; clsPosition?: 'first' | 'last' }): Layout => ({
  eps: cfg.layerNormEps ?? DEFAULT_LN_EPS,
  clsLast: cfg.clsPosition === 'last',
});
