// `vary` (issue 14): a sweep over any field expands into one variant per value (per combination),
// each variant's cells carry its values, and a bad path or value is refused with the path named.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type SweepInput, SweepSchema, cellExperiment, sweepVariants } from '../../src/core/spec/sweepSpec';
import { cellRunId } from '../../src/store/cellRunId';

const sweep = (over: Partial<SweepInput> = {}): SweepInput => ({
  version: 1,
  kind: 'sweep',
  name: 'vary',
  base: { task: { kind: 'and', s: 2 }, model: { heads: 4, dModel: 16 } },
  contextLengths: [4, 8],
  trainSizes: [8, 16, 32],
  ...over,
});

const problems = (input: SweepInput) => {
  const r = SweepSchema.safeParse(input);
  assert.equal(r.success, false, 'expected the sweep to be refused');
  return r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('sweep vary', () => {
  it('expands every combination, first path slowest, and each cell carries its values', () => {
    const s = SweepSchema.parse(sweep({ vary: { 'model.heads': [1, 4], 'task.noise': [0, 0.1] } }));
    const variants = sweepVariants(s);
    assert.deepEqual(variants.map((v) => v.label), ['heads-1_noise-0', 'heads-1_noise-0.1', 'heads-4_noise-0', 'heads-4_noise-0.1']);
    variants.forEach((v, variant) => {
      const spec = cellExperiment(s, { variant, T: 8, m: 16 }, 1);
      assert.equal(spec.model.heads, v.sets[0][1]);
      assert.equal(spec.task.noise, v.sets[1][1]);
      assert.equal(spec.task.T, 8);
      assert.equal(spec.data.trainSize, 16);
      assert.equal(spec.seed, 1);
      assert.equal(cellRunId(s, { variant, T: 8, m: 16 }, 1), `${v.label}-T8-m16-seed1`);
    });
  });

  it('without vary the variants are the base and compareWith models, as before', () => {
    const s = SweepSchema.parse(sweep({ compareWith: [{ model: { arch: 'mlp' } }] }));
    assert.deepEqual(sweepVariants(s).map((v) => v.label), ['transformer', 'mlp']);
  });

  it('combines with compareWith: every model gets every value', () => {
    const s = SweepSchema.parse(sweep({ compareWith: [{ label: 'wide', model: { dModel: 32 } }], vary: { 'training.learningRate': [0.01, 0.001] } }));
    assert.deepEqual(sweepVariants(s).map((v) => v.label), ['transformer_learningRate-0.01', 'transformer_learningRate-0.001', 'wide_learningRate-0.01', 'wide_learningRate-0.001']);
    assert.equal(cellExperiment(s, { variant: 3, T: 4, m: 8 }, 0).model.dModel, 32);
    assert.equal(cellExperiment(s, { variant: 3, T: 4, m: 8 }, 0).training.learningRate, 0.001);
  });

  it('a compareWith entry changes only the fields it writes: the base\'s heads, init and steps stay', () => {
    const base = { task: { kind: 'and' as const, s: 2 }, model: { heads: 2, dModel: 16, init: 'normal-0.02' as const }, training: { maxSteps: 77, learningRate: 0.003 } };
    const s = SweepSchema.parse(sweep({ base, compareWith: [{ label: 'bounded', model: { maxNorm: 1 }, training: { learningRate: 0.01 } }] }));
    const spec = cellExperiment(s, { variant: 1, T: 4, m: 8 }, 0);
    assert.equal(spec.model.maxNorm, 1);
    assert.equal(spec.model.heads, 2, 'heads reset to the default');
    assert.equal(spec.model.init, 'normal-0.02', 'init reset to the default');
    assert.equal(spec.training.learningRate, 0.01);
    assert.equal(spec.training.maxSteps, 77, 'maxSteps reset to the default');
  });

  it('null unsets an optional field: the bounded-norm model against the unbounded one', () => {
    const s = SweepSchema.parse(sweep({ vary: { 'model.maxNorm': [null, 2] } }));
    assert.deepEqual(sweepVariants(s).map((v) => v.label), ['maxNorm-none', 'maxNorm-2']);
    assert.equal(cellExperiment(s, { variant: 0, T: 4, m: 8 }, 0).model.maxNorm, undefined);
    assert.equal(cellExperiment(s, { variant: 1, T: 4, m: 8 }, 0).model.maxNorm, 2);
  });

  it('names a path that does not exist, and lists the ones that do', () => {
    const [p] = problems(sweep({ vary: { 'model.head': [1, 2] } }));
    assert.match(p, /^vary\.model\.head: "model\.head" is not a field of the experiment; fields that can vary: .*model\.heads/);
  });

  it('refuses the sweep\'s own axes and the seed', () => {
    assert.match(problems(sweep({ vary: { 'task.T': [4] } }))[0], /vary\.task\.T: .*contextLengths/);
    assert.match(problems(sweep({ vary: { seed: [1, 2] } }))[0], /vary\.seed: .*"seeds"/);
  });

  it('names a value out of range by path and index, with the field\'s own rule', () => {
    const p = problems(sweep({ vary: { 'task.noise': [0, 0.6] } }));
    assert.deepEqual(p, ['vary.task.noise.1: task.noise = 0.6: must be < 0.5 (at 0.5 the labels carry no signal)']);
    const heads = problems(sweep({ vary: { 'model.heads': [4, 3] } }));
    assert.deepEqual(heads, ['vary.model.heads.1: model.heads = 3: model.dModel: must be divisible by model.heads (got 16 / 3)']);
    assert.match(problems(sweep({ vary: { 'model.heads': [] } }))[0], /vary\.model\.heads: must list at least one value/);
  });
});
