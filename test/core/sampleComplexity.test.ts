// The estimator, the fits and the verdict, against synthetic data whose truth is known — no training.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cellStatus, wilsonInterval } from '../../src/core/sweep/cellOutcome';
import { fitLogistic } from '../../src/core/sweep/logisticMStar';
import { estimateMStar } from '../../src/core/sweep/sampleComplexity';
import { bestModel, fitCurve, fitScaling, fitValue, residuals } from '../../src/core/sweep/scalingFits';
import { rngFor } from '../../src/core/spec/seededRandom';
import { nextSizes, plannedCells } from '../../src/core/sweep/sizeSearch';
import { analyseVariant, bootstrapFits } from '../../src/core/sweep/verdict';
import type { CellStatus } from '../../src/core/sweep/cellOutcome';

const cell = (m: number, successes: number, trials: number, failedRuns = 0) => ({ m, successes, trials, failedRuns });

describe('cell outcome', () => {
  it('passes at the rate, fails below it, and is incomplete when a run crashed', () => {
    assert.equal(cellStatus(cell(10, 2, 3), 0.67), 'passed');
    assert.equal(cellStatus(cell(10, 1, 3), 0.67), 'failed');
    assert.equal(cellStatus(cell(10, 1, 1, 2), 0.67), 'incomplete', 'one success plus two crashes is not a pass');
    assert.equal(cellStatus(cell(10, 0, 0, 3), 0.67), 'incomplete', 'all crashed is not a failure');
  });

  it('Wilson intervals stay inside [0, 1] and contain the share', () => {
    assert.deepEqual(wilsonInterval(3, 3).map((v) => v.toFixed(3)), ['0.439', '1.000']);
    assert.deepEqual(wilsonInterval(0, 3).map((v) => v.toFixed(3)), ['0.000', '0.561']);
    const [lo, hi] = wilsonInterval(30, 60);
    assert.ok(lo < 0.5 && hi > 0.5 && Math.abs(0.5 - lo - (hi - 0.5)) < 1e-3);
  });
});

describe('m* estimator', () => {
  it('m* is the smallest passing size; the interval brackets it; none passing is censored', () => {
    const cells = [cell(10, 0, 3), cell(20, 1, 3), cell(40, 2, 3), cell(80, 3, 3)];
    assert.deepEqual(estimateMStar(cells, 0.67), { status: 'found', mStar: 40, interval: [20, 40], incompleteAt: [] });
    assert.deepEqual(estimateMStar(cells, 1), { status: 'found', mStar: 80, interval: [40, 80], incompleteAt: [] });
    assert.deepEqual(estimateMStar(cells.slice(0, 2), 0.67), { status: 'censored', mStar: null, interval: [20, null], incompleteAt: [] });
    assert.deepEqual(estimateMStar(cells.slice(3), 0.67), { status: 'found', mStar: 80, interval: [null, 80], incompleteAt: [] });
  });

  it('an incomplete cell between the last failure and the first pass leaves m* open', () => {
    const cells = [cell(10, 0, 3), cell(20, 0, 0, 3), cell(40, 3, 3)];
    assert.deepEqual(estimateMStar(cells, 0.67), { status: 'incomplete', mStar: null, interval: [10, 40], incompleteAt: [20] });
    // Off the path (below a failure, above the first pass) it does not matter.
    const off = [cell(5, 0, 1, 2), cell(10, 0, 3), cell(40, 3, 3), cell(80, 0, 0, 3)];
    assert.equal(estimateMStar(off, 0.67).status, 'found');
    assert.equal(estimateMStar([cell(40, 0, 0, 3)], 0.67).status, 'incomplete');
  });

  it('logistic fit recovers a known curve, and its bootstrap interval covers the true m*', () => {
    // P(success) = σ(3·(ln m − ln 50)): m* at successRate 0.5 is 50.
    const rng = rngFor(1, 'test');
    const cells = [10, 20, 30, 40, 50, 60, 80, 100, 150].map((m) => {
      const p = 1 / (1 + Math.exp(-3 * (Math.log(m) - Math.log(50))));
      let successes = 0;
      for (let t = 0; t < 40; t++) if (rng() < p) successes++;
      return cell(m, successes, 40);
    });
    const fit = fitLogistic(cells)!;
    assert.ok(Math.abs(fit.b - 3) < 0.8, `slope ${fit.b}`);
    const est = estimateMStar(cells, 0.5, rngFor(2, 'bootstrap')).logistic;
    assert.ok(est?.identified, 'logistic fit identified');
    if (!est?.identified) return;
    assert.ok(Math.abs(est.mStar - 50) / 50 < 0.1, `m* ${est.mStar}`);
    assert.ok(est.interval[0] <= 50 && 50 <= est.interval[1], `interval ${est.interval}`);
  });

  it('a logistic m* the data cannot pin down is "not identified", never a number', () => {
    // A clean switch (the small parity sweep that printed 29.1 [29.1, 29.1]).
    const clean = [cell(16, 0, 3), cell(23, 0, 3), cell(32, 3, 3), cell(45, 3, 3)];
    const a = estimateMStar(clean, 0.67, rngFor(0, 'bootstrap')).logistic;
    assert.equal(a?.identified, false);
    assert.match(a && !a.identified ? a.reason : '', /switch cleanly/);
    // Barely rising at the top of the range (the sweep that printed 3375.7 [72.9, 9.5e23]).
    const flat = [cell(64, 0, 3), cell(128, 1, 3), cell(181, 0, 3), cell(256, 2, 3)];
    const b = estimateMStar(flat, 0.67, rngFor(0, 'bootstrap')).logistic;
    assert.equal(b?.identified, false, JSON.stringify(b));
    const allSucceed = [10, 20, 40].map((m) => cell(m, 3, 3));
    assert.deepEqual(estimateMStar(allSucceed, 0.67, rngFor(0, 'bootstrap')).logistic, { identified: false, reason: 'every run reached the target at every size' });
    const allFail = [10, 20, 40].map((m) => cell(m, 0, 3));
    assert.deepEqual(estimateMStar(allFail, 0.67, rngFor(0, 'bootstrap')).logistic, { identified: false, reason: 'no run reached the target at any size' });
    const two = [cell(10, 0, 3), cell(20, 3, 3), cell(40, 0, 0)];
    assert.deepEqual(estimateMStar(two, 0.67, rngFor(0, 'bootstrap')).logistic, { identified: false, reason: 'only 2 sizes with finished runs (a fit needs 3)' });
  });
});

const Ts = [10, 20, 40, 80, 160, 320];
const noisy = (f: (T: number) => number, seed: number, amount = 0.04) => {
  const rng = rngFor(seed, 'test');
  return Ts.map((T) => ({ T, m: f(T) * (1 + amount * (rng() - 0.5) * 2), censored: false }));
};

describe('fits of m*(T)', () => {
  it('from a·T^0.5 the power fit wins with c in [0.4, 0.6]', () => {
    const fits = fitScaling(noisy((T) => 6 * Math.sqrt(T), 1))!;
    assert.equal(bestModel(fits).best, 'power');
    assert.ok(fits.power.c! >= 0.4 && fits.power.c! <= 0.6, `c = ${fits.power.c}`);
  });

  it('from 20 + 15·ln T log wins', () => {
    const fits = fitScaling(noisy((T) => 20 + 15 * Math.log(T), 2))!;
    assert.equal(bestModel(fits).best, 'log');
    assert.ok(Math.abs(fits.log.b! - 15) < 2, `b = ${fits.log.b}`);
  });

  it('from 3·T linear wins', () => {
    // a·T^c contains 3·T too (c = 1), so on exact data the two tie and the simpler reading is named;
    // with noise the power fit must find c ≈ 1 (the bootstrap verdict then says "consistent with linear").
    const exact = fitScaling(Ts.map((T) => ({ T, m: 3 * T, censored: false })))!;
    assert.equal(bestModel(exact).best, 'linear');
    const fits = fitScaling(noisy((T) => 3 * T, 3))!;
    assert.ok(['linear', 'power'].includes(bestModel(fits).best));
    assert.ok(Math.abs(fits.power.c! - 1) < 0.05, `c = ${fits.power.c}`);
    assert.ok(fits.log.aicc - fits.linear.aicc > 10, 'log is far behind');
  });

  it('the power fit minimises the residuals it is scored on (checked by a fine grid search)', () => {
    for (const [seed, f] of [[4, (T: number) => 20 + 15 * Math.log(T)], [5, (T: number) => 6 * Math.sqrt(T)]] as const) {
      const points = noisy(f, seed, 0.1);
      const fits = fitScaling(points)!;
      const rss = (a: number, c: number) => residuals('power', [a, c], points).reduce((s, r) => s + r * r, 0);
      assert.ok(Math.abs(fits.power.rss - rss(fits.power.a, fits.power.c!)) < 1e-9 * (1 + fits.power.rss), 'scored on its own residuals');
      let best = Infinity;
      // For each exponent on a fine grid the best a is a 1-D least-squares problem: grid it too.
      for (let c = 0; c <= 1.5; c += 0.002) {
        const num = points.reduce((s, p) => s + p.m * p.T ** c, 0);
        const den = points.reduce((s, p) => s + p.T ** (2 * c), 0);
        const aStar = num / den;
        for (let k = -20; k <= 20; k++) best = Math.min(best, rss(aStar * (1 + k * 0.0005), c));
      }
      assert.ok(fits.power.rss <= best * (1 + 1e-6), `LM rss ${fits.power.rss} vs grid ${best}`);
    }
  });

  it('a censored point counts only when the curve passes below its bound', () => {
    const found = noisy((T) => 3 * T, 6).slice(0, 5);
    const without = fitScaling(found)!;
    // A bound the curve already clears changes nothing…
    const low = fitScaling([...found, { T: 320, m: 500, censored: true }])!;
    assert.ok(Math.abs(low.linear.b! - without.linear.b!) < 1e-6 && low.linear.rss < without.linear.rss + 1e-6);
    // …one above it pulls the curve up.
    const high = fitScaling([...found, { T: 320, m: 1500, censored: true }])!;
    assert.ok(fitValue('linear', high.linear, 320) > fitValue('linear', without.linear, 320) + 50);
    assert.equal(residuals('linear', [0, 10], [{ T: 320, m: 1024, censored: true }])[0], 0, 'above the bound: no residual');
    assert.equal(residuals('linear', [0, 1], [{ T: 320, m: 1024, censored: true }])[0], 704, 'below the bound: the gap');
  });

  it('a fit is evaluated in one place, and its curve is evenly spaced in log T', () => {
    assert.ok(Math.abs(fitValue('log', { a: -67.5667, b: 37.9429 }, 10) - (-67.5667 + 37.9429 * Math.log(10))) < 1e-9);
    assert.ok(Math.abs(fitValue('power', { a: 4, c: 0.5 }, 16) - 16) < 1e-9);
    const curve = fitCurve('log', { a: 1, b: 2 }, [10, 20, 40, 80], 3);
    assert.deepEqual(curve.map((p) => Math.round(p.T)), [10, 20, 40, 80]);
    assert.ok(Math.abs(curve[1].m - fitValue('log', { a: 1, b: 2 }, curve[1].T)) < 1e-2);
  });

  it('needs three context lengths, two of them found', () => {
    assert.equal(fitScaling([{ T: 1, m: 1, censored: false }, { T: 2, m: 2, censored: false }]), null);
    assert.equal(fitScaling([{ T: 1, m: 1, censored: false }, { T: 2, m: 2, censored: true }, { T: 3, m: 3, censored: true }]), null);
  });
});

/** Cells of one T for a variant whose true m* is `truth`: a step from 0/seeds to seeds/seeds around it. */
function cellsFor(truth: number, sizes: number[], seeds: number, rng: () => number) {
  return sizes.map((m) => {
    const p = 1 / (1 + Math.exp(-8 * (Math.log(m) - Math.log(truth))));
    let s = 0;
    for (let k = 0; k < seeds; k++) if (rng() < p) s++;
    return cell(m, s, seeds);
  });
}

describe('verdict', () => {
  const sizes = [8, 11, 16, 23, 32, 45, 64, 91, 128, 181, 256, 362, 512];
  const points = (truth: (T: number) => number, seed: number) => {
    const rng = rngFor(seed, 'test');
    return Ts.map((T) => ({ T, cells: cellsFor(truth(T), sizes, 6, rng) }));
  };

  it('bootstrap shares are reproducible for a fixed seed and sum to 1', () => {
    const pts = points((T) => 20 + 15 * Math.log(T), 7);
    const a = analyseVariant(pts, 0.67, { bootstrap: 200, rng: rngFor(1, 'verdict') });
    const b = analyseVariant(pts, 0.67, { bootstrap: 200, rng: rngFor(1, 'verdict') });
    assert.deepEqual(a.verdictSupport, b.verdictSupport);
    const s = a.verdictSupport!;
    assert.ok(Math.abs(s.log + s.linear + s.power - 1) < 1e-9, JSON.stringify(s));
    assert.ok(a.exponent!.interval[0] <= a.exponent!.c && a.exponent!.c <= a.exponent!.interval[1]);
    assert.equal(a.best, 'log');
    assert.match(a.verdict!, /^log T, in \d+ % of 200 resamples \((linear|power law) \d+ %, (linear|power law) \d+ %\)/);
    const c = analyseVariant(pts, 0.67, { bootstrap: 200, rng: rngFor(2, 'verdict') });
    assert.notDeepEqual(c.verdictSupport, a.verdictSupport, 'another seed draws other resamples');
  });

  it('linear data: linear wins and the exponent interval covers 1', () => {
    const pts = points((T) => 1.5 * T, 8);
    const a = analyseVariant(pts, 0.67, { bootstrap: 200, rng: rngFor(1, 'verdict') });
    assert.equal(a.best, 'linear', a.verdict!);
    assert.doesNotMatch(a.verdict!, /linear rejected/);
  });

  it('with one censored point the verdict names it, and it enters the fits as a lower bound', () => {
    const rng = rngFor(9, 'test');
    const pts = Ts.map((T) => ({ T, cells: cellsFor(1.5 * T, sizes, 6, rng) }));
    pts[5].cells = sizes.slice(0, 12).map((m) => cell(m, 0, 6)); // T = 320: nothing up to 362 passed
    const a = analyseVariant(pts, 0.67);
    assert.deepEqual(a.censored, [320]);
    assert.equal(a.points[5].status, 'censored');
    assert.match(a.verdict!, /1 censored point \(T = 320: m\* > 362\) used as lower bound/);
  });

  it('an incomplete T is left out of the fits and named', () => {
    const pts = points((T) => 20 + 15 * Math.log(T), 10);
    pts[2].cells = [cell(32, 0, 0, 6)];
    const a = analyseVariant(pts, 0.67);
    assert.deepEqual(a.incomplete, [40]);
    assert.match(a.verdict!, /left out: crashed runs left m\* open \(T = 40\)/);
  });

  it('the bootstrap skips resamples that cannot be fitted and reports none when none can', () => {
    const one = [{ T: 10, cells: [cell(10, 3, 3)] }];
    const fits = fitScaling(noisy((T) => T, 1))!;
    assert.equal(bootstrapFits(one, 0.67, fits, 50, rngFor(1, 'verdict')), null);
  });
});

describe('size search', () => {
  const candidates = [8, 11, 16, 23, 32, 45, 64, 91, 128, 181, 256];
  const succeedsFrom = (threshold: number) => (m: number): CellStatus => (m >= threshold ? 'passed' : 'failed');

  function search(mode: 'bisect' | 'grid', ok: (m: number) => CellStatus) {
    const known = new Map<number, CellStatus>();
    let cells = 0;
    for (;;) {
      const next = nextSizes(candidates, mode, known);
      if (!next.length) break;
      for (const m of next) {
        known.set(m, ok(m));
        cells++;
      }
    }
    const mStar = candidates.find((m) => known.get(m) === 'passed') ?? null;
    return { cells, mStar, known };
  }

  it('bisection finds the same m* as the grid with far fewer cells', () => {
    for (const threshold of [8, 30, 64, 200, 1000]) {
      const b = search('bisect', succeedsFrom(threshold));
      const g = search('grid', succeedsFrom(threshold));
      assert.equal(b.mStar, g.mStar, `threshold ${threshold}`);
      assert.equal(g.cells, 11);
      assert.ok(b.cells <= 4, `bisect used ${b.cells} cells`);
      assert.ok(b.cells <= plannedCells(candidates, 'bisect'));
    }
  });

  it('is stateless: the outcomes known so far decide the next size', () => {
    const known = new Map<number, CellStatus>([[45, 'failed']]);
    assert.deepEqual(nextSizes(candidates, 'bisect', known), [128]);
    known.set(128, 'passed');
    assert.deepEqual(nextSizes(candidates, 'bisect', known), [64]);
  });

  it('stops at an incomplete cell instead of stepping past it', () => {
    const known = new Map<number, CellStatus>([[45, 'incomplete']]);
    assert.deepEqual(nextSizes(candidates, 'bisect', known), []);
  });
});
