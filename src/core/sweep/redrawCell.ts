// The one bootstrap draw of a cell: its runs resampled with replacement, so a cell of n finished runs
// with s successes draws Binomial(n, s/n) successes (one uniform per run, in run order, so a seeded
// resampling is the same wherever it is done). The verdict's bootstrap and the logistic m* both use it.
import type { Rng } from '../spec/seededRandom';

/** The cell with its successes redrawn; everything else (size, trials, crashed runs) stays. */
export function redrawCell<C extends { successes: number; trials: number }>(c: C, rng: Rng): C {
  let s = 0;
  for (let t = 0; t < c.trials; t++) if (rng() < c.successes / c.trials) s++;
  return { ...c, successes: s };
}
