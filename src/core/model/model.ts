// The model, in the spirit of nanoGPT's model.py, over a leading member axis: K models of the same
// architecture and T in one graph (a single run is K = 1). Every parameter is stacked (K, ...)
// (params.ts), every activation carries the axis too (K, B, ...). Element-wise work (embeddings,
// LayerNorm, GELU, the attention softmax and weighted sums) runs once for all members; only the
// products with a member's own weight matrices are per member (memberProducts.ts). Shapes: B batch,
// T input bits, n = T + 1 tokens ([CLS] first), d model width, H heads, dh = d / H. In a training
// step with `model.dropout`, dropout hits the attention probabilities, the attention's output
// projection and the MLP's output of every layer (dropout.ts), in the table form as in the token form.
//
// Transformer with the paper's scalar readout (Edelman et al. 2022, Fig. 1): bit-token embedding +
// learned positional embedding, a learned [CLS] token whose final state gives one logit, `layers` ×
// pre-LayerNorm (self-attention + GELU MLP) with residuals, a final LayerNorm. When asked, the
// forward pass also returns every layer's attention probabilities, so the run can watch the
// variable being created.
import * as tf from '@tensorflow/tfjs-core';
import { type AttentionMask, type Attended, attentionHeads, tableHeads } from './attention';
import { type DropoutPlan, dropout, dropoutMask } from './dropout';
import { type Layout, gelu, layoutOf, norm } from './layers';
import { linear, memberLinear } from './memberProducts';
import { type MlpParams, type ModelConfig, type Params, type TransformerParams, isTransformer } from './params';
import { clsTokens, embed, projectTable, projectTokens } from './tokens';

export type { ModelConfig, Params } from './params';

export interface ForwardOptions {
  /** Compute every query row of the last layer, not only [CLS]'s (the logits are the same). */
  fullAttention?: boolean;
  /** Compute the first layer from its token table (default) or by projecting every token (the same
   * numbers up to rounding; kept switchable for the equivalence test). */
  tabulated?: boolean;
  /** Return the attention probabilities (evaluation). */
  attention?: boolean;
  /** Dropout of a training step (`model.dropout`); never passed in evaluation. */
  dropout?: DropoutPlan;
}

export interface ForwardResult {
  logits: tf.Tensor2D; // (K, B)
  attention: tf.Tensor5D[]; // per layer (K, B, H, rows, n), rows = n or 1 ([CLS] only); empty unless asked, and for the MLP
}

/** A forward implementation: this file's `forward`, or another injected by a test or benchmark. */
export type ForwardFn = (x: tf.Tensor3D, p: Params, cfg: ModelConfig, opts?: ForwardOptions) => ForwardResult;

/** How a layer's attention is computed (model.ts decides it per layer). */
interface LayerSetting {
  clsOnly: boolean;
  tabulated: boolean;
  H: number;
  layout: Layout;
  mask?: AttentionMask;
}

/** Layer l's attention: from the token table when it is the first layer, or from its projected tokens. */
function attendLayer(x: tf.Tensor3D, h: tf.Tensor4D, p: TransformerParams<tf.Tensor>, l: number, { clsOnly, tabulated, H, layout, mask }: LayerSetting): Attended {
  // With one layer its whole attention comes from the table (tableAttention.ts); otherwise its q, k, v do.
  if (l === 0 && tabulated && clsOnly) return tableHeads(x, p, H, layout, mask);
  const qkv = l === 0 && tabulated ? projectTable(x, p, clsOnly, layout) : projectTokens(h, p.layers[l], clsOnly, layout.eps);
  return attentionHeads(qkv, H, clsOnly, mask);
}

/** Layer l's attention dropout as a mask maker, or undefined (evaluation, rate 0). */
function attentionDropout(plan: DropoutPlan | undefined, l: number): AttentionMask | undefined {
  if (!plan || plan.rate === 0) return undefined;
  return (shape) => dropoutMask(shape, plan, `attention${l}`);
}

function transformerForward(x: tf.Tensor3D, p: TransformerParams<tf.Tensor>, cfg: ModelConfig, opts: ForwardOptions): ForwardResult {
  const [K, B] = x.shape;
  const d = cfg.dModel;
  const { fullAttention = false, tabulated = true, dropout: plan } = opts;
  const layout = layoutOf(cfg);
  // With one tabulated layer only [CLS]'s residual stream reaches the readout, and it is the same for
  // every sample until attention: the other tokens are never embedded (the layer reads the table).
  const clsStream = cfg.layers === 1 && tabulated && !fullAttention;
  let h = clsStream ? clsTokens(p, B, layout) : embed(x, p, layout); // (K, B, n or 1, d)
  const maps: tf.Tensor5D[] = [];
  p.layers.forEach((block, l) => {
    const clsOnly = !fullAttention && l === cfg.layers - 1;
    const a = attendLayer(x, h, p, l, { clsOnly, tabulated, H: cfg.heads, layout, mask: attentionDropout(plan, l) });
    if (opts.attention) maps.push(a.att());
    const y = dropout(linear(a.merged, { w: block.attn.wo, b: block.attn.bo }), plan, `projection${l}`); // (K, B, rows, d)
    if (clsOnly) h = tf.slice(h, [0, 0, 0, 0], [K, B, 1, d]); // from here on only [CLS] is carried
    h = tf.add(h, y) as tf.Tensor4D;
    const hidden = gelu(linear(norm(h, block.ln2, layout.eps), { w: block.mlp.w1, b: block.mlp.b1 }));
    h = tf.add(h, dropout(linear(hidden, { w: block.mlp.w2, b: block.mlp.b2 }), plan, `mlp${l}`)) as tf.Tensor4D;
  });
  const clsState = tf.reshape(tf.slice(h, [0, 0, 0, 0], [K, B, 1, d]), [K, B, d]); // the [CLS] token's final state
  const z = memberLinear(norm(clsState, p.lnf, layout.eps) as tf.Tensor3D, p.head.w, p.head.b); // (K, B, 1)
  return { logits: tf.reshape(z, [K, B]) as tf.Tensor2D, attention: maps };
}

/** The baseline: an MLP on the flat bit vector, bits mapped to ±1. */
function mlpForward(x: tf.Tensor3D, p: MlpParams<tf.Tensor>): ForwardResult {
  const [K, B] = x.shape;
  let h = tf.sub(tf.mul(x, 2), 1) as tf.Tensor3D; // (K, B, T)
  for (const { w, b } of p.layers) h = gelu(memberLinear(h, w, b)) as tf.Tensor3D; // (K, B, hidden)
  return { logits: tf.reshape(memberLinear(h, p.head.w, p.head.b), [K, B]) as tf.Tensor2D, attention: [] };
}

/**
 * x: (K, B, T) float bits in {0, 1}, member k's samples in row k. By default the last layer
 * computes only the [CLS] query row; `fullAttention` computes every row, for the attention maps.
 */
export const forward: ForwardFn = (x, p, cfg, opts = {}) => (isTransformer(p) ? transformerForward(x, p, cfg, opts) : mlpForward(x, p));
