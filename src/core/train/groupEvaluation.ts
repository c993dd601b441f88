// Evaluation of many members in one forward pass, for backends that run a batched product as one
// kernel (WebGPU, native TensorFlow): on a GPU, K members evaluated one by one cost K round trips
// of small kernels and reads; here a group of members shares every pass. Members may hold different
// numbers of rows (unequal m): each member's rows are padded to the group's longest and the padded
// rows are not counted. The numbers are those of measureMember (evaluation.ts) up to float rounding
// of the attention mean, which is summed over each member's own samples.
import * as tf from '@tensorflow/tfjs-core';
import type { ForwardFn, ModelConfig, Params } from '../model/model';
import { weightNorms } from '../model/weightNorms';
import { leavesOf, mapParams } from '../model/params';
import type { Dataset, Split } from '../spec/dataset';
import { copyRows, range } from './batches';
import { type Measurement, attentionSamples, evalChunk, readAndDispose } from './evaluation';

/**
 * Floats one group's largest evaluation tensor may hold: 128 MiB, WebGPU's guaranteed minimum for
 * one storage-buffer binding (maxStorageBufferBindingSize), so every adapter can bind it.
 */
const GROUP_FLOATS = 2 ** 25;

/**
 * The most (sample, head) pairs one batched attention product may hold: WebGPU runs a batched matMul
 * as one dispatch whose Z dimension is its batch, and every adapter's bound on one dispatch dimension
 * (maxComputeWorkgroupsPerDimension) is at least 65535. On an H200 the protocol's attention maps
 * (67 members × 256 samples × 16 heads = 274,432) failed every run with "Dispatch size exceeds
 * WebGPU limits in Y or Z dimension".
 */
export const MAX_BATCH = 65535;

/**
 * Members per group: as many as keep the attention maps of `attentionSamples` rows under GROUP_FLOATS
 * and their (member · sample · head) batch under MAX_BATCH.
 */
export function groupSize(cfg: ModelConfig, samples: number, K: number): number {
  if (cfg.arch === 'mlp') return K;
  const n = cfg.T + 1;
  const perMember = samples * cfg.heads * n * n * cfg.layers;
  const byDispatch = Math.floor(MAX_BATCH / (samples * cfg.heads));
  return Math.max(1, Math.min(K, Math.floor(GROUP_FLOATS / perMember), byDispatch));
}

/** Rows [from, from + rows) of each member's split as one batch (G, rows, T), zero rows past a member's end. */
function groupRows(splits: Split[], T: number, from: number, rows: number): tf.Tensor3D {
  const x = new Float32Array(splits.length * rows * T);
  splits.forEach((split, g) => {
    const mine = range(from, Math.min(split.n, from + rows));
    if (mine.length) copyRows(split, T, mine, x.subarray(g * rows * T, (g * rows + mine.length) * T), new Float32Array(mine.length));
  });
  return tf.tensor3d(x, [splits.length, rows, T]);
}

/** Each member's accuracy on its own split, in passes of `rows` rows per member. */
async function groupAccuracy(splits: Split[], weights: Params, cfg: ModelConfig, fwd: ForwardFn): Promise<number[]> {
  const G = splits.length;
  const rows = Math.max(1, Math.floor(evalChunk(cfg) / G));
  const correct = new Array<number>(G).fill(0);
  const longest = Math.max(...splits.map((s) => s.n));
  for (let from = 0; from < longest; from += rows) {
    const width = Math.min(rows, longest - from);
    const logits = await readAndDispose(tf.tidy(() => fwd(groupRows(splits, cfg.T, from, width), weights, cfg).logits));
    splits.forEach((split, g) => {
      for (let r = 0; r < width && from + r < split.n; r++) if ((logits[g * width + r] > 0 ? 1 : 0) === split.y[from + r]) correct[g]++;
    });
  }
  return correct.map((c, g) => c / splits[g].n);
}

/** Each member's mean attention per layer (H, n, n) over its first attentionSamples test rows. */
async function groupAttention(splits: Split[], weights: Params, cfg: ModelConfig, fwd: ForwardFn): Promise<Float32Array[][]> {
  if (cfg.arch === 'mlp') return splits.map(() => []);
  const samples = splits.map((s) => attentionSamples(s, cfg));
  const width = Math.max(...samples);
  const means = tf.tidy(() => {
    // A (G, width) mask of each member's own samples, divided by their count: the mean as a weighted sum.
    const weight = tf.tensor2d(splits.flatMap((_, g) => range(0, width).map((r) => (r < samples[g] ? 1 / samples[g] : 0))), [splits.length, width]);
    const { attention } = fwd(groupRows(splits, cfg.T, 0, width), weights, cfg, { fullAttention: true, attention: true });
    return attention.map((a) => tf.sum(tf.mul(a, tf.reshape(weight, [splits.length, width, 1, 1, 1])), 1)); // (G, H, n, n)
  });
  const layers = await Promise.all(means.map(readAndDispose));
  const size = layers.length ? layers[0].length / splits.length : 0;
  return splits.map((_, g) => layers.map((l) => l.slice(g * size, (g + 1) * size)));
}

/** One member's slice of a group's weights (K = 1), for the host-side norms. */
const memberOf = (weights: Params, g: number): Params => mapParams(weights, (v) => tf.gather(v, [g]));

/** Measurements of a group of members from their stacked weights (G, ...), in shared forward passes. */
export async function measureGroup(data: Dataset[], weights: Params, cfg: ModelConfig, fwd: ForwardFn): Promise<Measurement[]> {
  const test = await groupAccuracy(data.map((d) => d.test), weights, cfg, fwd);
  const train = await groupAccuracy(data.map((d) => d.train), weights, cfg, fwd);
  const maps = await groupAttention(data.map((d) => d.test), weights, cfg, fwd);
  const out: Measurement[] = [];
  for (const g of data.keys()) {
    let norms;
    if (cfg.arch === 'transformer') {
      const member = memberOf(weights, g);
      norms = await weightNorms(member, cfg);
      tf.dispose(leavesOf(member));
    }
    out.push({ testAccuracy: test[g], trainAccuracy: train[g], maps: maps[g], norms });
  }
  return out;
}
