// The verdict's sentences, one per decision kind, and the next step: the words the panel, the HTML
// report and the CLI show (issue 20: a verdict that reads right).
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { nextStep, nextT } from '../../src/core/sweep/nextStep';
import { type FitSet, type ScalingPoint, fitScaling } from '../../src/core/sweep/scalingFits';
import { analyseVariant } from '../../src/core/sweep/verdict';
import { exponentReading, exponentShapes, verdictText } from '../../src/core/sweep/verdictWords';

const Ts = [10, 20, 40, 80, 160];
const logPoints: ScalingPoint[] = Ts.map((T, i) => ({ T, m: 20 + 15 * Math.log(T) + [1.5, -2, 0.5, 2.5, -1][i], censored: false }));
const fits: FitSet = fitScaling(logPoints)!;
const boot = (log: number, linear: number, power: number, interval: [number, number] = [0.3, 0.6]) => ({
  resamples: 1000,
  support: { log, linear, power },
  exponent: { c: 0.45, interval },
});

describe('the verdict sentence', () => {
  it('a clear winner: the model in plain words with its share of the resamples, the others after', () => {
    const text = verdictText(fits, boot(0.91, 0.06, 0.03), [], []);
    assert.match(text, /^log T, in 91 % of 1000 resamples \(linear 6 %, power law 3 %\); /);
    assert.doesNotMatch(text, /no clear winner/);
  });

  it('no clear winner: says so first, then every model by its share, largest first', () => {
    const text = verdictText(fits, boot(0.35, 0.38, 0.27), [], []);
    assert.match(text, /^no clear winner: linear 38 %, log T 35 %, power law 27 % of 1000 resamples; /);
    // The full data's best (log T here) is not put up as the headline when it did not win the resamples.
    assert.doesNotMatch(text, /^log T/);
  });

  it('a resamples winner that is not the full data\'s best says both', () => {
    assert.match(verdictText(fits, boot(0.2, 0.7, 0.1), [], []), /^linear, in 70 % of 1000 resamples \(log T 20 %, power law 10 %\); the full data alone favour log T/);
  });

  it('censored points are named as lower bounds', () => {
    const censored = [{ T: 160, m: 512, censored: true }, { T: 320, m: 512, censored: true }];
    assert.match(verdictText(fits, boot(0.91, 0.06, 0.03), censored, []), /; 2 censored points \(T = 160: m\* > 512; T = 320: m\* > 512\) used as lower bounds$/);
  });

  it('an exponent interval covering 0 and 1 is read both ways', () => {
    const text = verdictText(fits, boot(0.38, 0.35, 0.27, [-0.12, 1.03]), [], []);
    assert.match(text, /exponent c = 0\.45, 95 % interval \[-0\.12, 1\.03\]: cannot tell flat, sublinear and linear apart/);
    assert.doesNotMatch(text, /consistent with linear/);
  });

  it('an exponent interval reads one shape only where it excludes the others', () => {
    assert.deepEqual(exponentShapes([0.3, 0.6]), ['sublinear']);
    assert.deepEqual(exponentShapes([-0.2, 0.6]), ['flat', 'sublinear']);
    assert.deepEqual(exponentShapes([0.8, 1.4]), ['sublinear', 'linear', 'superlinear']);
    assert.deepEqual(exponentShapes([0.8, 1.05]), ['sublinear', 'linear'], 'a hair past 1 is not read as superlinear');
    assert.match(exponentReading({ c: 1.53, interval: [0, 1.53] }), /cannot tell flat, sublinear, linear and superlinear apart$/);
    assert.deepEqual(exponentShapes([1.1, 1.4]), ['superlinear']);
    assert.match(exponentReading({ c: 0.5, interval: [0.3, 0.6] }), /: sublinear: the interval excludes flat \(c = 0\) and linear \(c = 1\)$/);
    assert.match(exponentReading({ c: 0.3, interval: [-0.2, 0.6] }), /: cannot tell flat and sublinear apart$/);
  });
});

describe('the next step', () => {
  const base = { Ts, seeds: 3, largestSize: 512, support: { log: 0.38, linear: 0.35, power: 0.27 }, exponentInterval: [-0.12, 1.03] as [number, number], censored: [] };

  it('no clear winner and a wide exponent: one more step of the T grid and twice the seeds', () => {
    assert.equal(nextStep(base), 'Next: extend T to 320 and use 6 seeds per cell, then run the sweep again (finished runs are reused)');
  });

  it('a narrow exponent asks only for longer T; censored points ask for larger sizes', () => {
    assert.equal(nextStep({ ...base, exponentInterval: [0.3, 0.5] }), 'Next: extend T to 320, then run the sweep again (finished runs are reused)');
    assert.match(nextStep({ ...base, seeds: 5, censored: [160] })!, /^Next: extend T to 320, use 10 seeds per cell and raise the largest training-set size above 512 \(m\* is only a lower bound at T = 160\)/);
  });

  it('a clear winner needs no next step', () => {
    assert.equal(nextStep({ ...base, support: { log: 0.91, linear: 0.06, power: 0.03 } }), null);
  });

  it('continues the grid by its own step', () => {
    assert.equal(nextT([16, 32, 64, 128]), 256);
    assert.equal(nextT([10, 30, 90]), 270);
    assert.equal(nextT([8, 12, 16, 24, 32]), 48);
  });
});

describe('a provisional verdict', () => {
  const cell = (m: number, s: number, n: number) => ({ m, successes: s, trials: n, failedRuns: 0 });
  const points = Ts.map((T) => ({ T, cells: [cell(32, 0, 3), cell(Math.round(20 + 15 * Math.log(T)) + 40, 3, 3)] }));

  it('draws no fit while a T is still being searched, and says so', () => {
    const a = analyseVariant(points, 0.67, { running: { runsDone: 26, plannedRuns: 96, open: [80, 160] } });
    assert.equal(a.provisional, true);
    assert.equal(a.fits, null);
    assert.deepEqual(a.curve, []);
    assert.equal(a.verdict, 'Provisional (26 of 96 runs): no fit yet: the search for m* is still running at T = 80, 160');
  });

  it('marks a fit provisional until the sweep ends, with all three curves', () => {
    const a = analyseVariant(points, 0.67, { running: { runsDone: 90, plannedRuns: 96, open: [] } });
    assert.equal(a.provisional, true);
    assert.match(a.verdict!, /^Provisional \(90 of 96 runs\): m\*\(T\) ≈ /);
    assert.deepEqual(Object.keys(a.curves!).sort(), ['linear', 'log', 'power']);
    assert.deepEqual(a.curve, a.curves![a.best!]);
    const final = analyseVariant(points, 0.67);
    assert.equal(final.provisional, false);
    assert.doesNotMatch(final.verdict!, /Provisional/);
  });
});
