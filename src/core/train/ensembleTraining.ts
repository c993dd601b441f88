// The ensemble trainer: K runs of one sweep that share architecture, T and training settings, trained
// in one graph (ensembleModel.ts). Each member keeps everything that makes it its own run: seed,
// initial weights (drawn as its single run draws them), training set and size m, AdamW state,
// evaluation and events, early stop / successWhen, divergence. Members with unequal m share a batch
// axis padded to the largest; padded rows are masked out of the loss, so each member's gradient is
// exactly that of its own mean loss. A member that ends is removed from the stack at
// once (compaction), so it costs nothing afterwards.
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../spec/dataset';
import { type StackedParams, ensembleLogits, memberWeights, stackParams } from '../model/ensembleModel';
import { type Experiment, effectiveBatchSize } from '../spec/experimentSpec';
import { initParams, isDecayed } from '../model/model';
import { projectAttentionNorms } from '../model/normProjection';
import { rngFor } from '../spec/seededRandom';
import { BatchSampler, Evaluator, type TrainHooks, type TrainResult, bceTerms, copyRows, judge, modelConfig, range } from './training';

export interface EnsembleMember {
  spec: Experiment;
  data: Dataset;
  /** Per-member callbacks (shouldStop is the ensemble's, in the options). */
  hooks?: Omit<TrainHooks, 'shouldStop'>;
  /** Called the moment the member ends, while the others may still train (its run can be closed). */
  onFinished?: (result: TrainResult) => void;
}

/**
 * Runs can share an ensemble when this key is equal: same T, model and training settings. Seed,
 * task target, noise and data sizes may differ.
 */
export function ensembleKey(spec: Experiment): string {
  return JSON.stringify({ T: spec.task.T, model: spec.model, training: spec.training });
}

/** Largest ensemble the sweep forms on its own: beyond it the per-member gain is small (bench). */
export const MAX_ENSEMBLE = 64;

/**
 * Rough peak memory one member adds to an ensemble's training step (float32): per sample and layer
 * the attention scores, probabilities and their gradients (3·H·n, or 3·H·n² where every query row is
 * computed) and ~10 d-vectors per token (3·mlpRatio more where the MLP sees every token), plus the
 * parameters with their gradient and Adam's two moments. Evaluation runs member by member and is
 * not multiplied by K.
 */
export function memberStepBytes(spec: Experiment): number {
  const B = effectiveBatchSize(spec);
  const { layers, heads, dModel: d, mlpRatio, arch } = spec.model;
  const n = spec.task.T + 1;
  const hidden = mlpRatio * d;
  if (arch === 'mlp') return 4 * (B * (spec.task.T + layers * hidden * 3) + 4 * (spec.task.T * hidden + layers * hidden * hidden));
  let floats = 0;
  for (let l = 0; l < layers; l++) {
    const clsOnly = l === layers - 1;
    floats += B * (clsOnly ? 3 * heads * n + n * d * 10 : 3 * heads * n * n + n * d * (10 + 3 * mlpRatio));
  }
  const params = n * d + layers * (4 * d * d + 2 * d * hidden);
  return 4 * (floats + 4 * params);
}

/** What an ensemble needs besides its members' steps: evaluation (one member at a time, ~64 MiB chunks). */
export const EVALUATION_RESERVE_BYTES = 64 * 2 ** 20;

/** Estimated peak memory of an ensemble of K such members. */
export function ensembleBytes(spec: Experiment, K: number): number {
  return EVALUATION_RESERVE_BYTES + K * memberStepBytes(spec);
}

/** How many such members fit in `budgetBytes` (at least 1, at most MAX_ENSEMBLE). */
export function membersWithin(spec: Experiment, budgetBytes: number): number {
  return Math.max(1, Math.min(MAX_ENSEMBLE, Math.floor((budgetBytes - EVALUATION_RESERVE_BYTES) / memberStepBytes(spec))));
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

/** β^t as tfjs's Adam holds it: a float32 product, one factor per step. */
function accumulatedBeta(beta: number, t: number): number {
  let acc = Math.fround(beta);
  for (let i = 1; i < t; i++) acc = Math.fround(acc * Math.fround(beta));
  return acc;
}

/** Adam's moments for every stacked parameter, updated element-wise for all members at once. */
interface Moments {
  first: StackedParams;
  second: StackedParams;
}

/**
 * One AdamW step on every member, in tfjs's Adam arithmetic (tf.train.adam, same order of
 * operations) so that an ensemble of one follows the single-model trainer; then decoupled decay.
 */
function adamStep(params: StackedParams, grads: Record<string, tf.Tensor>, moments: Moments, t: number, lr: number, weightDecay: number): void {
  const c1 = 1 - accumulatedBeta(BETA1, t);
  const c2 = 1 - accumulatedBeta(BETA2, t);
  for (const [name, v] of Object.entries(params)) {
    const g = grads[v.name]; // variableGrads keys by the variable's own (engine-wide) name
    const m = tf.add(tf.mul(moments.first[name], BETA1), tf.mul(g, 1 - BETA1));
    const s = tf.add(tf.mul(moments.second[name], BETA2), tf.mul(tf.square(g), 1 - BETA2));
    moments.first[name].assign(m);
    moments.second[name].assign(s);
    v.assign(tf.add(tf.mul(tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(s, c2)), EPSILON)), -lr), v));
    // AdamW: decay decoupled from the adaptive step (Loshchilov & Hutter), weights only.
    if (weightDecay > 0 && isDecayed(name)) v.assign(tf.mul(v, 1 - lr * weightDecay));
  }
}

/** Keeps only the members at `keep` (stack positions) in a stacked record; disposes the old one. */
function compact(record: StackedParams, keep: number[]): StackedParams {
  const out: StackedParams = {};
  for (const [name, v] of Object.entries(record)) {
    out[name] = tf.tidy(() => tf.variable(tf.gather(v, keep)));
    v.dispose();
  }
  return out;
}

const zerosLike = (record: StackedParams): StackedParams =>
  Object.fromEntries(Object.entries(record).map(([name, v]) => [name, tf.tidy(() => tf.variable(tf.zerosLike(v)))]));

interface Batch {
  x: tf.Tensor3D; // (K, B, T) bits
  y: tf.Tensor2D; // (K, B) labels
  mask: tf.Tensor2D; // (K, B): 1 on a member's rows, 0 on padding
  size: tf.Tensor1D; // (K): each member's batch size
}

export async function trainEnsemble(members: EnsembleMember[], opts: { shouldStop?: () => boolean } = {}): Promise<TrainResult[]> {
  if (members.length === 0) return [];
  const key = ensembleKey(members[0].spec);
  members.forEach((m, i) => {
    if (ensembleKey(m.spec) !== key) throw new Error(`ensemble member ${i} (${m.spec.name}) differs from member 0 in T, model or training settings`);
  });
  const spec0 = members[0].spec;
  const cfg = modelConfig(spec0);
  const { learningRate: lr, weightDecay, maxSteps, evalEvery } = spec0.training;
  const T = cfg.T;
  const hooks = members.map((m) => m.hooks ?? {});
  const evaluators = members.map((m, i) => new Evaluator(cfg, m.data, hooks[i]));
  const batchSizes = members.map((m) => effectiveBatchSize(m.spec));
  const samplers = members.map((m, i) => (batchSizes[i] === m.data.train.n ? undefined : new BatchSampler(m.data.train.n, batchSizes[i], m.spec.seed)));
  const results: (TrainResult | undefined)[] = members.map(() => undefined);

  const singles = members.map((m) => initParams(cfg, rngFor(m.spec.seed, 'init')));
  let params = stackParams(singles);
  if (spec0.model.maxNorm !== undefined) projectAttentionNorms(params, cfg, spec0.model.maxNorm);
  singles.forEach((p) => tf.dispose(Object.values(p)));
  const parameterCount = Object.values(params).reduce((a, v) => a + v.size, 0) / members.length;
  let moments: Moments = { first: zerosLike(params), second: zerosLike(params) };
  let active = range(0, members.length); // member index at each stack position

  /** The active members' batches, padded to the largest; full-batch members always give all rows. */
  const makeBatch = (): Batch => {
    const B = Math.max(...active.map((i) => batchSizes[i]));
    const K = active.length;
    const x = new Float32Array(K * B * T);
    const y = new Float32Array(K * B);
    const mask = new Float32Array(K * B);
    active.forEach((i, s) => {
      const train = members[i].data.train;
      copyRows(train, T, samplers[i]?.take() ?? range(0, train.n), x, y, s * B);
      mask.fill(1, s * B, s * B + batchSizes[i]);
    });
    const size = tf.tensor1d(active.map((i) => batchSizes[i]));
    return { x: tf.tensor3d(x, [K, B, T]), y: tf.tensor2d(y, [K, B]), mask: tf.tensor2d(mask, [K, B]), size };
  };
  const allFullBatch = () => active.every((i) => !samplers[i]);
  let resident = allFullBatch() ? makeBatch() : undefined;

  let step = 0;
  const finish = (i: number, status: TrainResult['status']) => {
    results[i] = { status, steps: step, parameterCount, ...evaluators[i].last };
    members[i].onFinished?.(results[i]!);
  };
  const evaluate = (s: number) => tf.tidy(() => evaluators[active[s]].evaluate(step, memberWeights(params, s)));

  try {
    hooks.forEach((h) => h.onReady?.({ parameterCount }));
    active.forEach((_, s) => evaluate(s));
    while (step < maxSteps && active.length > 0) {
      if (opts.shouldStop?.()) break;
      const losses = tf.tidy(() => {
        const batch = resident ?? makeBatch();
        let perMember: tf.Tensor1D | undefined;
        const { grads } = tf.variableGrads(() => {
          const terms = bceTerms(ensembleLogits(batch.x, params, cfg), batch.y);
          // Each member's mean loss over its own rows (sum, then divide: tf.mean's arithmetic).
          perMember = tf.keep(tf.div(tf.sum(tf.mul(terms, batch.mask), 1), batch.size) as tf.Tensor1D);
          return tf.sum(perMember) as tf.Scalar;
        }, Object.values(params));
        adamStep(params, grads, moments, step + 1, lr, weightDecay);
        if (spec0.model.maxNorm !== undefined) projectAttentionNorms(params, cfg, spec0.model.maxNorm);
        if (!resident) tf.dispose(Object.values(batch));
        return perMember!;
      });
      const values = losses.dataSync();
      losses.dispose();
      step++;
      const ended: number[] = [];
      active.forEach((i, s) => {
        const loss = values[s];
        if (!Number.isFinite(loss)) {
          finish(i, 'diverged');
          ended.push(s);
          return;
        }
        evaluators[i].addLoss(loss);
        hooks[i].onStep?.(step, loss);
        if (step % evalEvery === 0 || step === maxSteps) {
          const verdict = judge(spec0.training, step, evaluate(s));
          // judge() succeeds only at an end: the first hit under "reached", the last step under "final".
          if (verdict || step === maxSteps) {
            finish(i, verdict ?? 'not-reached');
            ended.push(s);
          }
        }
      });
      if (ended.length > 0 && ended.length < active.length) {
        const keep = range(0, active.length).filter((s) => !ended.includes(s));
        active = keep.map((s) => active[s]);
        params = compact(params, keep);
        moments = { first: compact(moments.first, keep), second: compact(moments.second, keep) };
        if (resident) tf.dispose(Object.values(resident));
        resident = allFullBatch() ? makeBatch() : undefined;
      } else if (ended.length > 0) active = [];
      // Let signals and IPC messages (stop) through between steps.
      await new Promise((resolve) => setImmediate(resolve));
    }
    for (const i of active) finish(i, 'cancelled');
  } finally {
    tf.dispose([...Object.values(params), ...Object.values(moments.first), ...Object.values(moments.second)]);
    if (resident) tf.dispose(Object.values(resident));
  }
  return results as TrainResult[];
}
