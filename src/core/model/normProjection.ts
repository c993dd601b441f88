// Projected training for the theorem's bounded-norm Transformer: after every optimiser step each
// attention matrix is pulled back onto the Frobenius ball of radius `model.maxNorm` — per head
// W_Q,h·W_K,hᵀ (by scaling W_Q,h and W_K,h by the same √factor), W_V,h and W_O,h. The Frobenius
// norm bounds the spectral norm, so both are ≤ maxNorm afterwards. Works on one model's variables
// (d, d) and on an ensemble's stacked ones (K, d, d): each member and head is scaled on its own.
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from './model';

/** Projects to a hair inside the ball so float32 rounding of the rescaled weights cannot poke out. */
const INSIDE = 1 - 1e-5;

/** min(1, r / √normSq), elementwise: the factor that brings a norm onto the ball, 1 inside it. */
const shrink = (normSq: tf.Tensor, r: number) => tf.minimum(1, tf.div(r, tf.sqrt(tf.add(normSq, 1e-30))));

export function projectAttentionNorms(params: Record<string, tf.Variable>, cfg: ModelConfig, maxNorm: number): void {
  if (cfg.arch !== 'transformer') return;
  const d = cfg.dModel;
  const H = cfg.heads;
  const dh = d / H;
  const r = maxNorm * INSIDE;
  tf.tidy(() => {
    for (let l = 0; l < cfg.layers; l++) {
      const [wq, wk, wv, wo] = ['wq', 'wk', 'wv', 'wo'].map((w) => params[`h${l}.attn.${w}`]);
      const K = wq.size / (d * d); // 1 for one model, the member count for an ensemble
      const byHead = (w: tf.Tensor) => tf.reshape(w, [K, d, H, dh]); // columns of head h
      // ‖Q_h K_hᵀ‖_F² = trace(Q_hᵀQ_h · K_hᵀK_h) = Σ (Q_hᵀQ_h) ⊙ (K_hᵀK_h): two dh × dh Grams per head.
      const gram = (w: tf.Tensor) => {
        const cols = tf.reshape(tf.transpose(byHead(w), [0, 2, 3, 1]), [K * H, dh, d]);
        return tf.matMul(cols, cols, false, true);
      };
      const qkScale = tf.reshape(tf.sqrt(shrink(tf.sum(tf.mul(gram(wq), gram(wk)), [1, 2]), r)), [K, 1, H, 1]);
      const vScale = tf.reshape(shrink(tf.sum(tf.square(byHead(wv)), [1, 3]), r), [K, 1, H, 1]);
      const byHeadRows = tf.reshape(wo, [K, H, dh, d]); // rows of head h
      const oScale = tf.reshape(shrink(tf.sum(tf.square(byHeadRows), [2, 3]), r), [K, H, 1, 1]);
      wq.assign(tf.reshape(tf.mul(byHead(wq), qkScale), wq.shape));
      wk.assign(tf.reshape(tf.mul(byHead(wk), qkScale), wk.shape));
      wv.assign(tf.reshape(tf.mul(byHead(wv), vScale), wv.shape));
      wo.assign(tf.reshape(tf.mul(byHeadRows, oScale), wo.shape));
    }
  });
}
