// From the cells of one variant to its claim: m* per T, the three fits, a bootstrap over seeds that
// says how often each model wins and how wide the slope and exponent are, and the verdict in words.
// The runner, the CLI, the panel and the HTML report all show what this computes.
import { type CellCounts, cellStatus, wilsonInterval } from './cellOutcome';
import { type MStar, estimateMStar } from './sampleComplexity';
import { MODELS, type ModelName, perModel } from '../../protocol/fitModels';
import { nextStep } from './nextStep';
import { provisionalPrefix, verdictText, waitingText } from './verdictWords';
import { redrawCell } from './redrawCell';
import { type FitSet, type ScalingPoint, bestModel, fitCurve, fitScaling } from './scalingFits';
import { type Rng } from '../spec/seededRandom';

export interface PointCells {
  T: number;
  cells: (CellCounts & { hosts?: string[] })[];
}

/** m* as a fit input: found → a value, censored → a lower bound, incomplete/pending → left out. */
export function scalingPoints(points: (Pick<MStar, 'status' | 'mStar' | 'interval'> & { T: number })[]): ScalingPoint[] {
  const out: ScalingPoint[] = [];
  for (const p of points) {
    if (p.status === 'found' && p.mStar !== null) out.push({ T: p.T, m: p.mStar, censored: false });
    if (p.status === 'censored' && p.interval[0] !== null) out.push({ T: p.T, m: p.interval[0], censored: true });
  }
  return out;
}

export type { Support } from './verdictWords';
type Support = Record<ModelName, number>;
/** A fitted parameter with its bootstrap 95 % interval. */
export type Slope = { b: number; interval: [number, number] };
export type Exponent = { c: number; interval: [number, number] };
export interface BootstrapSummary {
  resamples: number;
  /** Shares of the resamples (that could be fitted) in which each model had the lowest AICc; sum 1. */
  support: Support;
  /** b of a + b·ln T and c of a·T^c: the full-data fit with the 2.5–97.5 % bootstrap percentiles. */
  slope: Slope;
  exponent: Exponent;
}

const quantile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(p * sorted.length)))];
const round = (v: number, d = 4) => Math.round(v * 10 ** d) / 10 ** d;

/**
 * Resamples the runs inside every cell (with replacement, so a cell of n runs with s successes draws
 * Binomial(n, s/n) successes), recomputes every m* and every fit, and counts which model wins.
 * Crashed runs stay crashed. Seeded: the same sweep gives the same shares.
 */
export function bootstrapFits(points: PointCells[], successRate: number, fits: FitSet, resamples: number, rng: Rng): BootstrapSummary | null {
  if (resamples <= 0) return null;
  const wins: Support = perModel(() => 0);
  const slopes: number[] = [];
  const exponents: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const drawn = points.map((p) => {
      const cells = p.cells.map((c) => redrawCell(c, rng));
      return { T: p.T, ...estimateMStar(cells, successRate) };
    });
    const f = fitScaling(scalingPoints(drawn));
    if (!f) continue;
    wins[bestModel(f).best]++;
    slopes.push(f.log.b!);
    exponents.push(f.power.c!);
  }
  const fitted = slopes.length;
  if (fitted === 0) return null;
  slopes.sort((a, b) => a - b);
  exponents.sort((a, b) => a - b);
  const support = Object.fromEntries(MODELS.map((m) => [m, round(wins[m] / fitted)])) as Support;
  // Rounding must not break "sums to 1": give the remainder to the largest share.
  const top = [...MODELS].sort((a, b) => support[b] - support[a])[0];
  support[top] = round(1 - MODELS.filter((m) => m !== top).reduce((s, m) => s + support[m], 0));
  return {
    resamples: fitted,
    support,
    slope: { b: round(fits.log.b!), interval: [round(quantile(slopes, 0.025)), round(quantile(slopes, 0.975))] },
    exponent: { c: round(fits.power.c!), interval: [round(quantile(exponents, 0.025)), round(quantile(exponents, 0.975))] },
  };
}

export { verdictText } from './verdictWords';

export interface CellResult extends CellCounts {
  hosts?: string[];
  status: ReturnType<typeof cellStatus>;
  /** Wilson 95 % interval of the success share. */
  wilson: [number, number];
}

export interface PointResult extends MStar {
  T: number;
  cells: CellResult[];
}

export interface VariantAnalysis {
  points: PointResult[];
  fits: FitSet | null;
  best: ModelName | null;
  verdict: string | null;
  /** The best fit drawn as points (charts draw these; they never evaluate a formula). */
  curve: { T: number; m: number }[];
  /** Every model's fit as points, so a chart can draw all three; null without fits. */
  curves: Record<ModelName, { T: number; m: number }[]> | null;
  /** True while the sweep still runs: fit and verdict may change. */
  provisional: boolean;
  /** What to run next when no model wins (nextStep.ts); null otherwise. */
  nextStep: string | null;
  /** T whose m* is a lower bound; T left out of the fits because of crashes. */
  censored: number[];
  incomplete: number[];
  verdictSupport: Support | null;
  slope: Slope | null;
  exponent: Exponent | null;
}

/**
 * Everything shown about one variant, from its cells. `bootstrap` resamples (0: none, as for live
 * updates, where the verdict is the point estimate's) drawn from `rng`; `logisticRng` adds the
 * logistic m* per T.
 */
export function analyseVariant(
  points: PointCells[],
  successRate: number,
  opts: { bootstrap?: number; rng?: Rng; logisticRng?: Rng; running?: Running } = {},
): VariantAnalysis {
  const results: PointResult[] = points.map((p) => ({
    T: p.T,
    ...estimateMStar(p.cells, successRate, opts.logisticRng),
    cells: [...p.cells]
      .sort((a, b) => a.m - b.m)
      .map((c) => ({ ...c, status: cellStatus(c, successRate), wilson: wilsonInterval(c.successes, c.trials) })),
  }));
  const used = scalingPoints(results);
  const censored = used.filter((p) => p.censored);
  const incomplete = results.filter((p) => p.status === 'incomplete').map((p) => p.T);
  const run = opts.running;
  const prefix = run ? provisionalPrefix(run.runsDone, run.plannedRuns) : '';
  // While any T's search still runs, its m* is bisection's latest probe, not a bracket: fitting it
  // drew "64 + 0.00·ln T" from first probes once. No fit and no curve until every T is bracketed.
  const fits = run?.open.length ? null : fitScaling(used);
  const base = { points: results, censored: censored.map((p) => p.T), incomplete, provisional: Boolean(run) };
  if (!fits) {
    const verdict = run?.open.length ? prefix + waitingText(run.open) : null;
    return { ...base, fits: null, best: null, verdict, curve: [], curves: null, nextStep: null, verdictSupport: null, slope: null, exponent: null };
  }
  const complete = points.filter((p) => !incomplete.includes(p.T));
  const boot = opts.rng && opts.bootstrap ? bootstrapFits(complete, successRate, fits, opts.bootstrap, opts.rng) : null;
  const best = bestModel(fits).best;
  const Ts = points.map((p) => p.T);
  const curves = perModel((m) => fitCurve(m, fits[m], Ts));
  return {
    ...base,
    fits,
    best,
    verdict: prefix + verdictText(fits, boot, censored, incomplete),
    curve: curves[best],
    curves,
    nextStep: boot ? nextStepOf(points, boot, censored.map((p) => p.T)) : null,
    verdictSupport: boot?.support ?? null,
    slope: boot?.slope ?? null,
    exponent: boot?.exponent ?? null,
  };
}

/** A sweep still running: its progress, and the T whose search for m* has not finished. */
export interface Running {
  runsDone: number;
  plannedRuns: number;
  open: number[];
}

function nextStepOf(points: PointCells[], boot: BootstrapSummary, censored: number[]): string | null {
  const cells = points.flatMap((p) => p.cells);
  return nextStep({
    Ts: points.map((p) => p.T),
    seeds: Math.max(1, ...cells.map((c) => c.trials + c.failedRuns)),
    largestSize: Math.max(0, ...cells.map((c) => c.m)),
    support: boot.support,
    exponentInterval: boot.exponent.interval,
    censored,
  });
}
