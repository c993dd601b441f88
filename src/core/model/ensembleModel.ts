// K models of the same architecture and T in one graph: every parameter is stacked on a leading
// model axis (K, ...), every activation carries it too (K, B, ...). Element-wise work (embeddings,
// LayerNorm, GELU, the attention softmax and weighted sums) runs once for all members; only the
// products with a member's own weight matrices are per member (bmm). Same arithmetic as model.ts per
// member, so each member computes what its single run computes, up to summation order.
import * as tf from '@tensorflow/tfjs-core';
import { type ModelConfig, type Params, type Weights, attentionHeads, gelu, layerNorm } from './model';
import { tableClsAttention } from './tableAttention';

/** An ensemble's parameters: model.ts's names, each with a leading model axis of size K. */
export type StackedParams = Record<string, tf.Variable>;

/** Stacks K members' initial parameters (each drawn as its single run draws them). */
export function stackParams(members: Params[]): StackedParams {
  const out: StackedParams = {};
  for (const name of Object.keys(members[0])) out[name] = tf.tidy(() => tf.variable(tf.stack(members.map((p) => p[name]))));
  return out;
}

/** Member k's weights as plain tensors, for evaluation with model.ts's forward. */
export function memberWeights(p: StackedParams, k: number): Weights {
  const w: Weights = {};
  for (const [name, v] of Object.entries(p)) w[name] = member(v, k);
  return w;
}

/**
 * Whether per-member products run as one batched matMul (native TensorFlow: fast for it) or as K
 * plain 2-D matMuls: tfjs-wasm's fast kernel serves only 2-D products, and a batched one with
 * batch > 1 on both sides costs ~9× more per member there (measured: 1.05 vs 0.115 ms, 416×64·64×64).
 */
const batchedMatMul = () => tf.getBackend() === 'tensorflow';

/** Scalar index tensors 0, 1, … kept for the process: gather's indices, made once. */
const indices: tf.Tensor[] = [];
const indexOf = (k: number) => (indices[k] ??= tf.keep(tf.scalar(k, 'int32')));

/**
 * Member k's slice of a stacked tensor, as a gather: tfjs-wasm's Slice (and Unpack, SplitV) copy the
 * whole input for every slice taken, so K slices cost O(K²); a gather costs what it returns.
 */
function member(t: tf.Tensor, k: number): tf.Tensor {
  return tf.reshape<tf.Rank>(tf.gather(t, indexOf(k)), t.shape.slice(1));
}

/**
 * x (K, R, in) · w (K, in, out) per member. Its own gradient, for the same reason as model.ts's
 * linear: the transposes are explicit so every product stays on the fast 2-D kernel; and the
 * backward pass reuses the forward's per-member pieces instead of splitting x and w again.
 */
const bmmPerMember = tf.customGrad((x, w, save) => {
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

/** Per-member linear layer: x (K, R, in) · w (K, in, out) + b (K, out). */
function linear(x: tf.Tensor3D, w: tf.Tensor, b: tf.Tensor): tf.Tensor3D {
  const y = batchedMatMul() ? tf.matMul(x, w as tf.Tensor3D) : (bmmPerMember(x, w) as tf.Tensor3D);
  return tf.add(y, tf.expandDims(b, 1)) as tf.Tensor3D;
}

/** A per-member vector (K, d) shaped to broadcast over activations of the given rank. */
function perMember(v: tf.Tensor, rank: number): tf.Tensor {
  const [K, d] = v.shape;
  return tf.reshape(v, [K, ...Array(rank - 2).fill(1), d]);
}

const norm = (x: tf.Tensor, p: StackedParams, name: string) => layerNorm(x, perMember(p[`${name}.g`], x.rank), perMember(p[`${name}.b`], x.rank));

/** Runs a per-member linear layer on activations of any rank (K, ..., in). */
function linearAny(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const K = x.shape[0];
  const y = linear(tf.reshape(x, [K, -1, x.shape[x.rank - 1]]) as tf.Tensor3D, w, b);
  return tf.reshape(y, [...x.shape.slice(0, -1), w.shape[2]!]);
}

/**
 * Queries, keys and values of one layer with the model axis kept: k, v (K, B, n, d); q (K, B, n, d),
 * or with `clsOnly` the [CLS] query alone, (K, 1, 1, d) when it is the same for every sample of a
 * member (first layer) or (K, B, 1, d).
 */
interface StackedQkv {
  q: tf.Tensor4D;
  k: tf.Tensor4D;
  v: tf.Tensor4D;
}

/**
 * The first layer's q, k, v from each member's token table (model.ts projectTable, per member):
 * LayerNorm and projections on K × (2T + 1) rows, then every sample picks its rows by its bits.
 */
function projectTable(x: tf.Tensor3D, p: StackedParams, d: number, clsOnly: boolean): StackedQkv {
  const [K, B, T] = x.shape;
  const normed = norm(tokenTable(p, T, d), p, 'h0.ln1') as tf.Tensor3D;
  const bits = tf.reshape(x, [K, B, T, 1]);
  const pick = (w: 'q' | 'k' | 'v') => {
    const rows = linear(normed, p[`h0.attn.w${w}`], p[`h0.attn.b${w}`]); // (K, 2T + 1, d)
    const zero = tf.expandDims(tf.slice(rows, [0, 1, 0], [K, T, d]), 1); // (K, 1, T, d)
    const one = tf.expandDims(tf.slice(rows, [0, 1 + T, 0], [K, T, d]), 1);
    const tok = tf.add(tf.mul(bits, one), tf.mul(tf.sub(1, bits), zero)); // (K, B, T, d)
    const clsRow = tf.tile(tf.reshape(tf.slice(rows, [0, 0, 0], [K, 1, d]), [K, 1, 1, d]), [1, B, 1, 1]);
    return tf.concat([clsRow, tok], 2) as tf.Tensor4D;
  };
  // The [CLS] query is the same for every sample of a member.
  const q = clsOnly ? tf.reshape(linear(tf.slice(normed, [0, 0, 0], [K, 1, d]) as tf.Tensor3D, p['h0.attn.wq'], p['h0.attn.bq']), [K, 1, 1, d]) : pick('q');
  return { q: q as tf.Tensor4D, k: pick('k'), v: pick('v') };
}

/** The one-layer model's attention for every member, merged heads (K, B, 1, d). */
function tableAttention(x: tf.Tensor3D, p: StackedParams, H: number, d: number): tf.Tensor4D {
  const [K, B, T] = x.shape;
  const normed = norm(tokenTable(p, T, d), p, 'h0.ln1') as tf.Tensor3D;
  const a = (name: string) => p[`h0.attn.${name}`];
  const weights = { wq: a('wq'), bq: a('bq'), wk: a('wk'), bk: a('bk'), wv: a('wv'), bv: a('bv') };
  return tf.reshape(tableClsAttention(normed, weights, x, H, linear).merged, [K, B, 1, d]) as tf.Tensor4D;
}

/** Each member's first-layer token table, (K, 2T + 1, d): the [CLS] row, then e_0 + p_t, then e_1 + p_t. */
function tokenTable(p: StackedParams, T: number, d: number): tf.Tensor3D {
  const pos = p['emb.pos']; // (K, T + 1, d)
  const K = pos.shape[0];
  const bitPos = tf.slice(pos, [0, 1, 0], [K, T, d]);
  const cls = tf.add(tf.expandDims(p['emb.cls'], 1), tf.slice(pos, [0, 0, 0], [K, 1, d]));
  return tf.concat([cls, tf.add(bitPos, perMember(p['emb.bit0'], 3)), tf.add(bitPos, perMember(p['emb.bit1'], 3))], 1) as tf.Tensor3D;
}

/** q, k, v of a later layer by projecting every token of h (K, B, n, d). */
function projectTokens(h: tf.Tensor4D, p: StackedParams, l: number, clsOnly: boolean): StackedQkv {
  const [K, B, , d] = h.shape;
  const x = norm(h, p, `h${l}.ln1`);
  const proj = (t: tf.Tensor, w: 'q' | 'k' | 'v') => linearAny(t, p[`h${l}.attn.w${w}`], p[`h${l}.attn.b${w}`]) as tf.Tensor4D;
  return { q: proj(clsOnly ? tf.slice(x, [0, 0, 0, 0], [K, B, 1, d]) : x, 'q'), k: proj(x, 'k'), v: proj(x, 'v') };
}

/**
 * Attention for all members at once, merged heads (K, B, rows, d). The [CLS]-only case is model.ts's
 * arithmetic with one more leading axis, so that a member's query broadcasts over its own samples
 * exactly as a single run's does (its gradient then sums in the same order); the full case treats a
 * member's samples as more samples (model.ts attentionHeads on K·B).
 */
function attendAll({ q, k, v }: StackedQkv, H: number, clsOnly: boolean): tf.Tensor4D {
  const [K, B, n, d] = k.shape;
  if (!clsOnly) {
    const flat = (t: tf.Tensor4D) => tf.reshape(t, [K * B, n, d]) as tf.Tensor3D;
    return tf.reshape(attentionHeads({ q: flat(q), k: flat(k), v: flat(v) }, H, false).merged, [K, B, n, d]) as tf.Tensor4D;
  }
  const dh = d / H;
  const heads5 = (t: tf.Tensor4D) => tf.reshape(t, [K, t.shape[1], -1, H, dh]); // (K, B or 1, rows, H, dh)
  const scores = tf.mul(tf.sum(tf.mul(heads5(k), heads5(q)), -1), 1 / Math.sqrt(dh)); // (K, B, n, H)
  const att = tf.softmax(tf.transpose(scores, [0, 1, 3, 2])); // (K, B, H, n)
  const weights = tf.reshape(tf.transpose(att, [0, 1, 3, 2]), [K, B, n, H, 1]);
  const heads = tf.sum(tf.mul(weights, heads5(v)), 2); // (K, B, H, dh)
  return tf.reshape(heads, [K, B, 1, d]) as tf.Tensor4D;
}

/** Tokens of every member's samples, (K, B, n, d), for layers after a non-tabulated first one. */
function embed(x: tf.Tensor3D, p: StackedParams, d: number): tf.Tensor4D {
  const [K, B, T] = x.shape;
  const bits = tf.reshape(x, [K, B, T, 1]);
  const tok = tf.add(tf.mul(bits, perMember(p['emb.bit1'], 4)), tf.mul(tf.sub(1, bits), perMember(p['emb.bit0'], 4)));
  const cls = tf.tile(perMember(p['emb.cls'], 4), [1, B, 1, 1]);
  return tf.add(tf.concat([cls, tok], 2), tf.expandDims(p['emb.pos'], 1)) as tf.Tensor4D;
}

function transformerLogits(x: tf.Tensor3D, p: StackedParams, cfg: ModelConfig): tf.Tensor2D {
  const [K, B] = x.shape;
  const d = cfg.dModel;
  // One layer: only [CLS]'s residual stream reaches the readout (as in model.ts, same ops).
  const clsToken = () => tf.add(tf.reshape(p['emb.cls'], [K, 1, 1, d]), tf.reshape(tf.slice(p['emb.pos'], [0, 0, 0], [K, 1, d]), [K, 1, 1, d]));
  let h = cfg.layers === 1 ? (tf.tile(clsToken(), [1, B, 1, 1]) as tf.Tensor4D) : embed(x, p, d); // (K, B, n or 1, d)
  for (let l = 0; l < cfg.layers; l++) {
    const clsOnly = l === cfg.layers - 1;
    // One layer: its whole attention comes from the token tables (tableAttention.ts, as model.ts).
    const merged =
      l === 0 && clsOnly ? tableAttention(x, p, cfg.heads, d) : attendAll(l === 0 ? projectTable(x, p, d, clsOnly) : projectTokens(h, p, l, clsOnly), cfg.heads, clsOnly);
    const y = linearAny(merged, p[`h${l}.attn.wo`], p[`h${l}.attn.bo`]);
    if (clsOnly) h = tf.slice(h, [0, 0, 0, 0], [K, B, 1, d]); // from here on only [CLS] is carried
    h = tf.add(h, y) as tf.Tensor4D;
    const hidden = gelu(linearAny(norm(h, p, `h${l}.ln2`), p[`h${l}.mlp.w1`], p[`h${l}.mlp.b1`]));
    h = tf.add(h, linearAny(hidden, p[`h${l}.mlp.w2`], p[`h${l}.mlp.b2`])) as tf.Tensor4D;
  }
  const clsState = tf.reshape(tf.slice(h, [0, 0, 0, 0], [K, B, 1, d]), [K, B, d]);
  return tf.reshape(linear(norm(clsState, p, 'lnf') as tf.Tensor3D, p['head.w'], p['head.b']), [K, B]) as tf.Tensor2D;
}

function mlpLogits(x: tf.Tensor3D, p: StackedParams, cfg: ModelConfig): tf.Tensor2D {
  const [K, B] = x.shape;
  let h: tf.Tensor3D = tf.sub(tf.mul(x, 2), 1) as tf.Tensor3D;
  for (let l = 0; l < cfg.layers; l++) h = gelu(linear(h, p[`mlp${l}.w`], p[`mlp${l}.b`])) as tf.Tensor3D;
  return tf.reshape(linear(h, p['head.w'], p['head.b']), [K, B]) as tf.Tensor2D;
}

/**
 * Logits (K, B) of every member on its own samples x (K, B, T). Training only: the last layer
 * computes the [CLS] query alone and no attention maps are returned (evaluation runs each member
 * through model.ts's forward, memberWeights).
 */
export function ensembleLogits(x: tf.Tensor3D, p: StackedParams, cfg: ModelConfig): tf.Tensor2D {
  return cfg.arch === 'mlp' ? mlpLogits(x, p, cfg) : transformerLogits(x, p, cfg);
}
