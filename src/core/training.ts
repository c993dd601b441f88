// The training loop: AdamW on binary cross-entropy over the finite training set, evaluation every
// `evalEvery` steps, success by the experiment's rule (early stop at the target accuracy, or the
// accuracy after all steps), divergence detection. Pure science: it
// reports through callbacks and knows nothing of files, processes or editors.
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset, Split } from './dataset';
import { type Experiment, effectiveBatchSize } from './experimentSpec';
import { type ForwardImpl, type ModelConfig, type Params, forward, initParams, isDecayed } from './model';
import { rngFor, shuffle } from './seededRandom';
import { bestHeadScore, clsMassOnRelevant, poolMap } from './variableCreation';
import type { AttentionEvent, MetricsEvent, RunStatus } from '../protocol/runEvents';

export interface TrainHooks {
  /** Called once the model exists, before the first evaluation. */
  onReady?: (info: { parameterCount: number }) => void;
  onMetrics?: (e: MetricsEvent) => void;
  onAttention?: (e: AttentionEvent) => void;
  /** Called after every step; cheap, for progress bars. */
  onStep?: (step: number, loss: number) => void;
  /** Polled between steps; true ends the run as `cancelled`. */
  shouldStop?: () => boolean;
  /**
   * Train and evaluate with the straightforward implementation (referenceModel.ts) instead of the
   * fast path. Same mathematics; kept for the equivalence test and before/after benchmarks.
   */
  reference?: boolean;
}

export interface TrainResult {
  status: Exclude<RunStatus, 'failed'>;
  steps: number;
  testAccuracy: number | null;
  trainAccuracy: number | null;
  attentionOnRelevant: number | null;
  parameterCount: number;
}

/** Largest side of the pooled attention map sent with each snapshot. */
export const MAP_CELLS = 64;
const round4 = (v: number) => Math.round(v * 1e4) / 1e4;

export function modelConfig(spec: Experiment): ModelConfig {
  return { ...spec.model, T: spec.task.T };
}

/** Samples per forward pass during evaluation, so the attention tensors stay near 64 MiB. */
function evalChunk(cfg: ModelConfig): number {
  if (cfg.arch === 'mlp') return 4096;
  const n = cfg.T + 1;
  return Math.max(1, Math.min(2048, Math.floor((16 * 2 ** 20) / (cfg.heads * n * n * cfg.layers))));
}

function rowsToTensor(split: Split, T: number, rows: ArrayLike<number>): { x: tf.Tensor2D; y: tf.Tensor1D } {
  const x = new Float32Array(rows.length * T);
  const y = new Float32Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r];
    for (let t = 0; t < T; t++) x[r * T + t] = split.x[i * T + t];
    y[r] = split.y[i];
  }
  return { x: tf.tensor2d(x, [rows.length, T]), y: tf.tensor1d(y) };
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);

export function accuracy(split: Split, p: Params, cfg: ModelConfig, impl: ForwardImpl = 'fast'): number {
  const chunk = evalChunk(cfg);
  let correct = 0;
  for (let from = 0; from < split.n; from += chunk) {
    const rows = range(from, Math.min(split.n, from + chunk));
    const logits = tf.tidy(() => forward(rowsToTensor(split, cfg.T, rows).x, p, cfg, { impl }).logits.dataSync());
    rows.forEach((i, r) => {
      if ((logits[r] > 0 ? 1 : 0) === split.y[i]) correct++;
    });
  }
  return correct / split.n;
}

/** Mean attention over a few test samples, per layer (H, n, n). */
export function meanAttention(split: Split, p: Params, cfg: ModelConfig, impl: ForwardImpl = 'fast'): Float32Array[] {
  if (cfg.arch === 'mlp') return [];
  const n = cfg.T + 1;
  const samples = Math.max(1, Math.min(256, split.n, Math.floor(2 ** 23 / (cfg.heads * n * n))));
  return tf.tidy(() => {
    const { attention } = forward(rowsToTensor(split, cfg.T, range(0, samples)).x, p, cfg, { fullAttention: true, impl });
    return attention.map((a) => tf.mean(a, 0).dataSync() as Float32Array);
  });
}

/** Binary cross-entropy with logits, in the numerically stable form max(z,0) − z·y + log(1 + e^−|z|). */
export function bceWithLogits(z: tf.Tensor1D, y: tf.Tensor1D): tf.Scalar {
  return tf.mean(tf.add(tf.sub(tf.relu(z), tf.mul(z, y)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))))) as tf.Scalar;
}

/** Draws minibatches without replacement, reshuffling each epoch, from the seed's batch stream. */
class BatchSampler {
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

export async function train(spec: Experiment, data: Dataset, hooks: TrainHooks = {}): Promise<TrainResult> {
  const cfg = modelConfig(spec);
  const { learningRate: lr, weightDecay, maxSteps, evalEvery, targetAccuracy, successWhen } = spec.training;
  const params = initParams(cfg, rngFor(spec.seed, 'init'));
  const vars = Object.values(params);
  const decayed = Object.entries(params).filter(([name]) => isDecayed(name)).map(([, v]) => v);
  const parameterCount = vars.reduce((a, v) => a + v.size, 0);
  const optimizer = tf.train.adam(lr, 0.9, 0.999, 1e-8);
  const batchSize = effectiveBatchSize(spec);
  const fullBatch = batchSize === data.train.n;
  // Full batch: the training set stays resident as tensors; minibatches are built per step.
  const resident = fullBatch ? rowsToTensor(data.train, cfg.T, range(0, data.train.n)) : undefined;
  const sampler = fullBatch ? undefined : new BatchSampler(data.train.n, batchSize, spec.seed);
  const started = Date.now();
  const impl: ForwardImpl = hooks.reference ? 'reference' : 'fast';

  let lossSum = 0;
  let lossCount = 0;
  let last: Pick<TrainResult, 'testAccuracy' | 'trainAccuracy' | 'attentionOnRelevant'> = {
    testAccuracy: null,
    trainAccuracy: null,
    attentionOnRelevant: null,
  };

  const evaluate = (step: number) => {
    const testAccuracy = accuracy(data.test, params, cfg, impl);
    const trainAccuracy = accuracy(data.train, params, cfg, impl);
    const maps = meanAttention(data.test, params, cfg, impl);
    const n = cfg.T + 1;
    const perHead = maps.map((m) => clsMassOnRelevant(m, cfg.heads, n, data.target.relevant).map(round4));
    const attentionOnRelevant = bestHeadScore(perHead);
    hooks.onMetrics?.({
      type: 'metrics',
      step,
      loss: lossCount ? lossSum / lossCount : null,
      trainAccuracy,
      testAccuracy,
      attentionOnRelevant,
      attentionPerHead: perHead,
      elapsedSeconds: (Date.now() - started) / 1000,
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
    lossSum = 0;
    lossCount = 0;
    last = { testAccuracy, trainAccuracy, attentionOnRelevant };
    return testAccuracy;
  };

  let status: TrainResult['status'] = 'not-reached';
  let step = 0;
  try {
    hooks.onReady?.({ parameterCount });
    evaluate(0);
    while (step < maxSteps) {
      if (hooks.shouldStop?.()) {
        status = 'cancelled';
        break;
      }
      const loss = tf.tidy(() => {
        const batch = resident ?? rowsToTensor(data.train, cfg.T, sampler!.take());
        const { value, grads } = tf.variableGrads(() => bceWithLogits(forward(batch.x, params, cfg, { impl }).logits, batch.y), vars);
        optimizer.applyGradients(grads as tf.NamedTensorMap as never);
        // AdamW: decay decoupled from the adaptive step (Loshchilov & Hutter), weights only.
        if (weightDecay > 0) for (const v of decayed) v.assign(tf.mul(v, 1 - lr * weightDecay));
        return value.dataSync()[0];
      });
      step++;
      if (!Number.isFinite(loss)) {
        status = 'diverged';
        break;
      }
      lossSum += loss;
      lossCount++;
      hooks.onStep?.(step, loss);
      if (step % evalEvery === 0 || step === maxSteps) {
        const testAccuracy = evaluate(step);
        // `reached` stops at the first evaluation on target; `final` judges only the last one.
        if (successWhen === 'reached' && testAccuracy >= targetAccuracy) {
          status = 'succeeded';
          break;
        }
        if (successWhen === 'final' && step === maxSteps && testAccuracy >= targetAccuracy) status = 'succeeded';
      }
      // Let signals and IPC messages (stop) through between steps.
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    optimizer.dispose();
    tf.dispose(vars);
    if (resident) tf.dispose([resident.x, resident.y]);
  }
  return { status, steps: step, parameterCount, ...last };
}
