// The T × m heatmap's numbers (issue 20): a cell's median and mean final test accuracy.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cellAccuracy } from '../../src/core/sweep/cellAccuracy';

describe('cell accuracy', () => {
  it('median of 3 runs is the middle one; the mean is their average', () => {
    assert.deepEqual(cellAccuracy([0.9, 0.5, 0.7]), { medianTestAccuracy: 0.7, meanTestAccuracy: 0.7 });
    assert.deepEqual(cellAccuracy([1, 0.5, 0.6]), { medianTestAccuracy: 0.6, meanTestAccuracy: 0.7 });
  });

  it('median of 4 runs is the mean of the middle two', () => {
    assert.deepEqual(cellAccuracy([0.5, 1, 0.6, 0.9]), { medianTestAccuracy: 0.75, meanTestAccuracy: 0.75 });
    assert.deepEqual(cellAccuracy([0.5, 0.52, 0.98, 1]), { medianTestAccuracy: 0.75, meanTestAccuracy: 0.75 });
    assert.deepEqual(cellAccuracy([0.5, 0.6, 0.7, 1]), { medianTestAccuracy: 0.65, meanTestAccuracy: 0.7 });
  });

  it('an empty cell (no finished run) has no accuracy', () => {
    assert.deepEqual(cellAccuracy([]), { medianTestAccuracy: null, meanTestAccuracy: null });
    assert.deepEqual(cellAccuracy([Number.NaN]), { medianTestAccuracy: null, meanTestAccuracy: null });
  });
});
