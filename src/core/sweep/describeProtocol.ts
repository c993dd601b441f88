// The protocol behind an m*(T) figure in one line: m* depends on the model, its initialisation, the
// optimiser, the step budget and the success rule as much as on T, so every view of a sweep states it.
import { cellExperiment, type Sweep } from '../spec/sweepSpec';

export function describeProtocol(sweep: Sweep, variant: number): string {
  const T = Math.min(...sweep.contextLengths);
  const spec = cellExperiment(sweep, { variant, T, m: 1 }, 0);
  const { task, model, training } = spec;
  const arch =
    model.arch === 'mlp'
      ? `MLP, ${model.layers} hidden layer${model.layers > 1 ? 's' : ''} of ${Math.round(model.dModel * model.mlpRatio)}`
      : `Transformer, ${model.layers} layer${model.layers > 1 ? 's' : ''}, ${model.heads} heads, d = ${model.dModel}${
          model.maxNorm === undefined ? '' : `, attention norms ≤ ${model.maxNorm} (Frobenius, projected every step)`
        }`;
  const optimiser = `AdamW lr ${training.learningRate}${training.weightDecay ? `, weight decay ${training.weightDecay}` : ''}`;
  const batch = training.batchSize === 'full' ? 'full batch' : `batch ${training.batchSize}`;
  const rule =
    training.successWhen === 'final'
      ? `success = test accuracy after all ${training.maxSteps} steps ≥ ${training.targetAccuracy}`
      : `success = test accuracy ≥ ${training.targetAccuracy} at an evaluation (every ${training.evalEvery} steps) within ${training.maxSteps} steps`;
  const seeds = `${sweep.seeds} seed${sweep.seeds > 1 ? 's' : ''} per cell, a cell passes at ≥ ${Math.round(sweep.successRate * 100)} % of them`;
  const target = `${task.kind} of s = ${task.s} bits${task.noise ? `, label noise ${task.noise}` : ''}${task.inputBias === 'balanced' ? '' : `, P(x = 1) = ${task.inputBias}`}`;
  return `${target}; ${arch}, init ${model.init}; ${optimiser}, ${batch}; ${rule}; ${seeds}; base seed ${sweep.base.seed}`;
}
