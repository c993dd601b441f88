import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyTarget, balancedBias, drawTarget, labelOf } from '../../src/core/spec/sparseTargets';
import { makeDataset } from '../../src/core/spec/dataset';
import { rngFor } from '../../src/core/spec/seededRandom';
import { ExperimentSchema } from '../../src/core/spec/experimentSpec';

// Brute force: enumerate every assignment of the s relevant bits and compare to the textbook definition.
const bitsOf = (code: number, s: number) => Array.from({ length: s }, (_, j) => (code >> j) & 1);
const reference: Record<string, (b: number[]) => number> = {
  parity: (b) => b.reduce((a, v) => a ^ v, 0),
  and: (b) => (b.every((v) => v === 1) ? 1 : 0),
  or: (b) => (b.some((v) => v === 1) ? 1 : 0),
  majority: (b) => (b.filter((v) => v === 1).length > b.length / 2 ? 1 : 0),
};

describe('sparse targets', () => {
  for (const kind of ['parity', 'and', 'or', 'majority'] as const) {
    it(`${kind} matches its truth table for s = 1..5`, () => {
      for (const s of [1, 3, 5]) {
        for (let code = 0; code < 2 ** s; code++) {
          assert.equal(applyTarget(kind, s, code), reference[kind](bitsOf(code, s)), `${kind} s=${s} code=${code}`);
        }
      }
    });
  }

  it('junta follows its drawn truth table and is never constant', () => {
    for (let seed = 0; seed < 20; seed++) {
      const task = ExperimentSchema.parse({ version: 1, name: 'j', task: { kind: 'junta', T: 10, s: 1 }, data: { trainSize: 1 }, seed }).task;
      const target = drawTarget(task, rngFor(seed, 'task'));
      assert.ok(target.truthTable);
      assert.notEqual(target.truthTable[0], target.truthTable[1]);
    }
    const task = ExperimentSchema.parse({ version: 1, name: 'j', task: { kind: 'junta', T: 12, s: 3 }, data: { trainSize: 1 } }).task;
    const target = drawTarget(task, rngFor(0, 'task'));
    const x = new Uint8Array(12);
    for (let code = 0; code < 8; code++) {
      x.fill(0);
      target.relevant.forEach((pos, j) => (x[pos] = (code >> j) & 1));
      assert.equal(labelOf(target, x, 0), target.truthTable![code]);
    }
  });

  it('labelOf reads the relevant positions, and only them', () => {
    const target = { kind: 'parity' as const, relevant: [2, 5, 7] };
    const x = new Uint8Array(10).fill(0);
    x[2] = 1;
    assert.equal(labelOf(target, x, 0), 1);
    x[0] = x[1] = x[9] = 1; // irrelevant bits do not change the label
    assert.equal(labelOf(target, x, 0), 1);
    x[7] = 1;
    assert.equal(labelOf(target, x, 0), 0);
  });

  it('balanced bias makes AND and OR labels balanced', () => {
    for (const s of [1, 2, 3, 7]) {
      assert.ok(Math.abs(balancedBias('and', s) ** s - 0.5) < 1e-12);
      assert.ok(Math.abs(1 - (1 - balancedBias('or', s)) ** s - 0.5) < 1e-12);
    }
    assert.equal(balancedBias('parity', 3), 0.5);
    assert.ok(Math.abs(balancedBias('and', 3) - 0.7937) < 1e-4);
  });

  // The hidden set S must be uniform over all T positions: a sampler that never picks the last one
  // (an off-by-one in drawDistinct's range) passed every other test. The draws are seeded, so the
  // counts are fixed; the bounds are far from them (about ten standard deviations of the statistic),
  // so a change of random stream cannot make the test flake, while a missing position cannot pass.
  for (const [T, s, seeds] of [[10, 3, 2000], [16, 1, 3200], [5, 4, 1000], [64, 3, 4000]] as const) {
    it(`S is drawn uniformly over all ${T} positions (s = ${s}, ${seeds} seeds)`, () => {
      const task = ExperimentSchema.parse({ version: 1, name: 'u', task: { kind: 'parity', T, s }, data: { trainSize: 1 } }).task;
      const hits = new Array<number>(T).fill(0);
      for (let seed = 0; seed < seeds; seed++) {
        const { relevant } = drawTarget(task, rngFor(seed, 'task'));
        assert.equal(new Set(relevant).size, s, `seed ${seed}: ${s} distinct positions`);
        for (const pos of relevant) {
          assert.ok(Number.isInteger(pos) && pos >= 0 && pos < T, `seed ${seed}: position ${pos} outside [0, ${T})`);
          hits[pos]++;
        }
      }
      const never = hits.flatMap((h, pos) => (h === 0 ? [pos] : []));
      assert.deepEqual(never, [], `positions never drawn: ${never.join(', ')}`);
      // Pearson's statistic against s/T per position; with s of T drawn per seed it is about
      // (1 - s/T) chi-square with T - 1 degrees of freedom, so mean + 10 sd of chi-square(T - 1) is loose.
      const expected = (seeds * s) / T;
      const chi2 = hits.reduce((sum, h) => sum + (h - expected) ** 2 / expected, 0);
      const bound = T - 1 + 10 * Math.sqrt(2 * (T - 1));
      assert.ok(chi2 < bound, `chi-square ${chi2.toFixed(1)} over ${bound.toFixed(1)}: counts ${hits.join(' ')}`);
    });
  }

  it('a run draws S on its task stream: the same uniform sets through makeDataset', () => {
    const hits = new Array<number>(8).fill(0);
    for (let seed = 0; seed < 400; seed++) {
      const spec = ExperimentSchema.parse({ version: 1, name: 'u', task: { kind: 'parity', T: 8, s: 2 }, data: { trainSize: 1, testSize: 1 }, seed });
      const { relevant } = makeDataset(spec).target;
      assert.deepEqual(relevant, drawTarget(spec.task, rngFor(seed, 'task')).relevant);
      for (const pos of relevant) hits[pos]++;
    }
    assert.ok(hits.every((h) => h > 0), `every position drawn: ${hits.join(' ')}`);
  });
});
