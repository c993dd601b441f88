// The mean learning curve of a group of runs (one experiment, several seeds) with a 95 % confidence
// band: at each evaluation step, the t-interval of the mean over the runs that have a value there.
// The one implementation of "mean ± 95 %" across seeds; the results panel only draws what this returns.
import { mean, sampleStandardDeviation } from 'simple-statistics';

/**
 * Two-sided 95 % quantiles of Student's t, t(0.975; df) for df = 1…30, to 4 decimals (standard
 * tables). simple-statistics has no inverse t, jStat is not a dependency, and its probit is only
 * good to ~3e-3 (probit(0.975) = 1.9572), so the small exact table is the honest choice here.
 */
const T975 = [
  12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.306, 2.2622, 2.2281, 2.201, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.093, 2.086,
  2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
];
/** The standard normal 0.975 quantile. */
const Z975 = 1.959963984540054;

/**
 * t(0.975; df). Beyond the table (more than 31 seeds), the Cornish–Fisher expansion of t around the
 * normal quantile (Abramowitz & Stegun 26.7.5), accurate to better than 1e-4 from df = 30 on.
 */
export function tQuantile975(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new RangeError(`degrees of freedom must be an integer ≥ 1, got ${df}`);
  if (df <= T975.length) return T975[df - 1];
  const z = Z975;
  const g1 = (z ** 3 + z) / 4;
  const g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96;
  const g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3;
}

/** One run's curve: a value (or null: not measured, e.g. no attention) per evaluation step. */
export interface SeriesPoint {
  step: number;
  value: number | null;
}

export interface BandPoint {
  step: number;
  /** Runs with a finite value at this step. */
  n: number;
  mean: number;
  /** The 95 % t-interval of the mean; null where fewer than 2 runs have a value (no spread to estimate). */
  low: number | null;
  high: number | null;
}

/**
 * Mean and 95 % t-interval across runs, step by step. Steps are aligned by their evaluation step
 * (runs of one experiment evaluate at the same steps; a run that stopped early simply has no value
 * at later steps, so n shrinks there). Null and non-finite values are skipped.
 */
export function meanBand(runs: SeriesPoint[][]): BandPoint[] {
  const byStep = new Map<number, number[]>();
  for (const run of runs)
    for (const p of run) {
      if (p.value === null || !Number.isFinite(p.value)) continue;
      const list = byStep.get(p.step);
      if (list) list.push(p.value);
      else byStep.set(p.step, [p.value]);
    }
  return [...byStep.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([step, values]) => {
      const m = mean(values);
      if (values.length < 2) return { step, n: values.length, mean: m, low: null, high: null };
      const half = (tQuantile975(values.length - 1) * sampleStandardDeviation(values)) / Math.sqrt(values.length);
      return { step, n: values.length, mean: m, low: m - half, high: m + half };
    });
}

export interface SeedGroup<R> {
  key: string;
  runs: R[];
}

/** Groups runs by a key (the experiment they belong to), in order of first appearance. */
export function groupRuns<R>(runs: R[], keyOf: (r: R) => string): SeedGroup<R>[] {
  const groups = new Map<string, R[]>();
  for (const r of runs) {
    const k = keyOf(r);
    const list = groups.get(k);
    if (list) list.push(r);
    else groups.set(k, [r]);
  }
  return [...groups].map(([key, rs]) => ({ key, runs: rs }));
}
