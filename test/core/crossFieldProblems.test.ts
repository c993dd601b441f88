// The cross-field rules the editor shows as diagnostics (issue 20): exactly the CLI's rules between
// fields, each with the path of the value to underline; none for a valid file, and none of the
// schema's own checks (those the JSON Schema already reports in the editor).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExperimentSchema } from '../../src/core/spec/experimentSpec';
import { crossFieldProblems } from '../../src/core/spec/specProblems';

const spec = (task: Record<string, unknown>) => ({ version: 1, name: 'x', task, data: { trainSize: 16, testSize: 32 }, seed: 0 });

describe('cross-field problems', () => {
  it('s > T: one problem at task.s, worded as the CLI words it', () => {
    const problems = crossFieldProblems(ExperimentSchema, spec({ kind: 'and', T: 16, s: 20 }));
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.deepEqual(problems[0].path, ['task', 's']);
    assert.match(problems[0].message, /^task\.s: must be ≤ task\.T \(got 20 > 16\)/);
  });

  it('none for a valid spec, and none for a type error the JSON Schema already reports', () => {
    assert.deepEqual(crossFieldProblems(ExperimentSchema, spec({ kind: 'and', T: 16, s: 3 })), []);
    assert.deepEqual(crossFieldProblems(ExperimentSchema, spec({ kind: 'and', T: 'sixteen', s: 3 })), []);
  });
});
