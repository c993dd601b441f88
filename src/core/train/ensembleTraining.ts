// The training loop, the one the product runs: K runs of one sweep that share architecture, T and
// training settings, trained in one graph (model.ts over a member axis; a single run is K = 1, see
// `train`). Each member keeps everything that makes it its own run: seed, initial weights (drawn as
// its single run draws them), training set and size m, AdamW state, evaluation and events, early
// stop / successWhen, divergence. Members with unequal m share a batch axis padded to the largest;
// padded rows are masked out of the loss, so each member's gradient is exactly that of its own mean
// loss. A member that ends is removed from the stack at once (memberStack.ts).
import * as tf from '@tensorflow/tfjs-core';
import type { DropoutPlan } from '../model/dropout';
import { type ForwardFn, type ModelConfig, forward } from '../model/model';
import { projectAttentionNorms } from '../model/normProjection';
import { initParams, leavesOf } from '../model/params';
import type { Dataset } from '../spec/dataset';
import { type Experiment, effectiveBatchSize, estimateTrainingMemoryBytes } from '../spec/experimentSpec';
import { rngFor } from '../spec/seededRandom';
import { adamStep } from './adamw';
import { type Batch, BatchSampler, type RowSource, makeBatch, range } from './batches';
import { Evaluator, type Measurement, attentionSamples, readAndDispose } from './evaluation';
import { groupSize, measureGroup } from './groupEvaluation';
import { batchedMatMul } from '../model/memberProducts';
import { MemberStack } from './memberStack';
import { type TrainHooks, type TrainResult, judge, modelConfig } from './training';

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

/** What one member adds to an ensemble's training step: the one estimate (src/protocol/trainingMemory.ts). */
export const memberStepBytes = (spec: Experiment): number => estimateTrainingMemoryBytes(spec);

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

/** Options of the loop as a whole; `forward` and `tabulated` are for tests and benchmarks that compare computations. */
export interface TrainOptions {
  /** Polled between steps; true ends every member still training as `cancelled`. */
  shouldStop?: () => boolean;
  /** The forward implementation (default model.ts's); a benchmark injects the reference one. */
  forward?: ForwardFn;
  /** First layer from its token table (default) or by projecting every token. */
  tabulated?: boolean;
}

/** Binary cross-entropy with logits per sample, in the stable form max(z,0) − z·y + log(1 + e^−|z|). */
export function bceTerms(z: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.add(tf.sub(tf.relu(z), tf.mul(z, y)), tf.log1p(tf.exp(tf.neg(tf.abs(z)))));
}

/** One ensemble's training: the member stack, its batches, and each member's evaluator and end. */
class EnsembleRun {
  readonly cfg: ModelConfig;
  readonly training: Experiment['training'];
  readonly stack: MemberStack;
  readonly evaluators: Evaluator[];
  readonly sources: RowSource[];
  readonly results: (TrainResult | undefined)[];
  readonly parameterCount: number;
  /** The training set as tensors while every active member trains on its full set. */
  resident?: Batch;
  step = 0;

  constructor(readonly members: EnsembleMember[], readonly opts: TrainOptions) {
    const spec0 = members[0].spec;
    this.cfg = modelConfig(spec0);
    this.training = spec0.training;
    this.evaluators = members.map((m) => new Evaluator(this.cfg, m.data, m.hooks ?? {}, opts.forward ?? forward));
    this.sources = members.map((m) => {
      const batchSize = effectiveBatchSize(m.spec);
      return { train: m.data.train, batchSize, sampler: batchSize === m.data.train.n ? undefined : new BatchSampler(m.data.train.n, batchSize, m.spec.seed) };
    });
    this.results = members.map(() => undefined);
    this.stack = new MemberStack(members.map((m) => initParams(this.cfg, rngFor(m.spec.seed, 'init'))));
    // A bounded-norm model starts inside its ball too.
    this.projectNorms();
    this.parameterCount = this.stack.memberParameterCount();
    this.refreshResident();
  }

  projectNorms(): void {
    if (this.cfg.maxNorm !== undefined) projectAttentionNorms(this.stack.params, this.cfg, this.cfg.maxNorm);
  }

  refreshResident(): void {
    if (this.resident) tf.dispose(Object.values(this.resident));
    const sources = this.stack.active.map((i) => this.sources[i]);
    this.resident = sources.every((s) => !s.sampler) ? makeBatch(sources, this.cfg.T) : undefined;
  }

  /** The step's dropout (`model.dropout`): each active member's own seed, in stack order; none at rate 0. */
  dropoutPlan(): DropoutPlan | undefined {
    const rate = this.cfg.dropout ?? 0;
    if (rate === 0) return undefined;
    return { rate, seeds: this.stack.active.map((i) => this.members[i].spec.seed), step: this.step + 1 };
  }

  /** One AdamW step on every active member; returns each one's mean loss on its batch. */
  async trainStep(): Promise<Float32Array> {
    const { learningRate: lr, weightDecay } = this.training;
    const fwd = this.opts.forward ?? forward;
    const losses = tf.tidy(() => {
      const batch = this.resident ?? makeBatch(this.stack.active.map((i) => this.sources[i]), this.cfg.T);
      let perMember: tf.Tensor1D | undefined;
      const { grads } = tf.variableGrads(() => {
        const terms = bceTerms(fwd(batch.x, this.stack.params, this.cfg, { tabulated: this.opts.tabulated, dropout: this.dropoutPlan() }).logits, batch.y);
        // Each member's mean loss over its own rows (sum, then divide: tf.mean's arithmetic).
        perMember = tf.keep(tf.div(tf.sum(tf.mul(terms, batch.mask), 1), batch.size) as tf.Tensor1D);
        return tf.sum(perMember) as tf.Scalar;
      }, this.stack.leaves());
      adamStep(this.stack.leaves(), this.stack.kinds, grads, this.stack.moments, this.step + 1, lr, weightDecay);
      this.projectNorms();
      if (!this.resident) tf.dispose(Object.values(batch));
      return perMember as tf.Tensor1D;
    });
    // The one read per step, asynchronous: WebGPU in Node has no synchronous read.
    return readAndDispose(losses);
  }

  /**
   * Evaluates the members at stack positions `due` and reports their events; returns each one's
   * test accuracy. Where a batched product is one kernel (GPU), groups of members share each
   * forward pass; elsewhere (WASM) each member runs alone on its slices (K = 1), as it always has.
   */
  async evaluate(due: number[]): Promise<number[]> {
    const measured = batchedMatMul() ? await this.measureGroups(due) : undefined;
    const accuracies: number[] = [];
    for (const [j, s] of due.entries()) {
      const evaluator = this.evaluators[this.stack.active[s]];
      if (measured) {
        accuracies.push(evaluator.report(this.step, measured[j]));
        continue;
      }
      const weights = this.stack.slice(s);
      try {
        accuracies.push(await evaluator.evaluate(this.step, weights));
      } finally {
        tf.dispose(leavesOf(weights));
      }
    }
    return accuracies;
  }

  private async measureGroups(due: number[]): Promise<Measurement[]> {
    const data = due.map((s) => this.members[this.stack.active[s]].data);
    const G = groupSize(this.cfg, Math.max(...data.map((d) => attentionSamples(d.test, this.cfg))), due.length);
    const out: Measurement[] = [];
    for (let from = 0; from < due.length; from += G) {
      const positions = due.slice(from, from + G);
      const weights = this.stack.gather(positions);
      try {
        out.push(...(await measureGroup(data.slice(from, from + G), weights, this.cfg, this.opts.forward ?? forward)));
      } finally {
        tf.dispose(leavesOf(weights));
      }
    }
    return out;
  }

  finish(i: number, status: TrainResult['status']): void {
    const result: TrainResult = { status, steps: this.step, parameterCount: this.parameterCount, ...this.evaluators[i].last };
    this.results[i] = result;
    this.members[i].onFinished?.(result);
  }

  /** After a step: reports each member's loss, evaluates, ends the diverged and the judged; returns the positions that ended. */
  async endOfStep(losses: Float32Array): Promise<number[]> {
    const { evalEvery, maxSteps } = this.training;
    const ended: number[] = [];
    const live: number[] = [];
    for (const [s, i] of this.stack.active.entries()) {
      const loss = losses[s];
      if (!Number.isFinite(loss)) {
        this.finish(i, 'diverged');
        ended.push(s);
        continue;
      }
      this.evaluators[i].addLoss(loss);
      this.members[i].hooks?.onStep?.(this.step, loss);
      live.push(s);
    }
    if (this.step % evalEvery !== 0 && this.step !== maxSteps) return ended;
    const accuracies = await this.evaluate(live);
    live.forEach((s, j) => {
      const verdict = judge(this.training, this.step, accuracies[j]);
      // judge() succeeds only at an end: the first hit under "reached", the last step under "final".
      if (verdict || this.step === maxSteps) {
        this.finish(this.stack.active[s], verdict ?? 'not-reached');
        ended.push(s);
      }
    });
    return ended.sort((a, b) => a - b);
  }

  /** Removes the ended members from the stack (all ended: nothing left to train). */
  removeEnded(ended: number[]): void {
    if (ended.length === 0) return;
    if (ended.length === this.stack.active.length) {
      this.stack.active = [];
      return;
    }
    this.stack.compact(range(0, this.stack.active.length).filter((s) => !ended.includes(s)));
    this.refreshResident();
  }

  dispose(): void {
    this.stack.dispose();
    if (this.resident) tf.dispose(Object.values(this.resident));
  }
}

export async function trainEnsemble(members: EnsembleMember[], opts: TrainOptions = {}): Promise<TrainResult[]> {
  if (members.length === 0) return [];
  const key = ensembleKey(members[0].spec);
  members.forEach((m, i) => {
    if (ensembleKey(m.spec) !== key) throw new Error(`ensemble member ${i} (${m.spec.name}) differs from member 0 in T, model or training settings`);
  });
  const run = new EnsembleRun(members, opts);
  try {
    members.forEach((m) => m.hooks?.onReady?.({ parameterCount: run.parameterCount }));
    await run.evaluate([...run.stack.active.keys()]);
    while (run.step < run.training.maxSteps && run.stack.active.length > 0) {
      if (opts.shouldStop?.()) break;
      const losses = await run.trainStep();
      run.step++;
      run.removeEnded(await run.endOfStep(losses));
      // Let signals and IPC messages (stop) through between steps.
      await new Promise((resolve) => setImmediate(resolve));
    }
    for (const i of run.stack.active) run.finish(i, 'cancelled');
  } finally {
    run.dispose();
  }
  return run.results as TrainResult[];
}

/** A single run: the loop with one member. */
export async function train(spec: Experiment, data: Dataset, hooks: TrainHooks = {}, opts: Omit<TrainOptions, 'shouldStop'> = {}): Promise<TrainResult> {
  const { shouldStop, ...memberHooks } = hooks;
  const [result] = await trainEnsemble([{ spec, data, hooks: memberHooks }], { ...opts, shouldStop });
  return result;
}
