// The form's edits keep the file as written (issue 20): key order, comments, and a field cleared then
// retyped back in its place.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyOrder, writeSpecText } from '../../src/extension/specTextEdits';

const FILE = `{
  // the experiment
  "version": 1,
  "name": "tiny",
  "task": { "kind": "and", "T": 12, "s": 3, "noise": 0.2 },
  "training": {
    "learningRate": 0.003,
    "maxSteps": 240
  },
  "seed": 1
}
`;

describe('writing the form’s edits into the spec text', () => {
  it('changes only the edited values, keeping comments, key order and layout', () => {
    const next = { version: 1, name: 'tiny', task: { kind: 'and', T: 16, s: 3, noise: 0.05 }, training: { learningRate: 0.003, maxSteps: 240 }, seed: 1 };
    const out = writeSpecText(FILE, next);
    assert.equal(out, FILE.replace('"T": 12', '"T": 16').replace('"noise": 0.2', '"noise": 0.05'));
  });

  it('puts a field cleared and typed again back where it was, not at the end of its object', () => {
    const order = keyOrder(FILE);
    const cleared = writeSpecText(FILE, { version: 1, name: 'tiny', task: { kind: 'and', T: 12, s: 3, noise: 0.2 }, training: { maxSteps: 240 }, seed: 1 }, order);
    assert.doesNotMatch(cleared, /learningRate/);
    const back = writeSpecText(cleared, { version: 1, name: 'tiny', task: { kind: 'and', T: 12, s: 3, noise: 0.2 }, training: { maxSteps: 240, learningRate: 0.01 }, seed: 1 }, order);
    assert.deepEqual(Object.keys(JSON.parse(back.replace(/\/\/.*\n/, '')).training), ['learningRate', 'maxSteps'], back);
    assert.match(back, /\/\/ the experiment/);
  });

  it('adds a new key at the end of its object and removes a key cleanly', () => {
    const out = writeSpecText(FILE, { version: 1, name: 'tiny', task: { kind: 'and', T: 12, s: 3 }, training: { learningRate: 0.003, maxSteps: 240, weightDecay: 0.01 }, seed: 1 });
    const parsed = JSON.parse(out.replace(/\/\/.*\n/, ''));
    assert.deepEqual(Object.keys(parsed.task), ['kind', 'T', 's']);
    assert.deepEqual(Object.keys(parsed.training), ['learningRate', 'maxSteps', 'weightDecay']);
  });

  it('writes the whole object into an empty or broken file', () => {
    assert.equal(writeSpecText('', { a: 1 }), '{\n  "a": 1\n}\n');
  });
});
