// Sample complexity: m*(T), the smallest training-set size at which enough seeds succeed, with an
// interval, and the fits of m*(T) that decide between log T, linear and power-law growth.
import { linearRegression } from 'simple-statistics';
import { type Rng } from './seededRandom';

export interface CellOutcome {
  m: number;
  successes: number;
  trials: number;
}

export interface MStar {
  /** Smallest m whose success share ≥ successRate; null if none did. */
  mStar: number | null;
  /** [largest m that failed below m*, m*]; either end null where no such cell exists. */
  interval: [number | null, number | null];
  /** Where ≥ 3 sizes were tried and outcomes are mixed: logistic fit of success vs log m. */
  logistic?: { mStar: number; interval: [number, number]; slope: number };
}

/** Rates are written to two decimals, so a share within 0.005 below counts: 0.67 means "2 of 3". */
export const cellSucceeds = (c: CellOutcome, successRate: number) => c.trials > 0 && c.successes / c.trials >= successRate - 0.005;

export function estimateMStar(cells: CellOutcome[], successRate: number, rng?: Rng): MStar {
  const sorted = [...cells].sort((a, b) => a.m - b.m);
  const first = sorted.find((c) => cellSucceeds(c, successRate));
  const mStar = first ? first.m : null;
  const failedBelow = sorted.filter((c) => (mStar === null || c.m < mStar) && !cellSucceeds(c, successRate));
  const lo = failedBelow.length ? failedBelow[failedBelow.length - 1].m : null;
  const result: MStar = { mStar, interval: [lo, mStar] };
  const logistic = rng ? logisticMStar(sorted, successRate, rng) : undefined;
  if (logistic) result.logistic = logistic;
  return result;
}

/**
 * Maximum-likelihood fit of P(success | m) = σ(a + b·ln m) by Newton's method (two parameters, so
 * the 2×2 system is solved in closed form). Returns null when the data cannot pin it down.
 */
export function fitLogistic(cells: CellOutcome[]): { a: number; b: number } | null {
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
    // Tiny ridge keeps separable data (a clean step) from sending b to infinity.
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

function logisticMStar(cells: CellOutcome[], successRate: number, rng: Rng): MStar['logistic'] {
  const usable = cells.filter((c) => c.trials > 0);
  const anySuccess = usable.some((c) => c.successes > 0);
  const anyFailure = usable.some((c) => c.successes < c.trials);
  if (usable.length < 3 || !anySuccess || !anyFailure) return undefined;
  const target = Math.log(successRate / (1 - Math.min(successRate, 1 - 1e-6)));
  const solve = (f: { a: number; b: number } | null) => (f && f.b > 0 ? Math.exp((target - f.a) / f.b) : null);
  const fit = fitLogistic(usable);
  const point = solve(fit);
  if (point === null || !fit) return undefined;
  // Parametric bootstrap over trials: redraw each cell's successes from its observed share.
  const draws: number[] = [];
  for (let r = 0; r < 300; r++) {
    const resampled = usable.map((c) => {
      let s = 0;
      for (let t = 0; t < c.trials; t++) if (rng() < c.successes / c.trials) s++;
      return { ...c, successes: s };
    });
    const m = solve(fitLogistic(resampled));
    if (m !== null && Number.isFinite(m)) draws.push(m);
  }
  if (draws.length < 50) return undefined;
  draws.sort((x, y) => x - y);
  const q = (p: number) => draws[Math.min(draws.length - 1, Math.floor(p * draws.length))];
  return { mStar: point, interval: [q(0.025), q(0.975)], slope: fit.b };
}

// ---- Fits of m*(T) ----

export interface Fit {
  a: number;
  b?: number;
  c?: number;
  r2: number;
  aic: number;
}
export interface FitSet {
  log: Fit;
  linear: Fit;
  power: Fit;
}
export type ModelName = keyof FitSet;

export interface Verdict {
  best: ModelName;
  /** AIC of the runner-up minus the best's (> 2: some support, > 10: decisive). */
  deltaAic: number;
  runnerUp: ModelName;
  text: string;
}

function scores(points: { T: number; m: number }[], predict: (T: number) => number, k: number): { r2: number; aic: number } {
  const n = points.length;
  const mean = points.reduce((s, p) => s + p.m, 0) / n;
  const rss = points.reduce((s, p) => s + (p.m - predict(p.T)) ** 2, 0);
  const tss = points.reduce((s, p) => s + (p.m - mean) ** 2, 0);
  // Gaussian-residual AIC; a perfect fit would give −∞, so floor the RSS.
  const aic = n * Math.log(Math.max(rss, 1e-9) / n) + 2 * k;
  return { r2: tss > 0 ? 1 - rss / tss : rss === 0 ? 1 : 0, aic };
}

/** Least-squares fits of m*(T) = a + b·ln T, a + b·T, a·T^c (the last in log–log space). Needs ≥ 3 points. */
export function fitScaling(points: { T: number; m: number }[]): FitSet | null {
  if (points.length < 3 || new Set(points.map((p) => p.T)).size < 3) return null;
  const logFit = linearRegression(points.map((p) => [Math.log(p.T), p.m]));
  const linFit = linearRegression(points.map((p) => [p.T, p.m]));
  const powFit = linearRegression(points.map((p) => [Math.log(p.T), Math.log(p.m)]));
  const powA = Math.exp(powFit.b);
  return {
    log: { a: logFit.b, b: logFit.m, ...scores(points, (T) => logFit.b + logFit.m * Math.log(T), 2) },
    linear: { a: linFit.b, b: linFit.m, ...scores(points, (T) => linFit.b + linFit.m * T, 2) },
    power: { a: powA, c: powFit.m, ...scores(points, (T) => powA * T ** powFit.m, 2) },
  };
}

export function predict(fits: FitSet, model: ModelName, T: number): number {
  const f = fits[model];
  if (model === 'log') return f.a + (f.b ?? 0) * Math.log(T);
  if (model === 'linear') return f.a + (f.b ?? 0) * T;
  return f.a * T ** (f.c ?? 1);
}

const NAMES: Record<ModelName, string> = { log: 'a + b·log T', linear: 'a + b·T', power: 'a·T^c' };

export function verdict(fits: FitSet): Verdict {
  const ranked = (Object.keys(fits) as ModelName[]).sort((x, y) => fits[x].aic - fits[y].aic);
  const [best, runnerUp] = ranked;
  const deltaAic = fits[runnerUp].aic - fits[best].aic;
  const strength = deltaAic > 10 ? 'decisively' : deltaAic > 2 ? 'clearly' : 'only marginally';
  let text = `m*(T) ≈ ${NAMES[best]} fits best by AIC, ${strength} (ΔAIC = ${deltaAic.toFixed(1)} over ${NAMES[runnerUp]})`;
  if (best === 'power') text += `; exponent c = ${fits.power.c!.toFixed(2)}`;
  return { best, runnerUp, deltaAic, text };
}
