// Which training-set sizes to try next for one T. Stateless: given the outcomes known so far it
// names the next sizes, so a resumed sweep continues exactly where an interrupted one stopped.
import type { CellStatus } from './cellOutcome';

/**
 * `bisect`: binary search over the ascending candidates (log-spaced, so this bisects log m), assuming
 * success is monotone in m; ⌈log2(K+1)⌉ cells instead of K. It stops at an incomplete cell (runs
 * that crashed): stepping past it would assume an outcome nobody observed. `grid`: every candidate.
 * Returns [] when the search is finished or blocked.
 */
export function nextSizes(candidates: number[], mode: 'bisect' | 'grid', known: ReadonlyMap<number, CellStatus>): number[] {
  if (mode === 'grid') return candidates.filter((m) => !known.has(m));
  let lo = -1; // index of the largest size known to fail
  let hi = candidates.length; // index of the smallest size known to succeed (length = none yet)
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const outcome = known.get(candidates[mid]);
    if (outcome === undefined) return [candidates[mid]];
    if (outcome === 'incomplete') return [];
    if (outcome === 'passed') hi = mid;
    else lo = mid;
  }
  return [];
}

/** Upper bound on the cells a search will need, for progress displays. */
export function plannedCells(candidates: number[], mode: 'bisect' | 'grid'): number {
  return mode === 'grid' ? candidates.length : Math.ceil(Math.log2(candidates.length + 1));
}
