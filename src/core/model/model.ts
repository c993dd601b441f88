// The models, in the spirit of nanoGPT's model.py: parameters in one flat record, one small
// function per concept, the forward pass readable top to bottom. Shapes: B batch, T input bits,
// n = T + 1 tokens ([CLS] first), d model width, H heads, dh = d / H.
//
// Transformer with the paper's scalar readout (Edelman et al. 2022, Fig. 1): bit-token embedding +
// learned positional embedding, a learned [CLS] token whose final state gives one logit, `layers` ×
// pre-LayerNorm (self-attention + GELU MLP) with residuals, a final LayerNorm. The forward pass also
// returns every layer's attention probabilities, so the run can watch the variable being created.
import * as tf from '@tensorflow/tfjs-core';
import type { Experiment } from '../spec/experimentSpec';
import { type Rng, normal } from '../spec/seededRandom';
import { type MemberLinear, tableClsAttention } from './tableAttention';

export type ModelConfig = Experiment['model'] & { T: number };
export type Params = Record<string, tf.Variable>;
/** What a forward pass reads: the variables of one model, or one member's slices of an ensemble's. */
export type Weights = Record<string, tf.Tensor>;

export interface ForwardResult {
  logits: tf.Tensor1D; // (B)
  attention: tf.Tensor4D[]; // per layer (B, H, rows, n), rows = n or 1 ([CLS] only); empty for the MLP
}

/**
 * "fan-in" (default, PyTorch-like): weight matrices N(0, 1/fan_in), embeddings N(0, 1). It breaks the
 * symmetry between positions strongly enough that sparse parity leaves chance within ~1000 steps.
 * "normal-0.02": every weight N(0, 0.02²), as in the public reproduction of the paper's experiment
 * (GPT-2 style); there parity at T = 16 had not left chance after 3000 steps.
 */
function initStd(init: ModelConfig['init'], name: string, shape: number[]): number {
  if (init === 'normal-0.02') return 0.02;
  return name.startsWith('emb.') ? 1 : 1 / Math.sqrt(shape[0]);
}

/** Initial weights from the seeded RNG (not tf.random*), so they are identical on every backend. */
export function initParams(cfg: ModelConfig, rng: Rng): Params {
  const p: Params = {};
  const randn = (name: string, shape: number[]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const std = initStd(cfg.init, name, shape);
    const v = Float32Array.from({ length: size }, () => std * normal(rng));
    // tidy frees the initial tensor; variables outlive it. Unnamed: tfjs names must be unique per process.
    p[name] = tf.tidy(() => tf.variable(tf.tensor(v, shape)));
  };
  const fill = (name: string, shape: number[], value: number) => {
    p[name] = tf.tidy(() => tf.variable(tf.fill(shape, value)));
  };
  const { T, dModel: d, layers } = cfg;
  const hidden = Math.max(1, Math.round(cfg.mlpRatio * d));
  if (cfg.arch === 'mlp') {
    let fanIn = T;
    for (let l = 0; l < layers; l++) {
      randn(`mlp${l}.w`, [fanIn, hidden]);
      fill(`mlp${l}.b`, [hidden], 0);
      fanIn = hidden;
    }
    randn('head.w', [fanIn, 1]);
    fill('head.b', [1], 0);
    return p;
  }
  randn('emb.bit0', [d]); // embedding of a 0 bit
  randn('emb.bit1', [d]); // embedding of a 1 bit
  randn('emb.cls', [d]);
  randn('emb.pos', [T + 1, d]);
  for (let l = 0; l < layers; l++) {
    fill(`h${l}.ln1.g`, [d], 1);
    fill(`h${l}.ln1.b`, [d], 0);
    for (const w of ['q', 'k', 'v']) {
      randn(`h${l}.attn.w${w}`, [d, d]);
      fill(`h${l}.attn.b${w}`, [d], 0);
    }
    randn(`h${l}.attn.wo`, [d, d]);
    fill(`h${l}.attn.bo`, [d], 0);
    fill(`h${l}.ln2.g`, [d], 1);
    fill(`h${l}.ln2.b`, [d], 0);
    randn(`h${l}.mlp.w1`, [d, hidden]);
    fill(`h${l}.mlp.b1`, [hidden], 0);
    randn(`h${l}.mlp.w2`, [hidden, d]);
    fill(`h${l}.mlp.b2`, [d], 0);
  }
  fill('lnf.g', [d], 1);
  fill('lnf.b', [d], 0);
  randn('head.w', [d, 1]);
  fill('head.b', [1], 0);
  return p;
}

/** Parameters that AdamW decays: weight matrices, not biases, LayerNorm gains or embeddings. */
export function isDecayed(name: string): boolean {
  return /\.(w|wq|wk|wv|wo|w1|w2)$/.test(name);
}

// GELU, tanh approximation (tfjs-core has no gelu op). x·x·x, not pow: Pow is slow on WASM.
export function gelu(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.mul(tf.mul(x, x), x))));
  return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
}

export function layerNorm(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), g), b);
}

/**
 * x (rows, in) · w (in, out) + b, as one 2-D matMul (the fast path on WASM). Its own gradient:
 * tfjs's MatMul gradient computes dy·wᵀ and xᵀ·dy with the transpose flags, which WASM runs through
 * a slow generic kernel (10–20× below a plain matMul); transposing first keeps all three products
 * on the fast one. Same mathematics, so the same numbers up to float32 rounding.
 */
const linearWithGrad = tf.customGrad((x, w, b, save) => {
  (save as tf.GradSaveFunc)([x as tf.Tensor2D, w as tf.Tensor2D]);
  return {
    value: tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b as tf.Tensor),
    gradFunc: (dy: tf.Tensor, [xs, ws]: tf.Tensor[]) => [
      tf.matMul(dy as tf.Tensor2D, tf.transpose(ws as tf.Tensor2D)),
      tf.matMul(tf.transpose(xs as tf.Tensor2D), dy as tf.Tensor2D),
      tf.sum(dy, 0),
    ],
  };
});

export function linear(x: tf.Tensor2D, w: tf.Tensor, b: tf.Tensor): tf.Tensor2D {
  return linearWithGrad(x, w, b) as tf.Tensor2D;
}

/** Queries, keys and values of one layer, (B or 1, rows, d): rows = n, or 1 for the [CLS] query alone. */
export interface Qkv {
  q: tf.Tensor3D;
  k: tf.Tensor3D;
  v: tf.Tensor3D;
}

/** q, k, v by projecting every token: x (B, n, d) is the layer's LayerNormed input. */
function projectTokens(x: tf.Tensor3D, p: Weights, l: number, clsOnly: boolean): Qkv {
  const [B, , d] = x.shape;
  // Separate 2-D matMuls for q, k, v rather than one fused and split: SplitV is slow on WASM.
  const proj = (t: tf.Tensor3D, w: 'q' | 'k' | 'v') =>
    tf.reshape(linear(tf.reshape(t, [-1, d]) as tf.Tensor2D, p[`h${l}.attn.w${w}`], p[`h${l}.attn.b${w}`]), [B, -1, d]) as tf.Tensor3D;
  return { q: proj(clsOnly ? (tf.slice(x, [0, 0, 0], [B, 1, d]) as tf.Tensor3D) : x, 'q'), k: proj(x, 'k'), v: proj(x, 'v') };
}

/**
 * The first layer's tokens as a table: the [CLS] row, and at each position t the two rows a bit can
 * make (e_0 + p_t, e_1 + p_t). Every input the first LayerNorm sees is one of these 2T + 1 rows.
 */
interface TokenTable {
  cls: tf.Tensor2D; // (1, d)
  zero: tf.Tensor2D; // (T, d)
  one: tf.Tensor2D; // (T, d)
}

function tokenTable(p: Weights, T: number, d: number): TokenTable {
  const pos = p['emb.pos'];
  const bitPos = tf.slice(pos, [1, 0], [T, d]) as tf.Tensor2D;
  return {
    cls: tf.add(tf.reshape(p['emb.cls'], [1, d]), tf.slice(pos, [0, 0], [1, d])) as tf.Tensor2D,
    zero: tf.add(bitPos, p['emb.bit0']) as tf.Tensor2D,
    one: tf.add(bitPos, p['emb.bit1']) as tf.Tensor2D,
  };
}

/** Applies a row-wise map to the whole table at once (one op on 2T + 1 rows), slicing it back apart. */
function mapTable(t: TokenTable, f: (rows: tf.Tensor2D) => tf.Tensor2D): TokenTable {
  const T = t.zero.shape[0];
  const y = f(tf.concat([t.cls, t.zero, t.one], 0) as tf.Tensor2D);
  const d = y.shape[1];
  return { cls: tf.slice(y, [0, 0], [1, d]), zero: tf.slice(y, [1, 0], [T, d]), one: tf.slice(y, [1 + T, 0], [T, d]) };
}

/** Each sample's rows of a table, chosen by its bits as x·one + (1 − x)·zero (no gather gradient needed). */
function pickRows(t: TokenTable, x: tf.Tensor2D): tf.Tensor3D {
  const [B, T] = x.shape;
  const d = t.cls.shape[1];
  const bits = tf.reshape(x, [B, T, 1]);
  const tok = tf.add(tf.mul(bits, t.one), tf.mul(tf.sub(1, bits), t.zero)); // (B, T, d)
  return tf.concat([tf.tile(tf.reshape(t.cls, [1, 1, d]), [B, 1, 1]), tok], 1) as tf.Tensor3D;
}

/**
 * q, k, v of the first layer from the token table: LayerNorm and the three projections run on the
 * 2T + 1 table rows (not on B·(T + 1) tokens), then each sample picks its rows. Exactly the same
 * arithmetic per token as projectTokens; what is left per sample is O(n·d), not O(n·d²). With
 * `clsOnly` the query is the [CLS] row's, the same for every sample.
 */
function projectTable(x: tf.Tensor2D, p: Weights, l: number, d: number, clsOnly: boolean): Qkv {
  const T = x.shape[1];
  const normed = mapTable(tokenTable(p, T, d), (rows) => layerNorm(rows, p[`h${l}.ln1.g`], p[`h${l}.ln1.b`]) as tf.Tensor2D);
  const proj = (w: 'q' | 'k' | 'v') => mapTable(normed, (rows) => linear(rows, p[`h${l}.attn.w${w}`], p[`h${l}.attn.b${w}`]));
  const q = clsOnly ? (tf.reshape(linear(normed.cls, p[`h${l}.attn.wq`], p[`h${l}.attn.bq`]), [1, 1, d]) as tf.Tensor3D) : pickRows(proj('q'), x);
  return { q, k: pickRows(proj('k'), x), v: pickRows(proj('v'), x) };
}

/**
 * Multi-head self-attention from q, k, v, before the output projection: per sample and head, the
 * softmax over positions and the weighted sum of values, (B, rows, d) merged heads. With `clsOnly`,
 * only the [CLS] token queries (rows = 1): in the last layer nothing else reaches the readout, so
 * training skips the other n − 1 query rows, and a single query row is cheaper as element-wise
 * products and sums than as batched matMuls (slow on WASM). No weights: an ensemble runs it once
 * for all its members' samples (ensembleModel.ts).
 */
export function attentionHeads({ q, k, v }: Qkv, H: number, clsOnly: boolean): { merged: tf.Tensor3D; att: tf.Tensor4D } {
  const [B, n, d] = k.shape;
  const dh = d / H;
  const heads4 = (t: tf.Tensor3D) => tf.reshape(t, [t.shape[0], -1, H, dh]) as tf.Tensor4D; // (B, rows, H, dh)
  if (clsOnly) {
    const scores = tf.mul(tf.sum(tf.mul(heads4(k), heads4(q)), -1), 1 / Math.sqrt(dh)); // (B, n, H)
    const att = tf.softmax(tf.transpose(scores, [0, 2, 1])); // (B, H, n), sums to 1 over n
    const weights = tf.reshape(tf.transpose(att, [0, 2, 1]), [B, n, H, 1]);
    const heads = tf.sum(tf.mul(weights, heads4(v)), 1); // (B, H, dh)
    return { merged: tf.reshape(heads, [B, 1, d]) as tf.Tensor3D, att: tf.reshape(att, [B, H, 1, n]) as tf.Tensor4D };
  }
  const toHeads = (t: tf.Tensor3D) => tf.transpose(heads4(t), [0, 2, 1, 3]) as tf.Tensor4D; // (B, H, n, dh)
  const scores = tf.mul(tf.matMul(toHeads(q), toHeads(k), false, true), 1 / Math.sqrt(dh)); // (B, H, n, n)
  const att = tf.softmax(scores) as tf.Tensor4D; // rows sum to 1
  const heads = tf.matMul(att, toHeads(v)); // (B, H, n, dh)
  return { merged: tf.reshape(tf.transpose(heads, [0, 2, 1, 3]), [B, n, d]) as tf.Tensor3D, att };
}

/**
 * The one-layer model's attention from the token table (tableAttention.ts), as a model of one:
 * merged heads (B, 1, d) and the [CLS] row's attention (B, H, 1, n).
 */
function tableAttention(x: tf.Tensor2D, p: Weights, H: number, d: number): { merged: tf.Tensor3D; att: tf.Tensor4D } {
  const [B, T] = x.shape;
  const t = tokenTable(p, T, d);
  const normed = layerNorm(tf.concat([t.cls, t.zero, t.one], 0), p['h0.ln1.g'], p['h0.ln1.b']); // rows as tableClsAttention reads them
  const one = (name: string) => tf.expandDims(p[`h0.attn.${name}`], 0);
  const single: MemberLinear = (rows, w, b) => tf.expandDims(linear(tf.squeeze(rows, [0]) as tf.Tensor2D, tf.squeeze(w, [0]), tf.squeeze(b, [0])), 0) as tf.Tensor3D;
  const weights = { wq: one('wq'), bq: one('bq'), wk: one('wk'), bk: one('bk'), wv: one('wv'), bv: one('bv') };
  const a = tableClsAttention(tf.expandDims(normed, 0) as tf.Tensor3D, weights, tf.expandDims(x, 0) as tf.Tensor3D, H, single);
  return { merged: tf.reshape(a.merged, [B, 1, d]) as tf.Tensor3D, att: tf.reshape(tf.transpose(a.attention(), [0, 2, 1, 3]), [B, H, 1, T + 1]) as tf.Tensor4D };
}

/** Attention with its output projection, (B, rows, d). */
function attend(qkv: Qkv, p: Weights, l: number, H: number, clsOnly: boolean): { y: tf.Tensor3D; att: tf.Tensor4D } {
  return project(attentionHeads(qkv, H, clsOnly), p, l);
}

function project({ merged, att }: { merged: tf.Tensor3D; att: tf.Tensor4D }, p: Weights, l: number): { y: tf.Tensor3D; att: tf.Tensor4D } {
  const [B, rows, d] = merged.shape;
  const y = linear(tf.reshape(merged, [B * rows, d]) as tf.Tensor2D, p[`h${l}.attn.wo`], p[`h${l}.attn.bo`]);
  return { y: tf.reshape(y, [B, rows, d]) as tf.Tensor3D, att };
}

function mlp(x: tf.Tensor3D, p: Weights, l: number): tf.Tensor3D {
  const [B, n, d] = x.shape;
  const h = gelu(linear(tf.reshape(x, [B * n, d]), p[`h${l}.mlp.w1`], p[`h${l}.mlp.b1`]));
  return tf.reshape(linear(h as tf.Tensor2D, p[`h${l}.mlp.w2`], p[`h${l}.mlp.b2`]), [B, n, d]);
}

/** Tokens: [CLS] first, then each bit, plus the learned position embedding → (B, T + 1, d). */
export function embed(x: tf.Tensor2D, p: Weights, d: number): tf.Tensor3D {
  const [B, T] = x.shape;
  // Bit embedding as x·e1 + (1−x)·e0: a gather would need a gradient kernel WASM lacks.
  const bits = tf.reshape(x, [B, T, 1]);
  const tok = tf.add(tf.mul(bits, p['emb.bit1']), tf.mul(tf.sub(1, bits), p['emb.bit0'])); // (B, T, d)
  const cls = tf.tile(tf.reshape(p['emb.cls'], [1, 1, d]), [B, 1, 1]); // (B, 1, d)
  return tf.add(tf.concat([cls, tok], 1), p['emb.pos']) as tf.Tensor3D;
}

function transformerForward(x: tf.Tensor2D, p: Weights, cfg: ModelConfig, fullAttention: boolean, tabulated: boolean): ForwardResult {
  const [B] = x.shape;
  const d = cfg.dModel;
  // With one tabulated layer only [CLS]'s residual stream reaches the readout, and it is the same for
  // every sample until attention: the other tokens are never embedded (the layer reads the table).
  const clsStream = cfg.layers === 1 && tabulated && !fullAttention;
  const clsToken = () => tf.add(tf.reshape(p['emb.cls'], [1, 1, d]), tf.reshape(tf.slice(p['emb.pos'], [0, 0], [1, d]), [1, 1, d]));
  let h = clsStream ? (tf.tile(clsToken(), [B, 1, 1]) as tf.Tensor3D) : embed(x, p, d); // (B, n or 1, d)
  const maps: tf.Tensor4D[] = [];
  for (let l = 0; l < cfg.layers; l++) {
    const clsOnly = !fullAttention && l === cfg.layers - 1;
    // The first layer's inputs are bit tokens: with one layer its whole attention comes from the
    // table (tableAttention.ts); otherwise its q, k, v do (projectTable).
    let a: { y: tf.Tensor3D; att: tf.Tensor4D };
    if (l === 0 && tabulated && clsOnly) a = project(tableAttention(x, p, cfg.heads, d), p, l);
    else {
      const qkv = l === 0 && tabulated ? projectTable(x, p, l, d, clsOnly) : projectTokens(layerNorm(h, p[`h${l}.ln1.g`], p[`h${l}.ln1.b`]) as tf.Tensor3D, p, l, clsOnly);
      a = attend(qkv, p, l, cfg.heads, clsOnly);
    }
    maps.push(a.att);
    if (clsOnly) h = tf.slice(h, [0, 0, 0], [B, 1, d]); // from here on only [CLS] is carried
    h = tf.add(h, a.y) as tf.Tensor3D;
    h = tf.add(h, mlp(layerNorm(h, p[`h${l}.ln2.g`], p[`h${l}.ln2.b`]) as tf.Tensor3D, p, l)) as tf.Tensor3D;
  }
  const clsState = tf.reshape(tf.slice(h, [0, 0, 0], [B, 1, d]), [B, d]); // the [CLS] token's final state
  const z = linear(layerNorm(clsState, p['lnf.g'], p['lnf.b']) as tf.Tensor2D, p['head.w'], p['head.b']);
  return { logits: tf.reshape(z, [B]) as tf.Tensor1D, attention: maps };
}

/** The baseline: an MLP on the flat bit vector, bits mapped to ±1. */
function mlpForward(x: tf.Tensor2D, p: Weights, cfg: ModelConfig): ForwardResult {
  let h: tf.Tensor2D = tf.sub(tf.mul(x, 2), 1) as tf.Tensor2D;
  for (let l = 0; l < cfg.layers; l++) h = gelu(linear(h, p[`mlp${l}.w`], p[`mlp${l}.b`])) as tf.Tensor2D;
  const z = linear(h, p['head.w'], p['head.b']);
  return { logits: tf.reshape(z, [x.shape[0]]) as tf.Tensor1D, attention: [] };
}

/** Options of a forward pass. */
export interface ForwardOptions {
  /** Compute every query row of the last layer (for attention maps), not only [CLS]'s. */
  fullAttention?: boolean;
  /** Compute the first layer from its token table (default) or by projecting every token. */
  tabulated?: boolean;
}
/** A forward implementation: this file's `forward`, or another injected by a test or benchmark. */
export type ForwardFn = (x: tf.Tensor2D, p: Weights, cfg: ModelConfig, opts?: ForwardOptions) => ForwardResult;

/**
 * x: (B, T) float bits in {0, 1}. By default the last layer computes only the [CLS] query row (the
 * logits are the same); `fullAttention` computes every row, for the attention maps. The first layer
 * is computed from its token table unless `tabulated` is false (the same numbers up to rounding;
 * kept switchable for the equivalence test).
 */
export const forward: ForwardFn = (x, p, cfg, opts = {}) => {
  if (cfg.arch === 'mlp') return mlpForward(x, p, cfg);
  return transformerForward(x, p, cfg, opts.fullAttention ?? false, opts.tabulated ?? true);
};
