// The one training-memory estimate (src/protocol/trainingMemory.ts) against hand computations of what
// the forward pass computes: one tabulated [CLS]-only layer has no (T+1)² term, deeper models do, and
// the MLP baseline counts its input and hidden layers. Every caller (schema, trainer, ensembles, GPU)
// must use this same number.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExperimentSchema, type ExperimentInput } from '../../src/protocol/experimentSchema';
import { estimateTrainingMemoryBytes, largestTensorBytes, parameterCount } from '../../src/protocol/trainingMemory';
import { ensembleBytes, memberStepBytes } from '../../src/core/train/ensembleTraining';
import { memberLargestTensorBytes } from '../../src/core/train/gpuMemory';

/** examples/and-sweep-full.sweep.json's base at one (T, m). */
const protocol = (T: number, m: number, model: ExperimentInput['model'] = {}) =>
  ExperimentSchema.parse({
    version: 1,
    name: 'p',
    task: { kind: 'and', T, s: 3 },
    data: { trainSize: m, testSize: 1000 },
    model: { arch: 'transformer', layers: 1, heads: 16, dModel: 64, mlpRatio: 1, init: 'normal-0.02', ...model },
    training: { batchSize: 'full', maxSteps: 1000, evalEvery: 50 },
  });

describe('training memory estimate', () => {
  it('one layer: 36·H·n + (64 + 64·r)·d per sample, the token table, 20 copies of the parameters', () => {
    const s = protocol(500, 100);
    const n = 501;
    const d = 64;
    const params = 504 * d + (4 * (d * d + d) + 2 * d * 64 + 64 + d + 4 * d) + 3 * d + 1;
    assert.equal(parameterCount(s), params);
    const perSample = 36 * 16 * n + (64 + 64) * d;
    const hand = 4 * (100 * perSample + 96 * 1001 * d + 20 * params);
    assert.equal(estimateTrainingMemoryBytes(s), hand);
    // About 150 MiB: far below WASM's 2 GiB (the old count of (T+1)² per query row said 4.6 GiB).
    assert.ok(hand < 200 * 2 ** 20, `${hand}`);
  });

  it('two layers: the first layer attends every query row, 10·H·n² per sample', () => {
    const s = protocol(40, 100, { layers: 2, mlpRatio: 4 });
    const n = 41;
    const d = 64;
    const h = 256;
    const params = 44 * d + 2 * (4 * (d * d + d) + 2 * d * h + h + d + 4 * d) + 3 * d + 1;
    const perSample = 10 * 16 * n * n + (100 + 30 * 4) * n * d + (70 + 15 * 4) * n * d + 36 * 16 * n + (64 + 64 * 4) * d;
    assert.equal(estimateTrainingMemoryBytes(s), 4 * (100 * perSample + 96 * 81 * d + 20 * params));
    assert.ok(estimateTrainingMemoryBytes(protocol(200, 100, { layers: 2 })) > 50 * estimateTrainingMemoryBytes(protocol(200, 100)));
  });

  it('the MLP baseline: 12·T + 24·hidden per sample and layer, no attention', () => {
    const s = protocol(500, 100, { arch: 'mlp', layers: 2, dModel: 64, mlpRatio: 4 });
    const h = 256;
    const params = 501 * h + (h + 1) * h + h + 1;
    assert.equal(parameterCount(s), params);
    assert.equal(estimateTrainingMemoryBytes(s), 4 * (100 * (12 * 500 + 24 * 2 * h) + 20 * params));
  });

  it('is the one number: ensembles and the GPU bound use it', () => {
    for (const s of [protocol(500, 100), protocol(40, 100, { layers: 2 }), protocol(100, 50, { arch: 'mlp' })]) {
      assert.equal(memberStepBytes(s), estimateTrainingMemoryBytes(s));
      assert.equal(ensembleBytes(s, 3) - ensembleBytes(s, 2), estimateTrainingMemoryBytes(s));
      assert.equal(memberLargestTensorBytes(s), largestTensorBytes(s));
    }
  });

  it('the schema accepts the protocol\'s largest cell and refuses two layers there, naming task.T', () => {
    assert.equal(ExperimentSchema.safeParse(protocolInput(500, 100, 1)).success, true);
    const r = ExperimentSchema.safeParse(protocolInput(500, 100, 2));
    assert.equal(r.success, false);
    const issue = r.error!.issues[0];
    assert.deepEqual(issue.path, ['task', 'T']);
    assert.match(issue.message, /^too large: one training step would need about [\d.]+ GiB .*reduce task\.T, model\.layers, model\.heads or training\.batchSize$/);
  });
});

function protocolInput(T: number, m: number, layers: number): ExperimentInput {
  return {
    version: 1,
    name: 'p',
    task: { kind: 'and', T, s: 3 },
    data: { trainSize: m },
    model: { layers, heads: 16, dModel: 64, mlpRatio: 1 },
    training: { batchSize: 'full' },
  };
}
