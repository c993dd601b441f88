// The straightforward Transformer forward pass, kept frozen as the reference the fast path in
// model.ts is checked and benchmarked against (issue 6). It is the textbook port of nanoGPT's
// model.py to tfjs, as the trainer was written before any WASM-specific tuning:
//   - q, k, v from one fused projection, then split (nanoGPT's c_attn(x).split(...));
//   - heads as batched 3-D matMuls (B·H, n, dh) · (B·H, dh, n), full n × n attention in every layer;
//   - every token carried through the last layer's attention and MLP, [CLS] taken at the end;
//   - GELU with tf.pow(x, 3) (nanoGPT's NewGELU).
// Same parameters (params.ts) and the same mathematics as the fast path, so the two give the same
// logits up to float32 rounding. Do not optimise this file: it is the "before" of the benchmark
// (`npm run bench`), injected into the loop as its forward implementation (ensembleTraining.ts
// `train(..., { forward })`); nothing in src/ imports it. It runs each member on its own 2-D weights
// (a plain slice per member) and shares only what both implementations compute identically (the
// embedding, LayerNorm): a faster one there speeds up this baseline too, so it can never inflate
// the measured speed-up.
import * as tf from '@tensorflow/tfjs-core';
import { layerNorm } from '../src/core/model/layers';
import { type ForwardFn, type ModelConfig, forward } from '../src/core/model/model';
import { type Block, type TransformerParams, isTransformer, mapParams } from '../src/core/model/params';
import { embed } from '../src/core/model/tokens';

/** One member's weights, each leaf without the member axis. */
type Weights = TransformerParams<tf.Tensor>;

function gelu(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))));
  return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
}

/** x (B, n, in) · w (in, out) + b over the flattened tokens, as torch's F.linear does. */
function linear(x: tf.Tensor3D, w: tf.Tensor, b: tf.Tensor): tf.Tensor3D {
  const [B, n, din] = x.shape;
  const y = tf.add(tf.matMul(tf.reshape(x, [B * n, din]) as tf.Tensor2D, w as tf.Tensor2D), b);
  return tf.reshape(y, [B, n, w.shape[1]!]) as tf.Tensor3D;
}

function attention(x: tf.Tensor3D, { attn }: Block<tf.Tensor>, H: number): { y: tf.Tensor3D; att: tf.Tensor4D } {
  const [B, n, d] = x.shape;
  const dh = d / H;
  const wqkv = tf.concat([attn.wq, attn.wk, attn.wv], 1); // (d, 3d)
  const bqkv = tf.concat([attn.bq, attn.bk, attn.bv], 0); // (3d)
  const [q, k, v] = tf.split(linear(x, wqkv, bqkv), 3, 2); // 3 × (B, n, d)
  // (B, n, d) → (B·H, n, dh): one batched matMul over every sample and head.
  const heads = (t: tf.Tensor) => tf.reshape(tf.transpose(tf.reshape(t, [B, n, H, dh]), [0, 2, 1, 3]), [B * H, n, dh]) as tf.Tensor3D;
  const scores = tf.mul(tf.matMul(heads(q), heads(k), false, true), 1 / Math.sqrt(dh)); // (B·H, n, n)
  const att = tf.softmax(scores) as tf.Tensor3D;
  const y = tf.matMul(att, heads(v)); // (B·H, n, dh)
  const merged = tf.reshape(tf.transpose(tf.reshape(y, [B, H, n, dh]), [0, 2, 1, 3]), [B, n, d]) as tf.Tensor3D;
  return { y: linear(merged, attn.wo, attn.bo), att: tf.reshape(att, [B, H, n, n]) as tf.Tensor4D };
}

function mlp(x: tf.Tensor3D, { mlp: w }: Block<tf.Tensor>): tf.Tensor3D {
  return linear(gelu(linear(x, w.w1, w.b1)) as tf.Tensor3D, w.w2, w.b2);
}

/**
 * The Transformer only; the MLP baseline has a single implementation (model.ts). Member by member:
 * member k's samples x[k] through its own weights, then the results stacked on the member axis.
 */
export const referenceForward: ForwardFn = (x, p, cfg) => {
  if (!isTransformer(p)) return forward(x, p, cfg);
  const runs = Array.from({ length: x.shape[0] }, (_, k) => {
    const weights = mapParams(p, (v) => tf.squeeze(tf.slice(v, [k], [1]), [0]));
    return referenceTransformerForward(tf.squeeze(tf.slice(x, [k], [1]), [0]) as tf.Tensor2D, weights, cfg);
  });
  const attention = runs[0].attention.map((_, l) => tf.stack(runs.map((r) => r.attention[l])) as tf.Tensor5D);
  return { logits: tf.stack(runs.map((r) => r.logits)) as tf.Tensor2D, attention };
};

/** One member: x (B, T), its own weights. */
function referenceTransformerForward(x: tf.Tensor2D, p: Weights, cfg: ModelConfig): { logits: tf.Tensor1D; attention: tf.Tensor4D[] } {
  const [B] = x.shape;
  const d = cfg.dModel;
  // The shared embedding on a member axis of one.
  const one = mapParams(p, (v) => tf.expandDims(v, 0));
  let h = tf.squeeze(embed(tf.expandDims(x, 0) as tf.Tensor3D, one), [0]) as tf.Tensor3D; // (B, n, d)
  const maps: tf.Tensor4D[] = [];
  for (const block of p.layers) {
    const a = attention(layerNorm(h, block.ln1.g, block.ln1.b) as tf.Tensor3D, block, cfg.heads);
    maps.push(a.att);
    h = tf.add(h, a.y) as tf.Tensor3D;
    h = tf.add(h, mlp(layerNorm(h, block.ln2.g, block.ln2.b) as tf.Tensor3D, block)) as tf.Tensor3D;
  }
  const clsState = tf.reshape(tf.slice(h, [0, 0, 0], [B, 1, d]), [B, d]); // the [CLS] token's final state
  const z = tf.add(tf.matMul(layerNorm(clsState, p.lnf.g, p.lnf.b) as tf.Tensor2D, p.head.w as tf.Tensor2D), p.head.b);
  return { logits: tf.reshape(z, [B]) as tf.Tensor1D, attention: maps };
}
