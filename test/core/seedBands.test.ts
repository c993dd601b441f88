// The mean ± 95 % band across seeds, against values computed by hand.
// Run: node --import tsx --test test/core/seedBands.test.ts
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupRuns, meanBand, tQuantile975 } from '../../src/protocol/seedBands';

const close = (a: number | null, b: number, tol = 1e-9) => assert.ok(a !== null && Math.abs(a - b) < tol, `${a} ≈ ${b}`);

describe('tQuantile975', () => {
  it('matches the published table and the large-sample limit', () => {
    // Textbook t(0.975; df) values.
    close(tQuantile975(1), 12.7062);
    close(tQuantile975(2), 4.3027);
    close(tQuantile975(4), 2.7764);
    close(tQuantile975(30), 2.0423);
    close(tQuantile975(40), 2.0211, 1e-4);
    close(tQuantile975(60), 2.0003, 1e-4);
    close(tQuantile975(120), 1.9799, 1e-4);
    close(tQuantile975(1e6), 1.96, 1e-4);
    // Decreasing in df, including across the end of the table.
    for (let df = 1; df < 80; df++) assert.ok(tQuantile975(df + 1) < tQuantile975(df), `df ${df}`);
  });

  it('refuses degrees of freedom below 1, naming the value', () => {
    assert.throws(() => tQuantile975(0), /degrees of freedom must be an integer ≥ 1, got 0/);
    assert.throws(() => tQuantile975(1.5), /got 1\.5/);
  });
});

describe('meanBand', () => {
  it('is the t-interval of the mean at each step, aligned by evaluation step', () => {
    const band = meanBand([
      [
        { step: 0, value: 0.5 },
        { step: 10, value: 0.6 },
      ],
      [
        { step: 0, value: 0.7 },
        { step: 10, value: 0.8 },
      ],
      [{ step: 0, value: 0.9 }],
    ]);
    assert.deepEqual(
      band.map((p) => [p.step, p.n]),
      [
        [0, 3],
        [10, 2],
      ],
    );
    // Step 0: mean 0.7, sample sd 0.2, se 0.2/√3; t(0.975; 2) = 4.3027 → half-width 0.496833.
    close(band[0].mean, 0.7);
    close(band[0].low, 0.7 - (4.3027 * 0.2) / Math.sqrt(3));
    close(band[0].high, 0.7 + (4.3027 * 0.2) / Math.sqrt(3));
    close(band[0].high! - band[0].mean, 0.496833, 1e-6);
    // Step 10: mean 0.7, sd 0.1414214, se 0.1; t(0.975; 1) = 12.7062 → 0.7 ± 1.27062.
    close(band[1].mean, 0.7);
    close(band[1].low, 0.7 - 1.27062);
    close(band[1].high, 0.7 + 1.27062);
  });

  it('gives the mean but no band where fewer than 2 runs have a value; skips nulls', () => {
    const band = meanBand([
      [
        { step: 0, value: 0.2 },
        { step: 5, value: null },
      ],
      [
        { step: 0, value: 0.4 },
        { step: 5, value: 0.9 },
      ],
    ]);
    close(band[0].mean, 0.3);
    assert.ok(band[0].low !== null);
    assert.deepEqual(band[1], { step: 5, n: 1, mean: 0.9, low: null, high: null });
  });

  it('has zero width when the seeds agree', () => {
    const [p] = meanBand([[{ step: 1, value: 1 }], [{ step: 1, value: 1 }], [{ step: 1, value: 1 }]]);
    assert.deepEqual(p, { step: 1, n: 3, mean: 1, low: 1, high: 1 });
  });
});

describe('groupRuns', () => {
  it('groups by key in order of first appearance', () => {
    const groups = groupRuns(['a1', 'b1', 'a2', 'c1', 'b2'], (s) => s[0]);
    assert.deepEqual(groups, [
      { key: 'a', runs: ['a1', 'a2'] },
      { key: 'b', runs: ['b1', 'b2'] },
      { key: 'c', runs: ['c1'] },
    ]);
  });
});
