// What the norms and per-head charts plot: the right head, matrix, kind and layer, steps without
// norms left out, and nothing for runs that carry none.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MetricsEvent } from '../../src/protocol/runEvents';
import { hasHeadScores, hasNorms, headCreationSeries, layersOf, normSeries } from '../../webview/results/normSeries';
import { fakeNorms, runEventsWithNorms } from './drillFixtures';

const metrics = () => runEventsWithNorms().filter((e): e is MetricsEvent => e.type === 'metrics');

describe('norm series', () => {
  it('one line per head of the chosen matrix and kind', () => {
    const m = metrics();
    const qk = normSeries(m, 0, 'qk', 'spectral');
    assert.deepEqual(qk.map((s) => s.label), ['head 1', 'head 2', 'head 3', 'head 4']);
    assert.deepEqual(qk[2].points.slice(0, 2), [{ x: 0, y: 3 }, { x: 100, y: 6 }]);
    assert.equal(normSeries(m, 0, 'qk', 'frobenius')[2].points[1].y, 12);
    assert.equal(normSeries(m, 0, 'v', 'spectral')[1].points[0].y, 11);
    assert.equal(normSeries(m, 0, 'o', 'frobenius')[3].points[0].y, 46);
    const mlp = normSeries(m, 0, 'mlp', 'spectral');
    assert.deepEqual(mlp.map((s) => s.label), ['MLP W_in', 'MLP W_out']);
    assert.deepEqual(mlp[1].points.map((p) => p.y), m.map(() => 40));
  });

  it('leaves out steps without norms and reads the chosen layer', () => {
    const m = metrics();
    delete m[1].norms;
    const two: MetricsEvent = { ...m[2], step: 5000, norms: [...fakeNorms(0, 2), ...fakeNorms(100, 3)], attentionPerHead: [[0.1, 0.2], [0.3, 0.4, 0.9]] };
    const series = normSeries([...m, two], 1, 'qk', 'spectral');
    assert.equal(series.length, 3);
    assert.deepEqual(series[2].points, [{ x: 5000, y: 6 }]);
    assert.equal(normSeries(m, 0, 'qk', 'spectral')[0].points.length, m.length - 1);
    assert.equal(layersOf([...m, two]), 2);
    assert.deepEqual(headCreationSeries([...m, two], 1).map((s) => s.points), [[{ x: 5000, y: 0.3 }], [{ x: 5000, y: 0.4 }], [{ x: 5000, y: 0.9 }]]);
  });

  it('per-head variable creation from attentionPerHead', () => {
    const m = metrics();
    const heads = headCreationSeries(m, 0);
    assert.equal(heads.length, 4);
    assert.deepEqual(heads.map((s) => s.points[0].y), m[0].attentionPerHead[0]);
  });

  it('nothing to plot for an MLP or an old recording', () => {
    const mlp: MetricsEvent = { ...metrics()[0], attentionPerHead: [], attentionOnRelevant: null, norms: undefined };
    assert.equal(hasNorms([mlp]), false);
    assert.equal(hasHeadScores([mlp]), false);
    assert.equal(layersOf([mlp]), 0);
    assert.deepEqual(normSeries([mlp], 0, 'qk', 'spectral'), []);
    const old = metrics().map((e) => ({ ...e, norms: undefined }));
    assert.equal(hasNorms(old), false);
    assert.equal(hasHeadScores(old), true);
  });
});
