// The trainer tests' tiny sweep: 3 context lengths × 3 sizes of a 2-head, d = 16 model on majority of
// 3 bits, 60 steps: runs of about a second each on WASM.
export const tinySweep = (over: Record<string, unknown> = {}) => ({
  version: 1,
  kind: 'sweep',
  name: 'tiny',
  base: {
    task: { kind: 'majority', s: 3 },
    data: { testSize: 200 },
    model: { heads: 2, dModel: 16, mlpRatio: 2 },
    training: { learningRate: 0.01, batchSize: 'full', maxSteps: 60, evalEvery: 20, targetAccuracy: 0.9 },
  },
  contextLengths: [4, 8, 16],
  trainSizes: [4, 16, 64],
  seeds: 2,
  successRate: 0.5,
  ...over,
});
