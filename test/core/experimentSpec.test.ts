import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ExperimentSchema, experimentJsonSchema } from '../../src/core/spec/experimentSpec';
import { parseSpecText, parseWithSchema, readSpecFile } from '../../src/core/spec/specProblems';

const base = () => ({
  version: 1,
  name: 'ok',
  task: { kind: 'parity', T: 16, s: 3 } as Record<string, unknown>,
  data: { trainSize: 100 } as Record<string, unknown>,
  model: {} as Record<string, unknown>,
  training: {} as Record<string, unknown>,
});

function problems(edit: (s: ReturnType<typeof base>) => void): string[] {
  const s = base();
  edit(s);
  const r = parseWithSchema(ExperimentSchema, s);
  assert.equal(r.ok, false, 'expected the spec to be rejected');
  return r.ok ? [] : r.problems;
}

function expectProblem(edit: (s: ReturnType<typeof base>) => void, expected: RegExp) {
  const ps = problems(edit);
  assert.ok(ps.some((p) => expected.test(p)), `expected ${expected} in:\n${ps.join('\n')}`);
}

describe('experiment validation', () => {
  it('fills in defaults', () => {
    const r = parseWithSchema(ExperimentSchema, base());
    assert.ok(r.ok);
    if (!r.ok) return;
    assert.equal(r.value.seed, 0);
    assert.equal(r.value.task.noise, 0);
    assert.equal(r.value.task.inputBias, 'balanced');
    assert.equal(r.value.data.testSize, 2000);
    assert.deepEqual(r.value.model, { arch: 'transformer', layers: 1, heads: 4, dModel: 64, mlpRatio: 4, init: 'fan-in' });
    assert.equal(r.value.training.batchSize, 64);
  });

  it('s > T', () => expectProblem((s) => (s.task.s = 20), /^task\.s: must be ≤ task\.T \(got 20 > 16\)$/));
  it('unknown field', () => expectProblem((s) => (s.task.colour = 'red'), /^task\.colour: unknown field$/));
  it('unknown top-level field', () => expectProblem((s) => Object.assign(s, { foo: 1 }), /^foo: unknown field$/));
  it('missing required field', () => expectProblem((s) => delete s.task.T, /^task\.T: is required$/));
  it('wrong version', () => expectProblem((s) => (s.version = 2), /^version: must be 1.*\(got 2\)$/));
  it('unknown target kind', () => expectProblem((s) => (s.task.kind = 'xor'), /^task\.kind: must be one of parity, and, or, majority, junta \(got "xor"\)$/));
  it('non-integer T', () => expectProblem((s) => (s.task.T = 16.5), /^task\.T: must be an integer \(got 16\.5\)$/));
  it('size ≤ 0', () => expectProblem((s) => (s.data.trainSize = 0), /^data\.trainSize: must be ≥ 1 \(got 0\)$/));
  it('noise out of range', () => expectProblem((s) => (s.task.noise = 0.5), /^task\.noise: must be < 0\.5.*\(got 0\.5\)$/));
  it('bad input bias', () => expectProblem((s) => (s.task.inputBias = 1.2), /^task\.inputBias: must be "balanced" or a number in \(0, 1\) \(got 1\.2\)$/));
  it('heads do not divide dModel', () => expectProblem((s) => (s.model = { heads: 3 }), /^model\.dModel: must be divisible by model\.heads \(got 64 \/ 3\)$/));
  it('relevant of the wrong length', () => expectProblem((s) => (s.task.relevant = [1, 2]), /^task\.relevant: must list exactly task\.s = 3 positions \(got 2\)$/));
  it('relevant out of range', () => expectProblem((s) => (s.task.relevant = [1, 2, 16]), /^task\.relevant\.2: must be < task\.T \(got 16 ≥ 16\)$/));
  it('duplicate relevant', () => expectProblem((s) => (s.task.relevant = [1, 1, 2]), /^task\.relevant: positions must be distinct/));
  it('majority with even s', () => expectProblem((s) => Object.assign(s.task, { kind: 'majority', s: 2 }), /^task\.s: majority needs an odd s/));
  it('bad batch size', () => expectProblem((s) => (s.training.batchSize = 'all'), /^training\.batchSize: must be "full" or an integer ≥ 1 \(got "all"\)$/));
  it('bad name', () => expectProblem((s) => (s.name = 'a b/c'), /^name: may only contain/));
  it('T so large the attention does not fit: refused with the estimate', () =>
    // Two layers: the first attends every query row, (T+1)² scores per head and sample.
    expectProblem((s) => Object.assign(s, { task: { kind: 'and', T: 20000, s: 3 }, model: { layers: 2 }, training: { batchSize: 64 } }), /^task\.T: too large: one training step would need about [\d.]+ GiB/));
  it('one tabulated layer at T = 20000 is accepted: its [CLS]-only attention has no (T+1)² term', () => {
    const r = ExperimentSchema.safeParse({ ...base(), task: { kind: 'and', T: 20000, s: 3 }, training: { batchSize: 64 } });
    assert.equal(r.success, true, r.error?.message);
  });

  it('bad JSON reports line and column', () => {
    const r = parseSpecText(ExperimentSchema, '{\n  "version": 1,\n  "name": oops\n}');
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.problems[0], /invalid JSON at line 3, column 11/);
  });

  it('unreadable file', () => {
    const r = readSpecFile(ExperimentSchema, '/nonexistent/x.experiment.json');
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.problems[0], /cannot read .*: no such file/);
  });

  it('reads a valid file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'spec-'));
    const file = path.join(dir, 'a.experiment.json');
    writeFileSync(file, JSON.stringify(base()));
    assert.equal(readSpecFile(ExperimentSchema, file).ok, true);
  });

  it('emits a JSON Schema that describes the fields', () => {
    const schema = experimentJsonSchema() as { properties: Record<string, { properties?: Record<string, unknown> }> };
    assert.ok(schema.properties.task.properties?.T);
    assert.ok(schema.properties.training.properties?.batchSize);
  });
});
