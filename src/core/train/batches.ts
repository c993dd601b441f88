// Training rows as tensors: each member's minibatches (or its whole training set), padded to the
// largest member's batch, with the mask that keeps the padding out of the loss.
import * as tf from '@tensorflow/tfjs-core';
import type { Split } from '../spec/dataset';
import { rngFor, shuffle } from '../spec/seededRandom';

export const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);

/** Copies the chosen rows' bits and labels into x (rows × T) and y at row offset `at`. */
export function copyRows(split: Split, T: number, rows: ArrayLike<number>, x: Float32Array, y: Float32Array, at = 0): void {
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r];
    for (let t = 0; t < T; t++) x[(at + r) * T + t] = split.x[i * T + t];
    y[at + r] = split.y[i];
  }
}

/** Draws minibatches without replacement, reshuffling each epoch, from the seed's batch stream. */
export class BatchSampler {
  private order: Int32Array;
  private next = 0;
  private rng;
  constructor(private n: number, private size: number, seed: number) {
    this.rng = rngFor(seed, 'batches');
    this.order = Int32Array.from(range(0, n));
    shuffle(this.rng, this.order);
  }
  take(): number[] {
    const rows: number[] = [];
    while (rows.length < this.size) {
      if (this.next === this.n) {
        shuffle(this.rng, this.order);
        this.next = 0;
      }
      rows.push(this.order[this.next++]);
    }
    return rows;
  }
}

export interface Batch {
  x: tf.Tensor3D; // (K, B, T) bits
  y: tf.Tensor2D; // (K, B) labels
  mask: tf.Tensor2D; // (K, B): 1 on a member's rows, 0 on padding
  size: tf.Tensor1D; // (K): each member's batch size
}

/** One member's source of training rows: its training set, batch size and sampler (none: full batch). */
export interface RowSource {
  train: Split;
  batchSize: number;
  sampler?: BatchSampler;
}

/** The given members' batches, padded to the largest; full-batch members always give all rows. */
export function makeBatch(sources: RowSource[], T: number): Batch {
  const B = Math.max(...sources.map((s) => s.batchSize));
  const K = sources.length;
  const x = new Float32Array(K * B * T);
  const y = new Float32Array(K * B);
  const mask = new Float32Array(K * B);
  sources.forEach((src, s) => {
    copyRows(src.train, T, src.sampler?.take() ?? range(0, src.train.n), x, y, s * B);
    mask.fill(1, s * B, s * B + src.batchSize);
  });
  const size = tf.tensor1d(sources.map((s) => s.batchSize));
  return { x: tf.tensor3d(x, [K, B, T]), y: tf.tensor2d(y, [K, B]), mask: tf.tensor2d(mask, [K, B]), size };
}
