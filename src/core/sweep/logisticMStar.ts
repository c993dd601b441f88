// A second reading of m*: fit P(success | m) = σ(a + b·ln m) to every run of one T and solve for the
// size where it reaches the success rate. It uses all runs, not only the pass/fail of each cell, but
// it needs outcomes that overlap; when the data cannot pin it down it says so instead of printing a
// number (a clean switch from all-fail to all-pass has no finite slope).
import type { CellCounts } from './cellOutcome';
import { type Rng } from '../spec/seededRandom';
import { redrawCell } from './redrawCell';

export type LogisticEstimate =
  | { identified: true; mStar: number; interval: [number, number]; slope: number }
  | { identified: false; reason: string };

const RESAMPLES = 300;

/**
 * Maximum-likelihood fit of σ(a + b·ln m) by Newton's method (two parameters, so the 2×2 system is
 * solved in closed form). Returns null when the Hessian is singular.
 */
export function fitLogistic(cells: Pick<CellCounts, 'm' | 'successes' | 'trials'>[]): { a: number; b: number } | null {
  let a = 0;
  let b = 0;
  const xs = cells.map((c) => Math.log(c.m));
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  for (let iter = 0; iter < 100; iter++) {
    let g0 = 0, g1 = 0, h00 = 0, h01 = 0, h11 = 0;
    cells.forEach((c, i) => {
      const x = xs[i] - mean; // centred for conditioning
      const p = 1 / (1 + Math.exp(-(a + b * x)));
      g0 += c.successes - c.trials * p;
      g1 += (c.successes - c.trials * p) * x;
      const w = c.trials * p * (1 - p);
      h00 += w;
      h01 += w * x;
      h11 += w * x * x;
    });
    // Tiny ridge keeps separable data from sending b to infinity inside the bootstrap.
    h00 += 1e-3;
    h11 += 1e-3;
    g0 -= 1e-3 * a;
    g1 -= 1e-3 * b;
    const det = h00 * h11 - h01 * h01;
    if (!(det > 1e-12)) return null;
    const da = (h11 * g0 - h01 * g1) / det;
    const db = (h00 * g1 - h01 * g0) / det;
    a += da;
    b += db;
    if (Math.abs(da) + Math.abs(db) < 1e-9) break;
  }
  if (!Number.isFinite(a) || !Number.isFinite(b)) return null;
  return { a: a - b * mean, b };
}

/**
 * Why these cells hold nothing to fit, or null when they do: a logistic curve needs three sizes with
 * finished runs and both outcomes among them. Said in words so that an export or the CLI can show why
 * the logistic m* is blank instead of leaving an empty field.
 */
export function nothingToFit(cells: CellCounts[]): string | null {
  const usable = cells.filter((c) => c.trials > 0);
  if (usable.length < 3) return `only ${usable.length} size${usable.length === 1 ? '' : 's'} with finished runs (a fit needs 3)`;
  if (!usable.some((c) => c.successes > 0)) return 'no run reached the target at any size';
  if (!usable.some((c) => c.successes < c.trials)) return 'every run reached the target at every size';
  return null;
}

/** The logistic m* of one T's cells, or why it is not identified (nothing to fit, or data that cannot pin it down). */
export function logisticMStar(cells: CellCounts[], successRate: number, rng: Rng): LogisticEstimate {
  const usable = cells.filter((c) => c.trials > 0);
  const empty = nothingToFit(usable);
  if (empty) return { identified: false, reason: empty };
  const notIdentified = (reason: string): LogisticEstimate => ({ identified: false, reason });

  // Overlap: some failure at a size at least as large as some success. Without it the likelihood
  // keeps rising as the slope grows, and the "estimate" is whatever the ridge allows.
  const smallestSuccess = Math.min(...usable.filter((c) => c.successes > 0).map((c) => c.m));
  const largestFailure = Math.max(...usable.filter((c) => c.successes < c.trials).map((c) => c.m));
  if (largestFailure < smallestSuccess) return notIdentified(`outcomes switch cleanly between m = ${largestFailure} and ${smallestSuccess}: the slope is unbounded`);

  const target = Math.log(successRate / (1 - Math.min(successRate, 1 - 1e-6)));
  const solve = (f: { a: number; b: number } | null) => (f && f.b > 0 ? Math.exp((target - f.a) / f.b) : null);
  const fit = fitLogistic(usable);
  const point = solve(fit);
  if (point === null || !fit) return notIdentified('success does not rise with m in these cells');

  // Parametric bootstrap over trials: redraw each cell's successes from its observed share (redrawCell.ts).
  const draws: number[] = [];
  for (let r = 0; r < RESAMPLES; r++) {
    const resampled = usable.map((c) => redrawCell(c, rng));
    const m = solve(fitLogistic(resampled));
    if (m !== null && Number.isFinite(m)) draws.push(m);
  }
  if (draws.length < 0.8 * RESAMPLES) return notIdentified('most resamples give no rising fit');
  draws.sort((x, y) => x - y);
  const q = (p: number) => draws[Math.min(draws.length - 1, Math.floor(p * draws.length))];
  const interval: [number, number] = [q(0.025), q(0.975)];
  // The estimate is only meaningful inside the sizes tried (with a factor of 2 of slack).
  const lo = Math.min(...usable.map((c) => c.m)) / 2;
  const hi = Math.max(...usable.map((c) => c.m)) * 2;
  if (point < lo || point > hi || interval[0] < lo || interval[1] > hi) {
    return notIdentified(`the estimate or its interval leaves the sizes tried (${Math.ceil(lo * 2)}–${hi / 2})`);
  }
  if (interval[1] / interval[0] < 1.001) return notIdentified('the resamples do not vary: too few mixed cells');
  return { identified: true, mStar: point, interval, slope: fit.b };
}
