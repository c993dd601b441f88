// The parameters as a typed record, one field per weight, and what is done to them by structure:
// drawn (initParams), stacked on a leading member axis (stackParams), mapped (mapParams: member
// slices, compaction) and listed (leavesOf: the optimiser's view). Every leaf is tagged with its KIND
// where it is drawn; weight decay reads the kind, never a name (the linear layers' weight matrices
// decay, as nanoGPT decides by dimension; embeddings, biases and LayerNorm gains do not).
import * as tf from '@tensorflow/tfjs-core';
import type { Experiment } from '../spec/experimentSpec';
import { type Rng, normal } from '../spec/seededRandom';

export type ModelConfig = Experiment['model'] & { T: number };
export type Kind = 'matrix' | 'bias' | 'gain' | 'embedding';

export interface Linear<L> {
  w: L; // (in, out)
  b: L; // (out)
}
export interface Norm<L> {
  g: L; // (d) gain
  b: L; // (d) shift
}
export interface Block<L> {
  ln1: Norm<L>;
  attn: { wq: L; bq: L; wk: L; bk: L; wv: L; bv: L; wo: L; bo: L }; // w* (d, d), b* (d)
  ln2: Norm<L>;
  mlp: { w1: L; b1: L; w2: L; b2: L }; // w1 (d, hidden), w2 (hidden, d)
}
export interface TransformerParams<L> {
  emb: { bit0: L; bit1: L; cls: L; pos: L }; // bit0, bit1, cls (d); pos (T + 1, d)
  layers: Block<L>[];
  lnf: Norm<L>;
  head: Linear<L>; // (d, 1)
}
/** The baseline: an MLP on the flat bit vector. */
export interface MlpParams<L> {
  layers: Linear<L>[];
  head: Linear<L>;
}
export type ParamTree<L> = TransformerParams<L> | MlpParams<L>;

/** One leaf as drawn for one model: its kind, shape and initial values. A class, so walks can tell it from a branch. */
export class Drawn {
  constructor(
    readonly kind: Kind,
    readonly shape: number[],
    readonly values: Float32Array,
  ) {}
}

/** What a forward pass reads: every leaf with a leading member axis, (K, ...). */
export type Params = ParamTree<tf.Tensor>;
/** An ensemble's trainable parameters, (K, ...) each. */
export type Variables = ParamTree<tf.Variable>;

export const isTransformer = <L>(p: ParamTree<L>): p is TransformerParams<L> => 'emb' in p;

// A branch is a plain object or an array; anything else (tensor, Drawn, kind string) is a leaf.
const isBranch = (v: unknown): v is Record<string, unknown> => Array.isArray(v) || Object.getPrototypeOf(v) === Object.prototype;

/** The same record with every leaf mapped, in the record's order. */
export function mapParams<A, B>(tree: TransformerParams<A>, f: (leaf: A) => B): TransformerParams<B>;
export function mapParams<A, B>(tree: ParamTree<A>, f: (leaf: A) => B): ParamTree<B>;
export function mapParams<A, B>(tree: ParamTree<A>, f: (leaf: A) => B): ParamTree<B> {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (isBranch(v)) return Object.fromEntries(Object.entries(v).map(([key, child]) => [key, walk(child)]));
    return f(v as A);
  };
  return walk(tree) as ParamTree<B>;
}

/** Every leaf in the record's order (the same order for every record of one architecture). */
export function leavesOf<L>(tree: ParamTree<L>): L[] {
  const out: L[] = [];
  mapParams(tree, (leaf) => out.push(leaf));
  return out;
}

/**
 * "fan-in" (default, PyTorch-like): weight matrices N(0, 1/fan_in), embeddings N(0, 1). It breaks the
 * symmetry between positions strongly enough that sparse parity leaves chance within ~1000 steps.
 * "normal-0.02": every weight N(0, 0.02²), as in the public reproduction of the paper's experiment
 * (GPT-2 style); there parity at T = 16 had not left chance after 3000 steps.
 */
function initStd(init: ModelConfig['init'], kind: Kind, shape: number[]): number {
  if (init === 'normal-0.02') return 0.02;
  return kind === 'embedding' ? 1 : 1 / Math.sqrt(shape[0]);
}

/**
 * Initial weights of one model from the seeded RNG (not tf.random*), so they are identical on every
 * backend. The draws happen in the order the fields are written below (object literals evaluate in
 * source order): emb.bit0, bit1, cls, pos, then per layer wq, wk, wv, wo, w1, w2, then head.w.
 */
export function initParams(cfg: ModelConfig, rng: Rng): ParamTree<Drawn> {
  const randn = (kind: Kind, shape: number[]) => {
    const std = initStd(cfg.init, kind, shape);
    return new Drawn(kind, shape, Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => std * normal(rng)));
  };
  const fill = (kind: Kind, shape: number[], value: number) => new Drawn(kind, shape, new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(value));
  const linear = (fanIn: number, out: number): Linear<Drawn> => ({ w: randn('matrix', [fanIn, out]), b: fill('bias', [out], 0) });
  const norm = (d: number): Norm<Drawn> => ({ g: fill('gain', [d], 1), b: fill('bias', [d], 0) });
  const { T, dModel: d, layers } = cfg;
  const hidden = Math.max(1, Math.round(cfg.mlpRatio * d));
  if (cfg.arch === 'mlp') {
    const mlpLayers = Array.from({ length: layers }, (_, l) => linear(l === 0 ? T : hidden, hidden));
    return { layers: mlpLayers, head: linear(layers === 0 ? T : hidden, 1) };
  }
  const emb = { bit0: randn('embedding', [d]), bit1: randn('embedding', [d]), cls: randn('embedding', [d]), pos: randn('embedding', [T + 1, d]) };
  const block = (): Block<Drawn> => {
    const ln1 = norm(d);
    const q = linear(d, d);
    const k = linear(d, d);
    const v = linear(d, d);
    const o = linear(d, d);
    const ln2 = norm(d);
    const attn = { wq: q.w, bq: q.b, wk: k.w, bk: k.b, wv: v.w, bv: v.b, wo: o.w, bo: o.b };
    const l1 = linear(d, hidden);
    const l2 = linear(hidden, d);
    return { ln1, attn, ln2, mlp: { w1: l1.w, b1: l1.b, w2: l2.w, b2: l2.b } };
  };
  const blocks = Array.from({ length: layers }, block);
  return { emb, layers: blocks, lnf: norm(d), head: linear(d, 1) };
}

/** The kinds of a record's leaves, in its order. */
export const kindsOf = (tree: ParamTree<Drawn>): Kind[] => leavesOf(tree).map((leaf) => leaf.kind);

/** Stacks K members' initial parameters (each drawn as its single run draws them) into variables (K, ...). */
export function stackParams(members: ParamTree<Drawn>[]): Variables {
  const perMember = members.map((m) => leavesOf(m));
  let i = 0;
  return mapParams(members[0], (leaf) => {
    const parts = perMember.map((leaves) => leaves[i].values);
    i++;
    const values = new Float32Array(parts.length * leaf.values.length);
    parts.forEach((part, k) => values.set(part, k * leaf.values.length));
    // tidy frees the initial tensor; variables outlive it. Unnamed: tfjs names must be unique per process.
    return tf.tidy(() => tf.variable(tf.tensor(values, [parts.length, ...leaf.shape])));
  });
}
