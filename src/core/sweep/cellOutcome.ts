// One cell of a sweep is `seeds` runs at one (variant, T, m). This file is the one definition of what
// a cell's runs add up to: passed, failed, or incomplete (a run crashed even after its retry, so the
// cell's share of successes is unknown and the cell must not count either way).

export interface CellCounts {
  m: number;
  /** Runs that finished and reached the success criterion. */
  successes: number;
  /** Runs that finished (succeeded or not). */
  trials: number;
  /** Runs that crashed on every attempt, or that the trainer refused: their outcome is unknown. */
  failedRuns: number;
  /** Why the trainer refused the cell's runs (one line, e.g. a step over the backend's memory); absent when none was refused. */
  refused?: string;
  /** Median and mean final test accuracy of the finished runs (cellAccuracy.ts); absent in older summaries. */
  medianTestAccuracy?: number | null;
  meanTestAccuracy?: number | null;
}

export type CellStatus = 'passed' | 'failed' | 'incomplete';

/** Rates are written to two decimals, so a share within 0.005 below counts: 0.67 means "2 of 3". */
export const RATE_SLACK = 0.005;

/** Whether a cell met the sweep's success rate. A crashed run leaves the answer unknown. */
export function cellStatus(c: CellCounts, successRate: number): CellStatus {
  if (c.failedRuns > 0 || c.trials === 0) return 'incomplete';
  return c.successes / c.trials >= successRate - RATE_SLACK ? 'passed' : 'failed';
}

/**
 * Wilson score interval for a binomial share (95 % by default): unlike share ± 1.96·SE it stays
 * inside [0, 1] and is honest for 0/3 or 3/3, which is what cells of a few seeds look like.
 */
export function wilsonInterval(successes: number, trials: number, z = 1.959964): [number, number] {
  if (trials <= 0) return [0, 1];
  const p = successes / trials;
  const z2 = z * z;
  const centre = (p + z2 / (2 * trials)) / (1 + z2 / trials);
  const half = (z / (1 + z2 / trials)) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  const round = (v: number) => Math.round(v * 1e4) / 1e4;
  return [round(Math.max(0, centre - half)), round(Math.min(1, centre + half))];
}
