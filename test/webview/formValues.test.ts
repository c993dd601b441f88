// Values round-trip through the generated form: setting a control updates the spec at its path (typed
// numbers, comma lists, literals, JSON areas, the two forms of trainSizes), and what the form cannot
// read is reported, never silently dropped. The host's validation is the CLI's own.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ExperimentSchema, experimentJsonSchema } from '../../src/core/spec/experimentSpec';
import { parseWithSchema } from '../../src/core/spec/specProblems';
import { SweepSchema, sweepJsonSchema } from '../../src/core/spec/sweepSpec';
import { activeBranch, applyInput, chooseBranch, displayValue, dropdownOptions, getPath } from '../../webview/form/fieldValues';
import { type FormField, type JsonSchema, formFields, leafFields } from '../../webview/form/schemaFields';

const experimentFields = formFields(experimentJsonSchema() as JsonSchema);
const sweepFields = formFields(sweepJsonSchema() as JsonSchema);
const field = (fields: FormField[], p: string): FormField => {
  const f = leafFields(fields).find((x) => x.path === p);
  assert.ok(f, `a control for ${p}`);
  return f;
};
const groupOrUnion = (fields: FormField[], p: string): FormField => {
  const walk = (fs: FormField[]): FormField | undefined =>
    fs.map((f) => (f.path === p ? f : walk([...(f.children ?? []), ...(f.branches ?? []).map((b) => b.field)]))).find(Boolean);
  const f = walk(fields);
  assert.ok(f, `a field at ${p}`);
  return f;
};
/** Set a control the way the renderer does and insist the form accepted it. */
const set = (spec: Record<string, unknown>, fields: FormField[], p: string, input: string | boolean) => {
  const applied = applyInput(spec, field(fields, p), input);
  assert.equal(applied.problem, undefined);
  return applied.spec;
};

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');
const example = (name: string) => JSON.parse(readFileSync(path.join(EXAMPLES, name), 'utf8')) as Record<string, unknown>;
const experiment = () => example('parity-T16.experiment.json');
const sweep = () => example('and-sweep.sweep.json');

describe('form values', () => {
  it('writes typed numbers, literals and dropdown choices to their paths', () => {
    let spec = experiment();
    spec = set(spec, experimentFields, 'task.s', '5');
    spec = set(spec, experimentFields, 'training.learningRate', ' 3e-4 ');
    spec = set(spec, experimentFields, 'training.batchSize', 'full');
    spec = set(spec, experimentFields, 'task.inputBias', '0.3');
    spec = set(spec, experimentFields, 'model.init', 'normal-0.02');
    spec = set(spec, experimentFields, 'task.relevant', '0, 3 ,7  11,12');
    assert.deepEqual(getPath(spec, 'task'), { kind: 'parity', T: 16, s: 5, inputBias: 0.3, relevant: [0, 3, 7, 11, 12] });
    assert.equal(getPath(spec, 'training.learningRate'), 3e-4);
    assert.equal(getPath(spec, 'training.batchSize'), 'full');
    assert.equal(getPath(spec, 'model.init'), 'normal-0.02');
    assert.equal(parseWithSchema(ExperimentSchema, spec).ok, true);
    // ...and the controls show them back.
    assert.equal(displayValue(field(experimentFields, 'task.relevant'), spec), '0, 3, 7, 11, 12');
    assert.equal(displayValue(field(experimentFields, 'training.batchSize'), spec), 'full');
    assert.equal(displayValue(field(experimentFields, 'task.inputBias'), spec), '0.3');
    // An emptied field is left out (its default applies).
    spec = set(spec, experimentFields, 'task.relevant', '  ');
    assert.equal(getPath(spec, 'task.relevant'), undefined);
  });

  it('keeps text that is not a number so the CLI\'s rules name the field, the value and the range', () => {
    const spec = set(set(experiment(), experimentFields, 'training.batchSize', 'lots'), experimentFields, 'model.heads', 'four');
    const check = parseWithSchema(ExperimentSchema, spec);
    assert.equal(check.ok, false);
    const problems = check.ok ? [] : check.problems;
    assert.ok(problems.some((p) => p.startsWith('training.batchSize: must be "full" or an integer ≥ 1')), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('model.heads:') && p.includes('"four"')), problems.join('\n'));
  });

  it('reads and writes a JSON area, with a problem for text that is not JSON', () => {
    const compare = field(sweepFields, 'compareWith');
    let spec = sweep();
    const text = '[{ "label": "wide", "model": { "dModel": 128 } }]';
    spec = set(spec, sweepFields, 'compareWith', text);
    assert.deepEqual(spec.compareWith, [{ label: 'wide', model: { dModel: 128 } }]);
    assert.deepEqual(JSON.parse(displayValue(compare, spec)), spec.compareWith);
    assert.equal(parseWithSchema(SweepSchema, spec).ok, true);
    const bad = applyInput(spec, compare, '[{ "label": "wide", ');
    assert.match(bad.problem ?? '', /^compareWith: not valid JSON \(.+\)/);
    assert.deepEqual(bad.spec, spec, 'the spec keeps its last valid value');
  });

  it('edits a sweep\'s vary (a record) as JSON once the schema has it', () => {
    const schema = sweepJsonSchema() as JsonSchema;
    const fields = formFields(schema);
    const spec = set(sweep(), fields, 'vary', '{ "model.heads": [1, 4, 16], "task.noise": [0, 0.1] }');
    assert.deepEqual(spec.vary, { 'model.heads': [1, 4, 16], 'task.noise': [0, 0.1] });
    assert.equal(set(spec, fields, 'vary', '').vary, undefined);
  });

  it('switches trainSizes between a range and a list', () => {
    const union = groupOrUnion(sweepFields, 'trainSizes');
    let spec = sweep();
    assert.equal(activeBranch(union, spec), 0);
    spec = chooseBranch(spec, union, 1);
    assert.deepEqual(spec.trainSizes, []);
    assert.equal(activeBranch(union, spec), 1);
    spec = set(spec, sweepFields, 'trainSizes', '8, 16, 32, 64');
    assert.deepEqual(spec.trainSizes, [8, 16, 32, 64]);
    assert.equal(parseWithSchema(SweepSchema, spec).ok, true);
    assert.equal(chooseBranch(spec, union, 1), spec, 'choosing the form it has changes nothing');
    spec = chooseBranch(spec, union, 0);
    spec = set(set(spec, sweepFields, 'trainSizes.min', '4'), sweepFields, 'trainSizes.max', '256');
    assert.deepEqual(spec.trainSizes, { min: 4, max: 256 });
    assert.equal(parseWithSchema(SweepSchema, spec).ok, true);
  });

  it('offers the file\'s own value and an empty choice in dropdowns, and leaves defaults unwritten', () => {
    const kind = field(experimentFields, 'task.kind');
    assert.deepEqual(dropdownOptions(kind, { task: { kind: 'xor' } }).map((o) => o.label), ['parity', 'and', 'or', 'majority', 'junta', 'xor']);
    assert.deepEqual(dropdownOptions(kind, {}).map((o) => o.label), ['', 'parity', 'and', 'or', 'majority', 'junta']);
    assert.deepEqual(applyInput({}, kind, '').spec, {}, 'the empty choice leaves the field out');
    assert.deepEqual(applyInput({}, kind, 'and').spec, { task: { kind: 'and' } });
    const init = field(experimentFields, 'model.init');
    const spec = experiment();
    assert.equal(displayValue(init, spec), 'fan-in', 'a left-out field shows its default');
    assert.equal(applyInput(spec, init, 'fan-in').spec, spec, 'choosing the default of a left-out field writes nothing');
    const version = field(experimentFields, 'version');
    assert.equal(displayValue(version, spec), '1');
    assert.equal(getPath(applyInput({}, version, '1').spec, 'version'), 1, 'a constant keeps its JSON type');
  });

  for (const file of readdirSync(EXAMPLES).filter((f) => /\.(experiment|sweep)\.json$/.test(f))) {
    it(`shows ${file} in its controls and writes it back unchanged`, () => {
      const spec = example(file);
      const fields = file.endsWith('.sweep.json') ? sweepFields : experimentFields;
      // The controls the form draws for this file: a union shows only the form its value has.
      const visible = (fs: FormField[]): FormField[] =>
        fs.flatMap((f) => (f.kind === 'group' ? visible(f.children ?? []) : f.kind === 'union' ? visible([f.branches![activeBranch(f, spec)].field]) : [f]));
      let out = spec;
      for (const f of visible(fields)) {
        const applied = applyInput(out, f, displayValue(f, out));
        assert.equal(applied.problem, undefined, f.path);
        out = applied.spec;
      }
      assert.deepEqual(out, spec);
    });
  }
});
