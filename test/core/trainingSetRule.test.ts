// data.rejectAmbiguous (issue 22): the public reproduction's rule for training sets, and the errors
// for the new fields' bad values (each names its field and range).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeDataset } from '../../src/core/spec/dataset';
import { describeProtocol } from '../../src/core/sweep/describeProtocol';
import { ExperimentSchema } from '../../src/core/spec/experimentSpec';
import { parseWithSchema } from '../../src/core/spec/specProblems';
import { SweepSchema, cellExperiment } from '../../src/core/spec/sweepSpec';
import { UnmetTrainingSetRule, ambiguousPair, balanced } from '../../src/core/spec/trainingSetRule';

const spec = (data: Record<string, unknown>, T = 40, seed = 0, task: Record<string, unknown> = {}) =>
  ExperimentSchema.parse({ version: 1, name: 'rule', task: { kind: 'and', T, s: 3, ...task }, data: { testSize: 50, ...data }, seed });

function problems(raw: Record<string, unknown>): string[] {
  const r = parseWithSchema(ExperimentSchema, { version: 1, name: 'bad', task: { kind: 'and', T: 20, s: 3 }, data: { trainSize: 10 }, ...raw });
  assert.equal(r.ok, false, 'expected the spec to be rejected');
  return r.ok ? [] : r.problems;
}
const expectProblem = (raw: Record<string, unknown>, expected: RegExp) => {
  const ps = problems(raw);
  assert.ok(ps.some((p) => expected.test(p)), `expected ${expected} in:\n${ps.join('\n')}`);
};

describe('data.rejectAmbiguous', () => {
  it('the checks: 40–60 % positives with both ends included, and a position equal to a relevant one on every sample', () => {
    assert.equal(balanced(Uint8Array.from([1, 1, 0, 0, 0])), true); // 40 %
    assert.equal(balanced(Uint8Array.from([1, 1, 1, 0, 0])), true); // 60 %
    assert.equal(balanced(Uint8Array.from([1, 0, 0, 0, 0])), false); // 20 %
    assert.equal(balanced(Uint8Array.from([1, 1, 1, 1, 0])), false); // 80 %
    // T = 4, relevant {0, 1}: position 3 copies position 1 on all three samples; 2 differs once.
    const x = Uint8Array.from([1, 1, 0, 1, 0, 1, 1, 1, 1, 0, 0, 0]);
    assert.deepEqual(ambiguousPair({ x, y: new Uint8Array(3), n: 3 }, 4, [0, 1]), [1, 3]);
    assert.equal(ambiguousPair({ x, y: new Uint8Array(3), n: 3 }, 4, [0, 2]), undefined);
  });

  it('every training set it keeps meets both conditions, where a plain draw often does not', () => {
    let plainFails = 0;
    for (let seed = 0; seed < 30; seed++) {
      const d = makeDataset(spec({ trainSize: 10, rejectAmbiguous: true }, 40, seed));
      assert.equal(d.train.n, 10);
      assert.ok(balanced(d.train.y), `seed ${seed}: ${d.train.y.reduce((a, v) => a + v, 0)} of 10 positive`);
      assert.equal(ambiguousPair(d.train, 40, d.target.relevant), undefined, `seed ${seed}`);
      const plain = makeDataset(spec({ trainSize: 10 }, 40, seed)).train;
      if (!balanced(plain.y) || ambiguousPair(plain, 40, d.target.relevant)) plainFails++;
    }
    assert.ok(plainFails >= 10, `only ${plainFails} of 30 plain draws broke the rule: the test would not notice a no-op`);
  });

  it('absent or false, the training set is the one draw it always was; the test set never changes', () => {
    const before = makeDataset(spec({ trainSize: 10 }, 40, 5));
    assert.deepEqual(makeDataset(spec({ trainSize: 10, rejectAmbiguous: false }, 40, 5)).train, before.train);
    assert.deepEqual(makeDataset(spec({ trainSize: 10, rejectAmbiguous: true }, 40, 5)).test, before.test);
  });

  it('label noise is applied after the rule, to the set kept', () => {
    const clean = makeDataset(spec({ trainSize: 30, rejectAmbiguous: true }, 40, 1));
    const noisy = makeDataset(spec({ trainSize: 30, rejectAmbiguous: true }, 40, 1, { noise: 0.3 }));
    assert.deepEqual(noisy.train.x, clean.train.x);
    assert.notDeepEqual(noisy.train.y, clean.train.y);
  });

  it('when no draw meets it: an error naming the field, or the last draw under whenUnmet "keep-last"', () => {
    // m = 10 at T = 500: ~28 expected position pairs equal on all samples; no draw meets the rule.
    const unmet = { trainSize: 10, rejectAmbiguous: true, maxDraws: 5 };
    assert.throws(() => makeDataset(spec(unmet, 500)), (err: Error) => err instanceof UnmetTrainingSetRule && /^data\.rejectAmbiguous: none of 5 training sets of m = 10 at T = 500/.test(err.message));
    const kept = makeDataset(spec({ ...unmet, whenUnmet: 'keep-last' }, 500));
    assert.equal(kept.train.n, 10);
    assert.ok(ambiguousPair(kept.train, 500, kept.target.relevant), 'the last draw is kept as drawn');
  });

  it('bad values name the field and its range', () => {
    expectProblem({ model: { dropout: 1 } }, /model\.dropout.*must be ≤ 0\.9/);
    expectProblem({ model: { dropout: -0.1 } }, /model\.dropout.*must be ≥ 0/);
    expectProblem({ model: { clsPosition: 'middle' } }, /model\.clsPosition.*must be "first" or "last"/);
    expectProblem({ model: { layerNormEps: 0 } }, /model\.layerNormEps.*must be > 0/);
    expectProblem({ model: { arch: 'mlp', dropout: 0.1 } }, /model\.dropout.*transformer only/);
    expectProblem({ data: { trainSize: 10, rejectAmbiguous: 'yes' } }, /data\.rejectAmbiguous.*true or false/);
    expectProblem({ data: { trainSize: 10, rejectAmbiguous: true, maxDraws: 0 } }, /data\.maxDraws.*must be ≥ 1/);
    expectProblem({ data: { trainSize: 10, maxDraws: 50 } }, /data\.maxDraws.*only with data\.rejectAmbiguous/);
    expectProblem({ data: { trainSize: 10, rejectAmbiguous: true, whenUnmet: 'skip' } }, /data\.whenUnmet.*"error" or "keep-last"/);
  });

  it('a sweep\'s MLP baseline unsets the transformer-only fields with null', () => {
    const sweep = SweepSchema.parse({
      version: 1, kind: 'sweep', name: 's',
      base: { task: { kind: 'and', s: 3 }, model: { heads: 2, dModel: 8, dropout: 0.1, clsPosition: 'last', layerNormEps: 1e-6 } },
      contextLengths: [10], trainSizes: [10],
      compareWith: [{ model: { arch: 'mlp', dropout: null, clsPosition: null, layerNormEps: null } }],
    });
    assert.equal(cellExperiment(sweep, { variant: 0, T: 10, m: 10 }, 0).model.dropout, 0.1);
    assert.deepEqual(Object.keys(cellExperiment(sweep, { variant: 1, T: 10, m: 10 }, 0).model).sort(), ['arch', 'dModel', 'heads', 'init', 'layers', 'mlpRatio']);
    assert.match(describeProtocol(sweep, 0), /Transformer, 1 layer, 2 heads, d = 8, dropout 0\.1, \[CLS\] position last, LayerNorm ε 0\.000001, init/);
    assert.doesNotMatch(describeProtocol(sweep, 1), /dropout|\[CLS\]|LayerNorm|redrawn/);
    const left = SweepSchema.safeParse({ ...sweep, compareWith: [{ model: { arch: 'mlp' } }] });
    const messages = left.success ? [] : left.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    assert.ok(messages.some((m) => /compareWith\.0\.model\.dropout: applies to the transformer only/.test(m)), `an MLP inheriting dropout is refused, not silently stripped:\n${messages.join('\n')}`);
  });
});
