// Finite-sample data, the paper's setting: m training samples drawn once and reused; a fresh test set.
import type { Experiment } from './experimentSpec';
import { type Rng, rngFor } from './seededRandom';
import { type SparseTarget, drawTarget, inputBiasOf, labelOf } from './sparseTargets';
import { drawTrainingSet } from './trainingSetRule';

export interface Split {
  /** n × T bits, row-major. */
  x: Uint8Array;
  /** n labels in {0, 1}. */
  y: Uint8Array;
  n: number;
}

export interface Dataset {
  T: number;
  target: SparseTarget;
  inputBias: number;
  train: Split;
  test: Split;
}

function drawSplit(target: SparseTarget, T: number, n: number, bias: number, rng: Rng): Split {
  const x = new Uint8Array(n * T);
  for (let i = 0; i < x.length; i++) x[i] = rng() < bias ? 1 : 0;
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) y[i] = labelOf(target, x, i * T);
  return { x, y, n };
}

export function makeDataset(spec: Experiment): Dataset {
  const { task, data, seed } = spec;
  const target = drawTarget(task, rngFor(seed, 'task'));
  const bias = inputBiasOf(task);
  // Under data.rejectAmbiguous the set is redrawn from the same stream until it meets the rule
  // (trainingSetRule.ts); label noise comes after, on the set kept.
  const trainRng = rngFor(seed, 'train');
  const train = drawTrainingSet(data, task.T, target.relevant, () => drawSplit(target, task.T, data.trainSize, bias, trainRng));
  if (task.noise > 0) {
    const rng = rngFor(seed, 'noise');
    for (let i = 0; i < train.n; i++) if (rng() < task.noise) train.y[i] ^= 1;
  }
  const test = drawSplit(target, task.T, data.testSize, bias, rngFor(seed, 'test'));
  return { T: task.T, target, inputBias: bias, train, test };
}
