import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bestHeadScore, clsMassOnRelevant, poolMap } from '../../src/core/model/variableCreation';

describe('variable-creation score', () => {
  it('measures the [CLS] mass on the relevant bits of a hand-built pattern', () => {
    // T = 4 bits, n = 5 tokens, 2 heads. Head 0: [CLS] puts 0.3 on bit 1 and 0.5 on bit 3;
    // head 1: uniform. Relevant bits {1, 3} (tokens 2 and 4).
    const n = 5;
    const att = new Float32Array(2 * n * n);
    att.set([0.1, 0.05, 0.3, 0.05, 0.5], 0);
    att.set([0.2, 0.2, 0.2, 0.2, 0.2], n * n);
    // Other rows must not count.
    att.set([0, 0, 1, 0, 0], n);
    const scores = clsMassOnRelevant(att, 2, n, [1, 3]);
    assert.ok(Math.abs(scores[0] - 0.8) < 1e-6);
    assert.ok(Math.abs(scores[1] - 0.4) < 1e-6);
    assert.equal(bestHeadScore([scores, [0.1]]), scores[0]);
    assert.equal(bestHeadScore([]), null);
  });

  it('pools a map to cells that keep its mean', () => {
    const n = 6;
    const m = Float32Array.from({ length: n * n }, (_, k) => k);
    const pooled = poolMap(m, 0, n, 3);
    assert.equal(pooled.size, 3);
    assert.equal(pooled.cells[0], (0 + 1 + 6 + 7) / 4);
    const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0) / a.length;
    assert.ok(Math.abs(mean(pooled.cells) - mean(m)) < 1e-9);
    assert.equal(poolMap(m, 0, n, 64).size, n);
  });
});
