// The estimator and fits, against a synthetic success oracle whose true m*(T) is known — no training.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { estimateMStar, fitLogistic, fitScaling, predict, verdict } from '../../src/core/sampleComplexity';
import { rngFor } from '../../src/core/seededRandom';
import { nextSizes, plannedCells } from '../../src/core/sizeSearch';

const trueMStar = (T: number) => 20 + 15 * Math.log(T);

describe('sample-complexity estimator', () => {
  it('m* is the smallest size whose success share reaches the rate; the interval brackets it', () => {
    const cells = [
      { m: 10, successes: 0, trials: 3 },
      { m: 20, successes: 1, trials: 3 },
      { m: 40, successes: 2, trials: 3 },
      { m: 80, successes: 3, trials: 3 },
    ];
    assert.deepEqual(estimateMStar(cells, 0.67), { mStar: 40, interval: [20, 40] });
    assert.deepEqual(estimateMStar(cells, 1), { mStar: 80, interval: [40, 80] });
    assert.deepEqual(estimateMStar(cells.slice(0, 2), 0.67), { mStar: null, interval: [20, null] });
    assert.deepEqual(estimateMStar(cells.slice(3), 0.67), { mStar: 80, interval: [null, 80] });
  });

  it('logistic fit recovers a known curve, and its bootstrap interval covers the true m*', () => {
    // P(success) = σ(3·(ln m − ln 50)): m* at successRate 0.5 is 50.
    const rng = rngFor(1, 'test');
    const cells = [10, 20, 30, 40, 50, 60, 80, 100, 150].map((m) => {
      const p = 1 / (1 + Math.exp(-3 * (Math.log(m) - Math.log(50))));
      let successes = 0;
      for (let t = 0; t < 40; t++) if (rng() < p) successes++;
      return { m, successes, trials: 40 };
    });
    const fit = fitLogistic(cells)!;
    assert.ok(Math.abs(fit.b - 3) < 0.8, `slope ${fit.b}`);
    const est = estimateMStar(cells, 0.5, rngFor(2, 'bootstrap'));
    assert.ok(est.logistic, 'logistic fit present');
    assert.ok(Math.abs(est.logistic!.mStar - 50) / 50 < 0.1, `m* ${est.logistic!.mStar}`);
    assert.ok(est.logistic!.interval[0] <= 50 && 50 <= est.logistic!.interval[1], `interval ${est.logistic!.interval}`);
  });

  it('no logistic fit where the outcomes cannot pin one down', () => {
    const allSucceed = [10, 20, 40].map((m) => ({ m, successes: 3, trials: 3 }));
    assert.equal(estimateMStar(allSucceed, 0.67, rngFor(0, 'bootstrap')).logistic, undefined);
  });

  it('the fits name log T as the best model for log-like data, by AIC', () => {
    const Ts = [4, 8, 16, 32, 64, 128, 256, 512];
    const rng = rngFor(3, 'test');
    const points = Ts.map((T) => ({ T, m: trueMStar(T) * (1 + 0.05 * (rng() - 0.5)) }));
    const fits = fitScaling(points)!;
    assert.ok(Math.abs(fits.log.b! - 15) < 1.5, `log slope ${fits.log.b}`);
    assert.ok(fits.log.r2 > 0.98);
    const v = verdict(fits);
    assert.equal(v.best, 'log');
    assert.ok(v.deltaAic > 2, `ΔAIC ${v.deltaAic}`);
    assert.match(v.text, /a \+ b·log T fits best by AIC/);
    assert.ok(Math.abs(predict(fits, 'log', 100) - trueMStar(100)) < 5);
  });

  it('and linear for linear data', () => {
    const points = [10, 20, 40, 80, 160].map((T) => ({ T, m: 5 + 2 * T }));
    assert.equal(verdict(fitScaling(points)!).best === 'log', false);
    assert.ok(fitScaling(points)!.linear.r2 > 0.999);
  });

  it('needs three context lengths to fit', () => {
    assert.equal(fitScaling([{ T: 1, m: 1 }, { T: 2, m: 2 }]), null);
  });
});

describe('size search', () => {
  const candidates = [8, 11, 16, 23, 32, 45, 64, 91, 128, 181, 256];
  const succeedsFrom = (threshold: number) => (m: number) => m >= threshold;

  function search(mode: 'bisect' | 'grid', ok: (m: number) => boolean) {
    const known = new Map<number, boolean>();
    let cells = 0;
    for (;;) {
      const next = nextSizes(candidates, mode, known);
      if (!next.length) break;
      for (const m of next) {
        known.set(m, ok(m));
        cells++;
      }
    }
    const mStar = candidates.find((m) => known.get(m) === true) ?? null;
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
    const known = new Map([[45, false]]);
    assert.deepEqual(nextSizes(candidates, 'bisect', known), [128]);
    known.set(128, true);
    assert.deepEqual(nextSizes(candidates, 'bisect', known), [64]);
  });
});
