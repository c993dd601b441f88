// Evaluation of one member: accuracies and attention maps from the forward pass with K = 1 on
// the member's slices, the variable-creation score, the weight norms, and the events they make.
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset, Split } from '../spec/dataset';
import { type ForwardFn, type ModelConfig, type Params, forward } from '../model/model';
import { bestHeadScore, clsMassOnRelevant, poolMap } from '../model/variableCreation';
import { weightNorms } from '../model/weightNorms';
import type { LayerNorms } from '../../protocol/runEvents';
import { copyRows, range } from './batches';
import type { TrainHooks, TrainResult } from './training';

/** Largest side of the pooled attention map sent with each snapshot. */
export const MAP_CELLS = 64;
const round4 = (v: number) => Math.round(v * 1e4) / 1e4;

/** Samples per forward pass during evaluation, so the attention tensors stay near 64 MiB. */
export function evalChunk(cfg: ModelConfig): number {
  if (cfg.arch === 'mlp') return 4096;
  const n = cfg.T + 1;
  return Math.max(1, Math.min(2048, Math.floor((16 * 2 ** 20) / (cfg.heads * n * n * cfg.layers))));
}

/** The chosen rows' bits as one member's batch, (1, rows, T). */
function rowsToTensor(split: Split, T: number, rows: ArrayLike<number>): tf.Tensor3D {
  const x = new Float32Array(rows.length * T);
  copyRows(split, T, rows, x, new Float32Array(rows.length));
  return tf.tensor3d(x, [1, rows.length, T]);
}

/** A tensor's values, read asynchronously (WebGPU in Node has no synchronous read), then disposed. */
export async function readAndDispose(t: tf.Tensor): Promise<Float32Array> {
  try {
    return (await t.data()) as Float32Array;
  } finally {
    t.dispose();
  }
}

export async function accuracy(split: Split, p: Params, cfg: ModelConfig, fwd: ForwardFn = forward): Promise<number> {
  const chunk = evalChunk(cfg);
  let correct = 0;
  for (let from = 0; from < split.n; from += chunk) {
    const rows = range(from, Math.min(split.n, from + chunk));
    const logits = await readAndDispose(tf.tidy(() => fwd(rowsToTensor(split, cfg.T, rows), p, cfg).logits));
    rows.forEach((i, r) => {
      if ((logits[r] > 0 ? 1 : 0) === split.y[i]) correct++;
    });
  }
  return correct / split.n;
}

/** How many test samples the mean attention map averages (its full maps stay near 32 MiB). */
export function attentionSamples(split: Split, cfg: ModelConfig): number {
  const n = cfg.T + 1;
  return Math.max(1, Math.min(256, split.n, Math.floor(2 ** 23 / (cfg.heads * n * n))));
}

/** Mean attention over a few test samples, per layer (H, n, n). */
export async function meanAttention(split: Split, p: Params, cfg: ModelConfig, fwd: ForwardFn = forward): Promise<Float32Array[]> {
  if (cfg.arch === 'mlp') return [];
  const samples = attentionSamples(split, cfg);
  const means = tf.tidy(() => {
    const { attention } = fwd(rowsToTensor(split, cfg.T, range(0, samples)), p, cfg, { fullAttention: true, attention: true });
    return attention.map((a) => tf.mean(a, [0, 1])); // (1, B, H, n, n) → (H, n, n)
  });
  return Promise.all(means.map(readAndDispose));
}

/** What one evaluation of one member measures; the events are made from it (Evaluator.report). */
export interface Measurement {
  testAccuracy: number;
  trainAccuracy: number;
  /** Mean attention per layer (H, n, n); empty for the MLP. */
  maps: Float32Array[];
  norms?: LayerNorms[];
}

/** One member's measurement from its weights (a record with K = 1), one forward pass at a time. */
export async function measureMember(data: Dataset, weights: Params, cfg: ModelConfig, fwd: ForwardFn = forward): Promise<Measurement> {
  const testAccuracy = await accuracy(data.test, weights, cfg, fwd);
  const trainAccuracy = await accuracy(data.train, weights, cfg, fwd);
  const maps = await meanAttention(data.test, weights, cfg, fwd);
  const norms = cfg.arch === 'transformer' ? await weightNorms(weights, cfg) : undefined;
  return { testAccuracy, trainAccuracy, maps, norms };
}

/**
 * Evaluation of one member every `evalEvery` steps: test and train accuracy, attention per head,
 * the variable-creation score, and the events they make, from its weights (a record with K = 1).
 */
export class Evaluator {
  private lossSum = 0;
  private lossCount = 0;
  private readonly started = Date.now();
  last: Pick<TrainResult, 'testAccuracy' | 'trainAccuracy' | 'attentionOnRelevant'> = { testAccuracy: null, trainAccuracy: null, attentionOnRelevant: null };

  constructor(
    private readonly cfg: ModelConfig,
    private readonly data: Dataset,
    private readonly hooks: TrainHooks,
    private readonly fwd: ForwardFn = forward,
  ) {}

  addLoss(loss: number): void {
    this.lossSum += loss;
    this.lossCount++;
  }

  /** Evaluates the weights at `step`, reports the events, returns the test accuracy. */
  async evaluate(step: number, weights: Params): Promise<number> {
    return this.report(step, await measureMember(this.data, weights, this.cfg, this.fwd));
  }

  /** Reports what was measured at `step` as events; returns the test accuracy. */
  report(step: number, measured: Measurement): number {
    const { cfg, data, hooks } = this;
    const { testAccuracy, trainAccuracy, maps, norms } = measured;
    const n = cfg.T + 1;
    const perHead = maps.map((m) => clsMassOnRelevant(m, cfg.heads, n, data.target.relevant).map(round4));
    const attentionOnRelevant = bestHeadScore(perHead);
    hooks.onMetrics?.({
      type: 'metrics',
      step,
      loss: this.lossCount ? this.lossSum / this.lossCount : null,
      trainAccuracy,
      testAccuracy,
      attentionOnRelevant,
      attentionPerHead: perHead,
      ...(norms ? { norms } : {}),
      elapsedSeconds: (Date.now() - this.started) / 1000,
      liveTensors: tf.memory().numTensors,
    });
    if (maps.length) {
      hooks.onAttention?.({
        type: 'attention',
        step,
        n,
        relevant: data.target.relevant,
        layers: maps.map((m, l) => ({
          heads: range(0, cfg.heads).map((h) => {
            const pooled = poolMap(m, h * n * n, n, MAP_CELLS);
            const cls = Array.from(m.subarray(h * n * n, h * n * n + n), round4);
            return { cls, size: pooled.size, cells: pooled.cells.map(round4), onRelevant: perHead[l][h] };
          }),
        })),
      });
    }
    this.lossSum = 0;
    this.lossCount = 0;
    this.last = { testAccuracy, trainAccuracy, attentionOnRelevant };
    return testAccuracy;
  }
}

