// Projected training for the theorem's bounded-norm Transformer: after every optimiser step each
// attention matrix is pulled back onto the Frobenius ball of radius `model.maxNorm` — per head
// W_Q,h·W_K,hᵀ (by scaling W_Q,h and W_K,h by the same √factor), W_V,h and W_O,h. The Frobenius
// norm bounds the spectral norm, so both are ≤ maxNorm afterwards. Works on stacked variables
// (K, d, d): each member and head is scaled on its own.
import * as tf from '@tensorflow/tfjs-core';
import { headColumns, headRows } from './headSlices';
import { type ModelConfig, type Variables, isTransformer } from './params';

/** Projects to a hair inside the ball so float32 rounding of the rescaled weights cannot poke out. */
const INSIDE = 1 - 1e-5;

/** min(1, r / √normSq), elementwise: the factor that brings a norm onto the ball, 1 inside it. */
const shrink = (normSq: tf.Tensor, r: number) => tf.minimum(1, tf.div(r, tf.sqrt(tf.add(normSq, 1e-30))));

export function projectAttentionNorms(params: Variables, cfg: ModelConfig, maxNorm: number): void {
  if (!isTransformer(params)) return;
  const H = cfg.heads;
  const r = maxNorm * INSIDE;
  tf.tidy(() => {
    for (const { attn } of params.layers) {
      const { wq, wk, wv, wo } = attn;
      const [K, d] = wq.shape;
      const dh = d / H;
      // ‖Q_h K_hᵀ‖_F² = trace(Q_hᵀQ_h · K_hᵀK_h) = Σ (Q_hᵀQ_h) ⊙ (K_hᵀK_h): two dh × dh Grams per head.
      const gram = (w: tf.Tensor) => {
        const cols = tf.reshape(tf.transpose(headColumns(w, H), [0, 2, 3, 1]), [K * H, dh, d]);
        return tf.matMul(cols, cols, false, true);
      };
      const qkScale = tf.reshape(tf.sqrt(shrink(tf.sum(tf.mul(gram(wq), gram(wk)), [1, 2]), r)), [K, 1, H, 1]);
      const vScale = tf.reshape(shrink(tf.sum(tf.square(headColumns(wv, H)), [1, 3]), r), [K, 1, H, 1]);
      const oScale = tf.reshape(shrink(tf.sum(tf.square(headRows(wo, H)), [2, 3]), r), [K, H, 1, 1]);
      wq.assign(tf.reshape(tf.mul(headColumns(wq, H), qkScale), wq.shape));
      wk.assign(tf.reshape(tf.mul(headColumns(wk, H), qkScale), wk.shape));
      wv.assign(tf.reshape(tf.mul(headColumns(wv, H), vScale), wv.shape));
      wo.assign(tf.reshape(tf.mul(headRows(wo, H), oScale), wo.shape));
    }
  });
}
