// The protocol behind an m*(T) figure in one line: m* depends on the model, its initialisation, the
// optimiser, the step budget and the success rule as much as on T, so every view of a sweep states it.
import type { Experiment } from '../spec/experimentSpec';
import { cellExperiment, type Sweep } from '../spec/sweepSpec';
import { DEFAULT_MAX_DRAWS } from '../spec/trainingSetRule';

/** The public reproduction's model fields, named only when a file sets them (issue 22). */
function reproductionModel(model: Experiment['model']): string {
  const parts = [
    model.dropout ? `dropout ${model.dropout}` : '',
    model.clsPosition ? `[CLS] position ${model.clsPosition}` : '',
    model.layerNormEps === undefined ? '' : `LayerNorm ε ${model.layerNormEps}`,
  ].filter(Boolean);
  return parts.length ? `, ${parts.join(', ')}` : '';
}

/** data.rejectAmbiguous in words, when set. */
function trainingSetRule(data: Experiment['data']): string {
  if (!data.rejectAmbiguous) return '';
  const unmet = data.whenUnmet === 'keep-last' ? 'else the last draw' : 'else refused';
  return `, training sets redrawn (≤ ${data.maxDraws ?? DEFAULT_MAX_DRAWS}) to 40–60 % positive with no position equal to a relevant one, ${unmet}`;
}

export function describeProtocol(sweep: Sweep, variant: number): string {
  const T = Math.min(...sweep.contextLengths);
  const spec = cellExperiment(sweep, { variant, T, m: 1 }, 0);
  const { task, model, training } = spec;
  const arch =
    model.arch === 'mlp'
      ? `MLP, ${model.layers} hidden layer${model.layers > 1 ? 's' : ''} of ${Math.round(model.dModel * model.mlpRatio)}`
      : `Transformer, ${model.layers} layer${model.layers > 1 ? 's' : ''}, ${model.heads} heads, d = ${model.dModel}${
          model.maxNorm === undefined ? '' : `, attention norms ≤ ${model.maxNorm} (Frobenius, projected every step)`
        }${reproductionModel(model)}`;
  const optimiser = `AdamW lr ${training.learningRate}${training.weightDecay ? `, weight decay ${training.weightDecay}` : ''}`;
  const batch = training.batchSize === 'full' ? 'full batch' : `batch ${training.batchSize}`;
  const rule =
    training.successWhen === 'final'
      ? `success = test accuracy after all ${training.maxSteps} steps ≥ ${training.targetAccuracy}`
      : `success = test accuracy ≥ ${training.targetAccuracy} at an evaluation (every ${training.evalEvery} steps) within ${training.maxSteps} steps`;
  const seeds = `${sweep.seeds} seed${sweep.seeds > 1 ? 's' : ''} per cell, a cell passes at ≥ ${Math.round(sweep.successRate * 100)} % of them`;
  const target = `${task.kind} of s = ${task.s} bits${task.noise ? `, label noise ${task.noise}` : ''}${task.inputBias === 'balanced' ? '' : `, P(x = 1) = ${task.inputBias}`}${trainingSetRule(spec.data)}`;
  return `${target}; ${arch}, init ${model.init}; ${optimiser}, ${batch}; ${rule}; ${seeds}; base seed ${sweep.base.seed}`;
}
