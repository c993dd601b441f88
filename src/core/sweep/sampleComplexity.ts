// Sample complexity at one context length: m*(T), the smallest training-set size whose cell passes,
// with the bracket the search established, and whether crashes or the size range leave it open.
import { type CellCounts, cellStatus } from './cellOutcome';
import { type LogisticEstimate, logisticMStar } from './logisticMStar';
import { type Rng } from '../spec/seededRandom';

/**
 * - `found`: m* is the smallest passing size and nothing unknown lies below it;
 * - `censored`: no size passed; m* is above the largest failing size (`interval[0]`), a lower bound;
 * - `incomplete`: a cell whose runs crashed lies where the answer was needed, so m* is open;
 * - `pending`: no finished cell yet.
 */
export type MStarStatus = 'found' | 'censored' | 'incomplete' | 'pending';

export interface MStar {
  status: MStarStatus;
  /** The smallest passing size, for status `found` only; null otherwise. */
  mStar: number | null;
  /** [largest failing size below the first pass, first passing size]; either end null where none. */
  interval: [number | null, number | null];
  /** Sizes of incomplete cells inside the interval: what kept m* open. */
  incompleteAt: number[];
  /** Logistic fit of success against log m, where the cells allow one (see logisticMStar.ts). */
  logistic?: LogisticEstimate;
}

/**
 * m* from the cells tried at one T, assuming success is monotone in m (the bisection assumes it
 * too): below the largest failure nothing can pass, above the first pass nothing matters.
 */
export function estimateMStar(cells: CellCounts[], successRate: number, rng?: Rng): MStar {
  const sorted = [...cells].sort((a, b) => a.m - b.m);
  const status = (c: CellCounts) => cellStatus(c, successRate);
  const firstPass = sorted.find((c) => status(c) === 'passed');
  const hi = firstPass ? firstPass.m : null;
  const failedBelow = sorted.filter((c) => (hi === null || c.m < hi) && status(c) === 'failed');
  const lo = failedBelow.length ? failedBelow[failedBelow.length - 1].m : null;
  const incompleteAt = sorted
    .filter((c) => status(c) === 'incomplete' && (lo === null || c.m > lo) && (hi === null || c.m < hi))
    .map((c) => c.m);
  const result: MStar = {
    status: incompleteAt.length ? 'incomplete' : hi !== null ? 'found' : lo !== null ? 'censored' : 'pending',
    mStar: incompleteAt.length ? null : hi,
    interval: [lo, hi],
    incompleteAt,
  };
  if (rng) result.logistic = logisticMStar(sorted, successRate, rng);
  return result;
}
