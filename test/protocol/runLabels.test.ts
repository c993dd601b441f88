// Runs told apart (issue 20): labels from the settings that differ, colours that stay with a run.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fullLabel, labelParts, rowLabel, runViewLabels } from '../../src/protocol/runLabels';
import { runColourIndex } from '../../src/protocol/runColours';
import type { RunView } from '../../src/protocol/panelMessages';

const settings = (T: number, lr = 0.003, extra: Record<string, number> = {}) => ({ 'task.kind': 'and', 'task.T': T, 'training.learningRate': lr, ...extra });

describe('run labels', () => {
  it('names the one setting that differs: "two-t · T = 12 (seed 1)"', () => {
    const parts = labelParts([
      { name: 'two-t', settings: settings(12), seed: 1 },
      { name: 'two-t', settings: settings(16), seed: 1 },
    ]);
    assert.deepEqual(parts.map(fullLabel), ['two-t · T = 12 (seed 1)', 'two-t · T = 16 (seed 1)']);
    assert.deepEqual(parts.map(rowLabel), ['T = 12 · seed 1', 'T = 16 · seed 1'], 'a tree row leaves out the name its parent shows');
  });

  it('names two differing settings in the spec’s order, with short names', () => {
    const parts = labelParts([
      { name: 'two-t', settings: settings(12, 0.003), seed: 0 },
      { name: 'two-t', settings: settings(16, 0.001), seed: 0 },
      { name: 'two-t', settings: settings(16, 0.003), seed: 0 },
    ]);
    assert.deepEqual(parts.map(fullLabel), ['two-t · T = 12 · lr = 0.003 (seed 0)', 'two-t · T = 16 · lr = 0.001 (seed 0)', 'two-t · T = 16 · lr = 0.003 (seed 0)']);
  });

  it('compares runs only with runs of the same experiment, and says "+ n more" past three settings', () => {
    const parts = labelParts([
      { name: 'a', settings: settings(12), seed: 0 },
      { name: 'b', settings: settings(16), seed: 0 },
      { name: 'c', settings: settings(8, 0.1, { 'model.heads': 1, 'model.layers': 1 }), seed: 0 },
      { name: 'c', settings: settings(9, 0.2, { 'model.heads': 2, 'model.layers': 2 }), seed: 0 },
    ]);
    assert.deepEqual(parts.map(fullLabel), ['a (seed 0)', 'b (seed 0)', 'c · T = 8 · lr = 0.1 · heads = 1 · + 1 more (seed 0)', 'c · T = 9 · lr = 0.2 · heads = 2 · + 1 more (seed 0)']);
  });

  it('tells identical runs apart by their ids, and keeps the label of a run whose spec is not known yet', () => {
    const run = (runId: string, T?: number): RunView => ({
      runId,
      label: `two-t (seed 1)`,
      status: 'running',
      metrics: [],
      attention: [],
      ...(T === undefined ? {} : { started: { type: 'started', runId, spec: { name: 'two-t', seed: 1, task: { kind: 'and', T } } } as unknown as RunView['started'] }),
    });
    assert.deepEqual(runViewLabels([run('two-t-s1-20261204T120000Z-aaaa', 12), run('two-t-s1-20261204T130000Z-bbbb', 12), run('two-t-s1-20261204T140000Z-cccc')]), [
      'two-t (seed 1) · 20261204T120000Z-aaaa',
      'two-t (seed 1) · 20261204T130000Z-bbbb',
      'two-t (seed 1)',
    ]);
    assert.deepEqual(runViewLabels([run('x-1', 12), run('x-2', 16)]), ['two-t · T = 12 (seed 1)', 'two-t · T = 16 (seed 1)']);
  });
});

describe('run colours', () => {
  it('keeps each run’s colour when runs finish, are re-sent in another order, or others are added or removed', () => {
    const first = runColourIndex(['a', 'b', 'c'], 8);
    assert.deepEqual([...first], [['a', 0], ['b', 1], ['c', 2]]);
    const reordered = runColourIndex(['c', 'a', 'b'], 8, first);
    assert.deepEqual(Object.fromEntries(reordered), { a: 0, b: 1, c: 2 }, 'the host re-sent the runs in another order');
    const added = runColourIndex(['c', 'a', 'b', 'd'], 8, reordered);
    assert.equal(added.get('d'), 3);
    const removed = runColourIndex(['a', 'c', 'e'], 8, added);
    assert.deepEqual(Object.fromEntries(removed), { a: 0, c: 2, e: 1 }, 'a new run takes the lowest free colour; the others keep theirs');
  });

  it('repeats colours only beyond the palette', () => {
    const ids = Array.from({ length: 10 }, (_, i) => `run-${i}`);
    const c = runColourIndex(ids, 8);
    assert.equal(new Set(ids.slice(0, 8).map((id) => c.get(id))).size, 8);
    assert.ok(ids.slice(8).every((id) => (c.get(id) ?? -1) >= 0 && (c.get(id) ?? 9) < 8));
  });
});
