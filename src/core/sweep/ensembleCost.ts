// What one ensemble costs in seconds, from a few timed steps (the calibration, src/trainer/calibration.ts).
// A training step of K members with a padded batch of B rows does work that does not grow with the
// ensemble (kernel launches, the step's bookkeeping), work per member (its weights' products and
// AdamW over its parameters) and work per row (the forward and backward of each sample), so
//   step(K, B) = fixed + K·perMember + K·B·perRow.
// Evaluation runs member by member on WASM/CPU, each over its own test set: evalPerMember per
// evaluation. Three timed shapes per ensemble key pin the three step terms.
import { effectiveBatchSize, type Experiment } from '../spec/experimentSpec';

export interface ShapeCost {
  fixed: number;
  perMember: number;
  perRow: number;
  /** One evaluation of one member (test set, attention snapshot, events). */
  evalPerMember: number;
  /** Drawing one member's data and initial weights, before its first step. */
  setupPerMember: number;
}

/** One timed shape: K members, padded batch B, seconds per training step. */
export interface TimedShape {
  K: number;
  B: number;
  stepSeconds: number;
}

/**
 * Runs whose steps cost the same share this key: T, the model, the batch rule and the test set
 * (evaluation). Not the seed, m (the batch is a shape of the cost model), maxSteps or the target.
 */
export function costKey(spec: Experiment): string {
  return JSON.stringify({ T: spec.task.T, model: spec.model, batchSize: spec.training.batchSize, testSize: spec.data.testSize });
}

/** Evaluations of one member: the one before training, every evalEvery steps, and the last step. */
export function evaluationsOf(training: Experiment['training']): number {
  const { maxSteps, evalEvery } = training;
  return 1 + Math.floor(maxSteps / evalEvery) + (maxSteps % evalEvery ? 1 : 0);
}

/** Seconds of a whole ensemble trained for `steps` steps (members that stop early make it shorter). */
export function ensembleSeconds(c: ShapeCost, spec: Experiment, K: number, B: number, steps = spec.training.maxSteps): number {
  const step = c.fixed + K * c.perMember + K * B * c.perRow;
  return K * c.setupPerMember + steps * step + evaluationsOf(spec.training) * K * c.evalPerMember;
}

/**
 * The three step terms from timed shapes: (1, B₀), (K, B₀) and (K, B₁). With fewer distinct shapes
 * the missing terms are 0 (all the time goes to the terms that were measured). Noise can make a term
 * negative; it is clamped at 0 and the others still add up to the measured times.
 */
export function fitStepCost(shapes: TimedShape[]): Pick<ShapeCost, 'fixed' | 'perMember' | 'perRow'> {
  const sorted = [...shapes].sort((a, b) => a.K - b.K || a.B - b.B);
  const one = sorted[0];
  const wide = sorted.filter((s) => s.K === sorted[sorted.length - 1].K);
  const [lo, hi] = [wide[0], wide[wide.length - 1]];
  const perRow = hi.B > lo.B ? Math.max(0, (hi.stepSeconds - lo.stepSeconds) / (hi.K * (hi.B - lo.B))) : 0;
  if (lo.K === one.K) {
    // One ensemble size only: the step is fixed + rows (per member and fixed cannot be told apart).
    if (perRow === 0) return { fixed: 0, perMember: 0, perRow: lo.stepSeconds / (lo.K * lo.B) };
    return { fixed: Math.max(0, lo.stepSeconds - lo.K * lo.B * perRow), perMember: 0, perRow };
  }
  const perMember = Math.max(0, (lo.stepSeconds - one.stepSeconds) / (lo.K - one.K) - perRow * one.B);
  const fixed = Math.max(0, one.stepSeconds - one.K * perMember - one.K * one.B * perRow);
  return { fixed, perMember, perRow };
}

/** The padded batch of an ensemble: its largest member's batch. */
export const paddedBatch = (specs: Experiment[]): number => Math.max(...specs.map((s) => effectiveBatchSize(s)));
