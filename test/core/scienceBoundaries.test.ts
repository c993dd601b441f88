// The science's boundaries, each pinned so that a hand-made fault there fails a test: a cell exactly
// at its pass rate, a bootstrap that really resamples, the "clear winner" threshold of the verdict,
// the small-sample correction of the printed AICc, and the one redraw of a cell.
// Run: node --import tsx --test test/core/scienceBoundaries.test.ts
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cellStatus } from '../../src/core/sweep/cellOutcome';
import { redrawCell } from '../../src/core/sweep/redrawCell';
import { type FitSet, type ScalingPoint, bestModel, fitScaling } from '../../src/core/sweep/scalingFits';
import { analyseVariant, verdictText } from '../../src/core/sweep/verdict';
import { rngFor } from '../../src/core/spec/seededRandom';
import { emptyVariant } from '../../src/protocol/sweepEvents';
import { variantTables } from '../../src/protocol/sweepTableModel';

const cell = (m: number, successes: number, trials: number, failedRuns = 0) => ({ m, successes, trials, failedRuns });

describe('a cell at its pass rate', () => {
  it('passes exactly at the rate (less the two-decimal slack), fails one run below', () => {
    // 0.88 is written for "7 of 8" (0.875): the share sits exactly on the rule's boundary.
    assert.equal(cellStatus(cell(64, 7, 8), 0.88), 'passed');
    assert.equal(cellStatus(cell(64, 6, 8), 0.88), 'failed');
    assert.equal(cellStatus(cell(64, 3, 4), 0.755), 'passed', '3 of 4 at 0.755: share = rate − slack');
    assert.equal(cellStatus(cell(64, 8, 8), 1), 'passed');
    assert.equal(cellStatus(cell(64, 7, 8), 1), 'failed');
  });
});

/** Cells of a logistic success curve around m* = truth, drawn with seeds that disagree near it. */
function noisyCells(truth: number, rng: () => number) {
  const sizes = [8, 11, 16, 23, 32, 45, 64, 91, 128, 181, 256, 362, 512];
  return sizes.map((m) => {
    const p = 1 / (1 + Math.exp(-4 * (Math.log(m) - Math.log(truth))));
    let s = 0;
    for (let k = 0; k < 6; k++) if (rng() < p) s++;
    return cell(m, s, 6);
  });
}

describe('the bootstrap resamples', () => {
  it('redrawing a cell varies its successes, keeps its size and trials, and leaves all-or-none cells alone', () => {
    const rng = rngFor(3, 'bootstrap');
    const draws = Array.from({ length: 200 }, () => redrawCell(cell(32, 3, 6), rng));
    assert.ok(draws.every((d) => d.m === 32 && d.trials === 6 && d.failedRuns === 0));
    const counts = new Set(draws.map((d) => d.successes));
    assert.ok(counts.size >= 4, `Binomial(6, 0.5) gives many counts, got ${[...counts]}`);
    const mean = draws.reduce((s, d) => s + d.successes, 0) / draws.length;
    assert.ok(Math.abs(mean - 3) < 0.4, `mean ${mean}`);
    assert.equal(redrawCell(cell(32, 6, 6), rng).successes, 6);
    assert.equal(redrawCell(cell(32, 0, 6), rng).successes, 0);
  });

  it('on noisy data the supports are split and the intervals have width', () => {
    const rng = rngFor(11, 'test');
    const points = [10, 20, 40, 80, 160, 320].map((T) => ({ T, cells: noisyCells(20 + 15 * Math.log(T), rng) }));
    const a = analyseVariant(points, 0.67, { bootstrap: 200, rng: rngFor(1, 'verdict') });
    const support = a.verdictSupport!;
    assert.ok(Math.max(support.log, support.linear, support.power) < 1, `a resampler that returns the data gives 100/0/0: ${JSON.stringify(support)}`);
    assert.ok(a.slope!.interval[1] - a.slope!.interval[0] > 0, `slope interval ${a.slope!.interval}`);
    assert.ok(a.exponent!.interval[1] - a.exponent!.interval[0] > 0, `exponent interval ${a.exponent!.interval}`);
  });
});

const Ts = [10, 20, 40, 80, 160];
const logPoints: ScalingPoint[] = Ts.map((T, i) => ({ T, m: 20 + 15 * Math.log(T) + [1.5, -2, 0.5, 2.5, -1][i], censored: false }));

describe('the verdict', () => {
  const fits = fitScaling(logPoints)!;
  const boot = (log: number, linear: number, power: number) => ({
    resamples: 200,
    support: { log, linear, power },
    slope: { b: fits.log.b!, interval: [10, 20] as [number, number] },
    exponent: { c: fits.power.c!, interval: [0.3, 0.6] as [number, number] },
  });

  it('a best model winning more than half of the resamples (but under 80 %) is the winner', () => {
    assert.equal(bestModel(fits).best, 'log');
    const text = verdictText(fits, boot(0.65, 0.2, 0.15), [], []);
    assert.match(text, /^log T, in 65 % of 200 resamples \(linear 20 %, power law 15 %\)/);
    assert.doesNotMatch(text, /no clear winner/);
  });

  it('exactly half is still a winner; under half is no clear winner', () => {
    assert.doesNotMatch(verdictText(fits, boot(0.5, 0.3, 0.2), [], []), /no clear winner/);
    assert.match(verdictText(fits, boot(0.45, 0.3, 0.25), [], []), /^no clear winner: log T 45 %, linear 30 %, power law 25 % of 200 resamples;/);
  });
});

describe('the printed AICc', () => {
  it('is n·ln(RSS/n) + 2k + 2k(k+1)/(n−k−1) of each fit, by hand, to the digit the tables print', () => {
    const fits: FitSet = fitScaling(logPoints)!;
    const n = logPoints.length;
    const k = 2;
    const v = { ...emptyVariant('hand'), fits, best: bestModel(fits).best };
    const rows = variantTables(v).fits!;
    for (const row of rows) {
      const rss = fits[row.model].rss;
      const hand = n * Math.log(rss / n) + 2 * k + (2 * k * (k + 1)) / (n - k - 1);
      assert.ok(Math.abs(fits[row.model].aicc - hand) < 1e-9, `${row.model}: ${fits[row.model].aicc} vs ${hand}`);
      assert.equal(row.aicc, hand.toFixed(1), row.model);
    }
    // With n = 5 the correction is 6: without it every printed value would be 6 lower.
    assert.equal((2 * k * (k + 1)) / (n - k - 1), 6);
  });
});
