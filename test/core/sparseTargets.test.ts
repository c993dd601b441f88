import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyTarget, balancedBias, drawTarget, labelOf } from '../../src/core/spec/sparseTargets';
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
});
