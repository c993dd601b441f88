// The attention heatmap's numbered scale and hover words (webview/results/heatmapScale.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AttentionEvent } from '../../src/protocol/runEvents';
import { scaleTicks, snapshotMax, tokenSpan } from '../../webview/results/heatmapScale';

describe('attention heatmap scale', () => {
  it('numbers the bar 0, ¼, ½, 1 of the largest weight, placed where their colours are (√ spacing)', () => {
    assert.deepEqual(scaleTicks(0.8).map((t) => [t.text, t.at]), [['0', 0], ['0.20', 0.5], ['0.40', Math.SQRT1_2], ['0.80', 1]]);
    assert.deepEqual(scaleTicks(0.04).map((t) => t.text), ['0', '0.010', '0.020', '0.040']);
    assert.deepEqual(scaleTicks(0), [{ value: 0, at: 0, text: '0' }]);
  });

  it('takes one maximum over every map and [CLS] row of the snapshot (not [CLS] → itself)', () => {
    const head = (cells: number[], cls: number[]) => ({ size: 2, cells, cls, onRelevant: 0 });
    const event = { layers: [{ heads: [head([0.1, 0.2, 0.3, 0.4], [0.9, 0.05, 0.05]), head([0.1, 0.6, 0.1, 0.1], [0.2, 0.5, 0.3])] }] } as unknown as AttentionEvent;
    assert.equal(snapshotMax(event), 0.6);
  });

  it('names one token alone and a pooled range as a range', () => {
    assert.equal(tokenSpan(11, 17, 17), 'token 11');
    assert.equal(tokenSpan(0, 17, 17), 'token 0');
    assert.equal(tokenSpan(1, 129, 64), 'tokens 2–3');
  });
});
