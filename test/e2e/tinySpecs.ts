// The end-to-end tests' tiny specs: small enough to train in seconds on 2 cores, shared so every
// test drives the product with the same known-good settings.

/**
 * A noisy AND (T = 12, s = 3, 10 % of the training labels flipped) on 24 samples: it never reaches
 * 100 % test accuracy, so it trains all of `maxSteps` (~2 s for 240 steps). `training` overrides.
 */
export const tinyExperiment = (name: string, training: Record<string, unknown> = {}, testSize = 512) => ({
  version: 1,
  name,
  task: { kind: 'and', T: 12, s: 3, noise: 0.1 },
  data: { trainSize: 24, testSize },
  model: { arch: 'transformer', layers: 1, heads: 2, dModel: 16, mlpRatio: 2 },
  training: { learningRate: 0.003, batchSize: 32, maxSteps: 240, evalEvery: 10, targetAccuracy: 1, ...training },
  seed: 1,
});

/** A sparse AND of s = 2 bits, 80 steps a run, bisection, a cell passing at half its seeds; `rest` sets T, m, seeds, vary. */
export const tinySweep = (name: string, rest: Record<string, unknown>) => ({
  version: 1,
  kind: 'sweep',
  name,
  base: {
    task: { kind: 'and', s: 2 },
    data: { testSize: 128 },
    model: { arch: 'transformer', layers: 1, heads: 2, dModel: 16, mlpRatio: 1 },
    training: { learningRate: 0.01, batchSize: 'full', maxSteps: 80, evalEvery: 20, targetAccuracy: 0.95 },
    seed: 0,
  },
  search: 'bisect',
  seeds: 1,
  successRate: 0.5,
  ...rest,
});
