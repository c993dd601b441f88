// Starting points for "New Experiment" / "New Sweep": small settings that finish in about a minute
// on a laptop CPU, so a newcomer sees a whole run before changing anything.
export const NEW_EXPERIMENT = (name: string) => ({
  version: 1,
  name,
  task: { kind: 'majority', T: 16, s: 3, noise: 0, inputBias: 'balanced' },
  data: { trainSize: 200, testSize: 1000 },
  model: { arch: 'transformer', layers: 1, heads: 4, dModel: 64, mlpRatio: 4 },
  training: { learningRate: 0.001, weightDecay: 0, batchSize: 64, maxSteps: 1000, evalEvery: 25, targetAccuracy: 0.99 },
  seed: 0,
});

export const NEW_SWEEP = (name: string) => ({
  version: 1,
  kind: 'sweep',
  name,
  base: {
    task: { kind: 'and', s: 3, inputBias: 'balanced' },
    data: { testSize: 500 },
    model: { arch: 'transformer', layers: 1, heads: 4, dModel: 64, mlpRatio: 1, init: 'normal-0.02' },
    training: { learningRate: 0.001, weightDecay: 0.0001, batchSize: 'full', maxSteps: 300, evalEvery: 25, targetAccuracy: 0.99 },
    seed: 0,
  },
  contextLengths: [10, 20, 40, 80],
  trainSizes: { min: 8, max: 512, points: 13 },
  search: 'bisect',
  seeds: 3,
  successRate: 0.67,
  compareWith: [{ model: { arch: 'mlp', layers: 1, dModel: 64, mlpRatio: 4 } }],
});
