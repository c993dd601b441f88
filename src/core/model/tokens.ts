// What the first layer reads: the tokens ([CLS] first, then one per bit, each plus its learned
// position), and their queries, keys and values. Shapes: K members, B samples, T bits, n = T + 1
// tokens, d model width. With `clsPosition: "last"` [CLS] takes the positional table's last row, as
// when it is appended after the bits; it stays first in the graph's token order, which changes no
// number beyond summation order (attention without a mask treats its tokens as a set) and keeps every
// attention map's layout ([CLS] at index 0) the same for the panel and the scores.
import * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_LAYOUT, type Layout, norm, perMember } from './layers';
import { linear, memberLinear } from './memberProducts';
import type { Block, TransformerParams } from './params';

type P = TransformerParams<tf.Tensor>;

/** Queries, keys and values of one layer, (K, B or 1, rows, d): rows = n, or 1 for the [CLS] query alone. */
export interface Qkv {
  q: tf.Tensor4D;
  k: tf.Tensor4D;
  v: tf.Tensor4D;
}

/** The positional rows of [CLS], (K, 1, d), and of the T bits, (K, T, d), by the layout. */
function positions(pos: tf.Tensor, T: number, { clsLast }: Layout): { cls: tf.Tensor3D; bits: tf.Tensor3D } {
  const [K, , d] = pos.shape;
  return {
    cls: tf.slice(pos, [0, clsLast ? T : 0, 0], [K, 1, d]) as tf.Tensor3D,
    bits: tf.slice(pos, [0, clsLast ? 0 : 1, 0], [K, T, d]) as tf.Tensor3D,
  };
}

/** The positional table in the graph's token order, [CLS] first, (K, n, d). */
function tokenOrderPositions(pos: tf.Tensor, T: number, layout: Layout): tf.Tensor3D {
  if (!layout.clsLast) return pos as tf.Tensor3D; // already in token order: no op, as before the field existed
  const { cls, bits } = positions(pos, T, layout);
  return tf.concat([cls, bits], 1);
}

/** Tokens of every member's samples, (K, B, n, d). */
export function embed(x: tf.Tensor3D, { emb }: P, layout: Layout = DEFAULT_LAYOUT): tf.Tensor4D {
  const [K, B, T] = x.shape;
  // Bit embedding as x·e1 + (1−x)·e0: a gather would need a gradient kernel WASM lacks.
  const bits = tf.reshape(x, [K, B, T, 1]);
  const tok = tf.add(tf.mul(bits, perMember(emb.bit1, 4)), tf.mul(tf.sub(1, bits), perMember(emb.bit0, 4))); // (K, B, T, d)
  const cls = tf.tile(perMember(emb.cls, 4), [1, B, 1, 1]); // (K, B, 1, d)
  return tf.add(tf.concat([cls, tok], 2), tf.expandDims(tokenOrderPositions(emb.pos, T, layout), 1)) as tf.Tensor4D;
}

/** The [CLS] token alone, (K, B, 1, d): the same for every sample of a member. */
export function clsTokens({ emb }: P, B: number, layout: Layout = DEFAULT_LAYOUT): tf.Tensor4D {
  const [K, d] = emb.cls.shape;
  const T = (emb.pos.shape[1] as number) - 1;
  const cls = tf.add(tf.reshape(emb.cls, [K, 1, 1, d]), tf.reshape(positions(emb.pos, T, layout).cls, [K, 1, 1, d]));
  return tf.tile(cls, [1, B, 1, 1]) as tf.Tensor4D;
}

/**
 * Each member's first-layer token table, (K, 2T + 1, d): the [CLS] row, then e_0 + p_t, then
 * e_1 + p_t. Every input the first LayerNorm sees is one of these 2T + 1 rows.
 */
export function tokenTable({ emb }: P, T: number, layout: Layout = DEFAULT_LAYOUT): tf.Tensor3D {
  const { cls: clsPos, bits: bitPos } = positions(emb.pos, T, layout);
  const cls = tf.add(tf.expandDims(emb.cls, 1), clsPos);
  return tf.concat([cls, tf.add(bitPos, perMember(emb.bit0, 3)), tf.add(bitPos, perMember(emb.bit1, 3))], 1) as tf.Tensor3D;
}

/**
 * The first layer's q, k, v from each member's token table: LayerNorm and the three projections run
 * on K × (2T + 1) rows (not on K·B·n tokens), then every sample picks its rows by its bits. Exactly
 * the same arithmetic per token as projectTokens; what is left per sample is O(n·d), not O(n·d²).
 * With `clsOnly` the query is the [CLS] row's, (K, 1, 1, d), the same for every sample of a member.
 */
export function projectTable(x: tf.Tensor3D, p: P, clsOnly: boolean, layout: Layout = DEFAULT_LAYOUT): Qkv {
  const [K, B, T] = x.shape;
  const { ln1, attn } = p.layers[0];
  const normed = norm(tokenTable(p, T, layout), ln1, layout.eps) as tf.Tensor3D; // (K, 2T + 1, d)
  const d = normed.shape[2];
  const bits = tf.reshape(x, [K, B, T, 1]);
  // Each sample's rows, x·one + (1 − x)·zero (no gather gradient needed).
  const pick = (w: tf.Tensor, b: tf.Tensor) => {
    const rows = memberLinear(normed, w, b); // (K, 2T + 1, d)
    const zero = tf.expandDims(tf.slice(rows, [0, 1, 0], [K, T, d]), 1); // (K, 1, T, d)
    const one = tf.expandDims(tf.slice(rows, [0, 1 + T, 0], [K, T, d]), 1);
    const tok = tf.add(tf.mul(bits, one), tf.mul(tf.sub(1, bits), zero)); // (K, B, T, d)
    const clsRow = tf.tile(tf.reshape(tf.slice(rows, [0, 0, 0], [K, 1, d]), [K, 1, 1, d]), [1, B, 1, 1]);
    return tf.concat([clsRow, tok], 2) as tf.Tensor4D;
  };
  const clsQuery = () => tf.reshape(memberLinear(tf.slice(normed, [0, 0, 0], [K, 1, d]) as tf.Tensor3D, attn.wq, attn.bq), [K, 1, 1, d]) as tf.Tensor4D;
  return { q: clsOnly ? clsQuery() : pick(attn.wq, attn.bq), k: pick(attn.wk, attn.bk), v: pick(attn.wv, attn.bv) };
}

/** q, k, v by projecting every token of h (K, B, n, d), the layer's input before its LayerNorm. */
export function projectTokens(h: tf.Tensor4D, { ln1, attn }: Block<tf.Tensor>, clsOnly: boolean, eps?: number): Qkv {
  const [K, B, , d] = h.shape;
  const x = norm(h, ln1, eps);
  // Separate products for q, k, v rather than one fused and split: SplitV is slow on WASM.
  const proj = (t: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => linear(t, { w, b }) as tf.Tensor4D;
  const queries = clsOnly ? tf.slice(x, [0, 0, 0, 0], [K, B, 1, d]) : x;
  return { q: proj(queries, attn.wq, attn.bq), k: proj(x, attn.wk, attn.bk), v: proj(x, attn.wv, attn.bv) };
}
