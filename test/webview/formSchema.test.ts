// The authoring form is generated from the JSON Schema zod emits: every field of the experiment and
// sweep schemas gets a control, including fields added later (vary, maxNorm) with no change to the form.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { experimentJsonSchema } from '../../src/core/spec/experimentSpec';
import { sweepJsonSchema } from '../../src/core/spec/sweepSpec';
import { type FormField, type JsonSchema, formFields, leafFields } from '../../webview/form/schemaFields';

/** Leaf paths of a JSON Schema, walked independently of the form: properties recursively, every branch of a union, `$schema` left out. */
function schemaLeaves(s: JsonSchema, path = ''): string[] {
  const union = s.anyOf ?? s.oneOf;
  if (union) return union.filter((b) => b.type !== 'null').flatMap((b) => schemaLeaves(b, path));
  if (s.type === 'object' && s.properties && Object.keys(s.properties).length) {
    return Object.entries(s.properties)
      .filter(([k]) => k !== '$schema')
      .flatMap(([k, child]) => schemaLeaves(child, path ? `${path}.${k}` : k));
  }
  return [path];
}

const sorted = (xs: string[]) => [...new Set(xs)].sort();

function assertCoversSchema(schema: JsonSchema): Map<string, FormField> {
  const leaves = leafFields(formFields(schema));
  assert.deepEqual(sorted(leaves.map((f) => f.path)), sorted(schemaLeaves(schema)));
  assert.ok(!leaves.some((f) => f.path.includes('$schema')), '$schema is not a setting');
  // One control per path (a union's list and range share the union's path only across branches).
  return new Map(leaves.map((f) => [f.path, f]));
}

// `model.maxNorm` and a sweep's `vary` came after the generator: the form picked them up unchanged.
const extendedExperiment = () => experimentJsonSchema() as JsonSchema;
const extendedSweep = () => sweepJsonSchema() as JsonSchema;

describe('form generated from the JSON Schema', () => {
  it('has a control for every field of the experiment schema', () => {
    const f = assertCoversSchema(experimentJsonSchema() as JsonSchema);
    // The fields the hand-written form lacked.
    assert.equal(f.get('model.init')?.kind, 'enum');
    assert.deepEqual(f.get('model.init')?.options?.map((o) => o.value), ['fan-in', 'normal-0.02']);
    assert.equal(f.get('model.init')?.placeholder, 'fan-in');
    assert.match(f.get('model.init')?.help ?? '', /GPT-2/);
    assert.equal(f.get('task.relevant')?.kind, 'numberList');
    assert.equal(f.get('task.relevant')?.integer, true);
    // Numbers carry their bounds; unions of a literal and a number parse either.
    assert.deepEqual([f.get('model.heads')?.kind, f.get('model.heads')?.min, f.get('model.heads')?.max], ['integer', 1, 64]);
    assert.deepEqual([f.get('model.mlpRatio')?.min, f.get('model.mlpRatio')?.exclusiveMin], [0, true]);
    assert.equal(f.get('training.batchSize')?.kind, 'scalarUnion');
    assert.deepEqual(f.get('training.batchSize')?.options?.map((o) => o.value), ['full']);
    assert.equal(f.get('task.inputBias')?.kind, 'scalarUnion');
    assert.equal(f.get('task.T')?.required, true);
    assert.equal(f.get('task.T')?.placeholder, 'required');
    assert.deepEqual(f.get('version')?.options?.map((o) => o.value), [1]);
  });

  it('nests objects as groups labelled by the property name, in schema order', () => {
    const top = formFields(experimentJsonSchema() as JsonSchema);
    assert.deepEqual(top.map((f) => `${f.label}:${f.kind}`), ['version:enum', 'name:string', 'task:group', 'data:group', 'model:group', 'training:group', 'seed:integer']);
  });

  it('has a control for every field of the sweep schema', () => {
    const f = assertCoversSchema(sweepJsonSchema() as JsonSchema);
    assert.equal(f.get('base.seed')?.kind, 'integer');
    assert.equal(f.get('base.data.testSize')?.kind, 'integer');
    assert.equal(f.get('base.data.testSize')?.placeholder, '2000');
    assert.equal(f.get('compareWith')?.kind, 'json');
    assert.equal(f.get('compareWith')?.placeholder, '[]');
    assert.equal(f.get('contextLengths')?.kind, 'numberList');
    // The size list and the size range: one union, two forms.
    const trainSizes = leafFields(formFields(sweepJsonSchema() as JsonSchema)).filter((x) => x.path.startsWith('trainSizes'));
    assert.deepEqual(sorted(trainSizes.map((x) => `${x.path}:${x.kind}`)), ['trainSizes.max:integer', 'trainSizes.min:integer', 'trainSizes.points:integer', 'trainSizes:numberList']);
    const union = formFields(sweepJsonSchema() as JsonSchema).find((x) => x.path === 'trainSizes');
    assert.deepEqual(union?.branches?.map((b) => b.shape), ['object', 'array']);
    // Fields a sweep sets itself accept any value in the schema (it refuses them): edited as JSON, so the refusal shows.
    assert.equal(f.get('base.task.T')?.kind, 'json');
  });

  it('picks up fields added to the schemas (model.maxNorm, a sweep\'s vary) with no change to the form', () => {
    const e = assertCoversSchema(extendedExperiment());
    assert.deepEqual([e.get('model.maxNorm')?.kind, e.get('model.maxNorm')?.min, e.get('model.maxNorm')?.exclusiveMin], ['number', 0, true]);
    assert.equal(e.get('model.maxNorm')?.placeholder, 'optional');
    assert.match(e.get('model.maxNorm')?.help ?? '', /Frobenius ball/);
    const s = assertCoversSchema(extendedSweep());
    assert.equal(s.get('vary')?.kind, 'json');
  });

  it('maps shapes it has no control for to JSON, and resolves $ref', () => {
    const schema: JsonSchema = {
      type: 'object',
      $defs: { Flag: { type: 'boolean', default: true, description: 'A switch.' } },
      properties: {
        flag: { $ref: '#/$defs/Flag' },
        tags: { type: 'array', items: { type: 'string' } },
        anything: {},
        ratio: { anyOf: [{ type: 'number' }, { type: 'null' }] },
      },
    };
    const f = assertCoversSchema(schema);
    assert.deepEqual([f.get('flag')?.kind, f.get('flag')?.help, f.get('flag')?.placeholder], ['boolean', 'A switch.', 'true']);
    assert.equal(f.get('tags')?.kind, 'json');
    assert.equal(f.get('anything')?.kind, 'json');
    assert.equal(f.get('ratio')?.kind, 'number');
  });
});
