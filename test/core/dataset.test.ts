import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeDataset } from '../../src/core/spec/dataset';
import { ExperimentSchema } from '../../src/core/spec/experimentSpec';

const spec = (over: Record<string, unknown> = {}, task: Record<string, unknown> = {}) =>
  ExperimentSchema.parse({ version: 1, name: 'd', task: { kind: 'and', T: 20, s: 3, ...task }, data: { trainSize: 300, testSize: 400 }, ...over });

describe('dataset', () => {
  it('same seed gives the same data; another seed gives other data', () => {
    const a = makeDataset(spec({ seed: 7 }));
    const b = makeDataset(spec({ seed: 7 }));
    const c = makeDataset(spec({ seed: 8 }));
    assert.deepEqual(a.train.x, b.train.x);
    assert.deepEqual(a.test.y, b.test.y);
    assert.deepEqual(a.target.relevant, b.target.relevant);
    assert.notDeepEqual(a.train.x, c.train.x);
  });

  it('the test-set size does not change the training data (independent streams)', () => {
    const a = makeDataset(spec({ data: { trainSize: 300, testSize: 10 } }));
    const b = makeDataset(spec({ data: { trainSize: 300, testSize: 999 } }));
    assert.deepEqual(a.train.x, b.train.x);
  });

  it('labels are the target of the relevant bits, and balanced AND is near 50/50', () => {
    const d = makeDataset(spec({ data: { trainSize: 4000, testSize: 10 } }));
    const { relevant } = d.target;
    for (let i = 0; i < 200; i++) {
      const all = relevant.every((p) => d.train.x[i * 20 + p] === 1) ? 1 : 0;
      assert.equal(d.train.y[i], all);
    }
    const share = d.train.y.reduce((a, v) => a + v, 0) / d.train.n;
    assert.ok(Math.abs(share - 0.5) < 0.04, `share of positives ${share}`);
    assert.ok(Math.abs(d.inputBias - 0.7937) < 1e-3);
  });

  it('explicit relevant positions are used as given', () => {
    const d = makeDataset(spec({}, { relevant: [0, 4, 19] }));
    assert.deepEqual(d.target.relevant, [0, 4, 19]);
  });

  it('noise flips about that share of training labels and leaves test labels clean', () => {
    const clean = makeDataset(spec({ data: { trainSize: 5000, testSize: 500 } }));
    const noisy = makeDataset(spec({ data: { trainSize: 5000, testSize: 500 } }, { noise: 0.2 }));
    let flips = 0;
    for (let i = 0; i < 5000; i++) flips += clean.train.y[i] !== noisy.train.y[i] ? 1 : 0;
    assert.ok(Math.abs(flips / 5000 - 0.2) < 0.03, `flipped ${flips}`);
    assert.deepEqual(clean.test.y, noisy.test.y);
  });
});
