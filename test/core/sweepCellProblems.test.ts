// A sweep whose largest cell is not a valid experiment is refused with the cell, the field and the
// cell's own value: a targetAccuracy of 1.01 once read "(got 16)", the context length's value.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SweepSchema } from '../../src/core/spec/sweepSpec';
import { parseWithSchema } from '../../src/core/spec/specProblems';

const sweep = (training: Record<string, unknown>) => ({
  version: 1,
  kind: 'sweep',
  name: 'cells',
  base: { task: { kind: 'and', s: 2 }, model: { heads: 2, dModel: 16 }, training },
  contextLengths: [16, 32],
  trainSizes: [8, 64],
});

function problems(input: unknown): string[] {
  const r = parseWithSchema(SweepSchema, input);
  assert.equal(r.ok, false, 'expected the sweep to be refused');
  return r.ok ? [] : r.problems;
}

describe('a sweep cell that is not a valid experiment', () => {
  it('names the cell, the field and the cell’s value, not the context length', () => {
    const p = problems(sweep({ targetAccuracy: 1.01 }));
    assert.ok(p.includes('base.training.targetAccuracy: must be ≤ 1 (got 1.01)'), p.join('\n'));
    assert.ok(p.some((line) => /^contextLengths\.\d: the cell T = (16|32), m = 64 is invalid: training\.targetAccuracy: must be ≤ 1 \(got 1\.01\)$/.test(line)), p.join('\n'));
    assert.ok(p.every((line) => !/\(got (16|32)\)$/.test(line)), `no line blames the context length: ${p.join('\n')}`);
  });
});
