// The training loop: AdamW on binary cross-entropy over the finite training set, evaluation every
// `evalEvery` steps, success by the experiment's rule (early stop at the target accuracy, or the
// accuracy after all steps), divergence detection. Pure science: it
// reports through callbacks and knows nothing of files, processes or editors.
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset, Split } from '../spec/dataset';
import { type Experiment, effectiveBatchSize } from '../spec/experimentSpec';
import { type ForwardFn, type ModelConfig, type Weights, forward, initParams, isDecayed } from '../model/model';
import { rngFor, shuffle } from '../spec/seededRandom';
import { bestHeadScore, clsMassOnRelevant, poolMap } from '../model/variableCreation';
import { projectAttentionNorms } from '../model/normProjection';
import { weightNorms } from '../model/weightNorms';
import type { AttentionEvent, MetricsEvent, RunStatus } from '../../protocol/runEvents';

export interface TrainHooks {
  /** Called once the model exists, before the first evaluation. */
  onReady?: (info: { parameterCount: number }) => void;
  onMetrics?: (e: MetricsEvent) => void;
  onAttention?: (e: AttentionEvent) => void;
  /** Called after every step; cheap, for progress bars. */
  onStep?: (step: number, loss: number) => void;
  /** Polled between steps; true ends the run as `cancelled`. */
  shouldStop?: () => boolean;
}

/** Options of the single-model trainer, for tests and benchmarks that compare computations. */
export interface TrainOptions {
  /** The forward implementation (default model.ts's); a benchmark injects the reference one. */
  forward?: ForwardFn;
  /** First layer from its token table (default) or by projecting every token. */
  tabulated?: boolean;
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

/** Copies the chosen rows' bits and labels into x (rows × T) and y at row offset `at`. */
export function copyRows(split: Split, T: number, rows: ArrayLike<number>, x: Float32Array, y: Float32Array, at = 0): void {
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r];
    for (let t = 0; t < T; t++) x[(at + r) * T + t] = split.x[i * T + t];
    y[at + r] = split.y[i];
  }
}

function rowsToTensor(split: Split, T: number, rows: ArrayLike<number>): { x: tf.Tensor2D; y: tf.Tensor1D } {
  const x = new Float32Array(rows.length * T);
  const y = new Float32Array(rows.length);
  copyRows(split, T, rows, x, y);
  return { x: tf.tensor2d(x, [rows.length, T]), y: tf.tensor1d(y) };
}

export const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);

export function accuracy(split: Split, p: Weights, cfg: ModelConfig, fwd: ForwardFn = forward): number {
  const chunk = evalChunk(cfg);
  let correct = 0;
  for (let from = 0; from < split.n; from += chunk) {
    const rows = range(from, Math.min(split.n, from + chunk));
    const logits = tf.tidy(() => fwd(rowsToTensor(split, cfg.T, rows).x, p, cfg).logits.dataSync());
    rows.forEach((i, r) => {
      if ((logits[r] > 0 ? 1 : 0) === split.y[i]) correct++;
    });
  }
  return correct / split.n;
}

/** Mean attention over a few test samples, per layer (H, n, n). */
export function meanAttention(split: Split, p: Weights, cfg: ModelConfig, fwd: ForwardFn = forward): Float32Array[] {
  if (cfg.arch === 'mlp') return [];
  const n = cfg.T + 1;
  const samples = Math.max(1, Math.min(256, split.n, Math.floor(2 ** 23 / (cfg.heads * n * n))));
  return tf.tidy(() => {
    const { attention } = fwd(rowsToTensor(split, cfg.T, range(0, samples)).x, p, cfg, { fullAttention: true });
    return attention.map((a) => tf.mean(a, 0).dataSync() as Float32Array);
  });
}

/** Binary cross-entropy with logits per sample, in the stable form max(z,0) − z·y + log(1 + e^−|z|). */
export function bceTerms(z: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.add(tf.sub(tf.relu(z), tf.mul(z, y)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
}

/** Mean binary cross-entropy with logits over the batch. */
export function bceWithLogits(z: tf.Tensor1D, y: tf.Tensor1D): tf.Scalar {
  return tf.mean(bceTerms(z, y)) as tf.Scalar;
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

/**
 * Evaluation of one model every `evalEvery` steps: test and train accuracy, attention per head,
 * the variable-creation score, and the events they make. One implementation for the single-model
 * and the ensemble trainer, so a member's events are exactly its single run's.
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
  evaluate(step: number, weights: Weights): number {
    const { cfg, data, hooks } = this;
    const testAccuracy = accuracy(data.test, weights, cfg, this.fwd);
    const trainAccuracy = accuracy(data.train, weights, cfg, this.fwd);
    const maps = meanAttention(data.test, weights, cfg, this.fwd);
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
      ...(cfg.arch === 'transformer' ? { norms: weightNorms(weights, cfg) } : {}),
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

/** `reached` stops at the first evaluation on target; `final` judges only the last one. */
export function judge(rule: Experiment['training'], step: number, testAccuracy: number): 'succeeded' | undefined {
  if (testAccuracy < rule.targetAccuracy) return undefined;
  if (rule.successWhen === 'reached' || step === rule.maxSteps) return 'succeeded';
  return undefined;
}

/**
 * The single-model trainer: the standard computation with tfjs's own Adam, one model per call. The
 * product trains through the ensemble trainer (ensembleTraining.ts), which this one checks: an
 * ensemble of one must give the same numbers.
 */
export async function train(spec: Experiment, data: Dataset, hooks: TrainHooks = {}, opts: TrainOptions = {}): Promise<TrainResult> {
  const cfg = modelConfig(spec);
  const { learningRate: lr, weightDecay, maxSteps, evalEvery } = spec.training;
  const params = initParams(cfg, rngFor(spec.seed, 'init'));
  // A bounded-norm model starts inside its ball too.
  if (spec.model.maxNorm !== undefined) projectAttentionNorms(params, cfg, spec.model.maxNorm);
  const vars = Object.values(params);
  const decayed = Object.entries(params).filter(([name]) => isDecayed(name)).map(([, v]) => v);
  const parameterCount = vars.reduce((a, v) => a + v.size, 0);
  const optimizer = tf.train.adam(lr, 0.9, 0.999, 1e-8);
  const batchSize = effectiveBatchSize(spec);
  const fullBatch = batchSize === data.train.n;
  // Full batch: the training set stays resident as tensors; minibatches are built per step.
  const resident = fullBatch ? rowsToTensor(data.train, cfg.T, range(0, data.train.n)) : undefined;
  const sampler = fullBatch ? undefined : new BatchSampler(data.train.n, batchSize, spec.seed);
  const fwd = opts.forward ?? forward;
  const evaluator = new Evaluator(cfg, data, hooks, fwd);

  let status: TrainResult['status'] = 'not-reached';
  let step = 0;
  try {
    hooks.onReady?.({ parameterCount });
    evaluator.evaluate(0, params);
    while (step < maxSteps) {
      if (hooks.shouldStop?.()) {
        status = 'cancelled';
        break;
      }
      const loss = tf.tidy(() => {
        const batch = resident ?? rowsToTensor(data.train, cfg.T, sampler!.take());
        const logits = () => fwd(batch.x, params, cfg, { tabulated: opts.tabulated }).logits;
        const { value, grads } = tf.variableGrads(() => bceWithLogits(logits(), batch.y), vars);
        optimizer.applyGradients(grads as tf.NamedTensorMap as never);
        // AdamW: decay decoupled from the adaptive step (Loshchilov & Hutter), weights only.
        if (weightDecay > 0) for (const v of decayed) v.assign(tf.mul(v, 1 - lr * weightDecay));
        if (spec.model.maxNorm !== undefined) projectAttentionNorms(params, cfg, spec.model.maxNorm);
        return value.dataSync()[0];
      });
      step++;
      if (!Number.isFinite(loss)) {
        status = 'diverged';
        break;
      }
      evaluator.addLoss(loss);
      hooks.onStep?.(step, loss);
      if (step % evalEvery === 0 || step === maxSteps) {
        const verdict = judge(spec.training, step, evaluator.evaluate(step, params));
        if (verdict) status = verdict;
        if (verdict && spec.training.successWhen === 'reached') break;
      }
      // Let signals and IPC messages (stop) through between steps.
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    optimizer.dispose();
    tf.dispose(vars);
    if (resident) tf.dispose([resident.x, resident.y]);
  }
  return { status, steps: step, parameterCount, ...evaluator.last };
}
