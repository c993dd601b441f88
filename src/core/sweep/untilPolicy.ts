// A sweep that runs until the question is answered (the sweep's `until`): after each round of runs
// this decides, from the main variant's cells alone, whether one model's bootstrap support has
// reached the goal, whether the budget is spent, or what to add next and why. Pure: the runner
// (sweepRunner.ts) trains what it says and asks again. The curves part mostly at long T, so the
// grid grows by one of its own steps each round; the seeds go to the cells next to each m*, the only
// cells whose pass/fail moves m* and whose outcome is still uncertain.
import { type CellCounts, wilsonInterval } from './cellOutcome';
import { estimateMStar } from './sampleComplexity';
import { type PointCells, bootstrapFits, scalingPoints } from './verdict';
import { fitScaling } from './scalingFits';
import { nextT } from './nextStep';
import { MODELS, MODEL_WORDS, type ModelName } from '../../protocol/fitModels';
import type { Rng } from '../spec/seededRandom';
import type { Until } from '../spec/sweepSpec';

/** Seeds at one cell stop growing at this multiple of the sweep's seeds (a cell right at the success rate never settles). */
export const MAX_SEED_FACTOR = 4;

export type UntilAddition =
  | { kind: 'seeds'; reason: string; cells: { T: number; m: number }[]; seeds: number }
  | { kind: 'context'; reason: string; T: number };

export interface UntilSupport {
  /** The model that won most resamples; null when nothing can be fitted yet. */
  model: ModelName | null;
  support: Record<ModelName, number> | null;
}

export type UntilDecision = UntilSupport & ({ stop: true; reached: boolean; why: string } | { stop: false; additions: UntilAddition[] });

export interface UntilInput {
  /** The main variant's finished cells per T. */
  points: PointCells[];
  successRate: number;
  goal: Until;
  /** Seeds per cell in the initial design (also the seeds one addition gives a cell). */
  seeds: number;
  runsSpent: number;
  minutes: number;
  /** Runs one new context length costs (every variant's search for m*), to keep it within budget. */
  contextCost: number;
  /** Why a context length cannot be added (over the largest allowed, an invalid cell), or null when it can. */
  contextProblem: (T: number) => string | null;
  /** Bootstrap resamples per round: bounded, since it runs after every round. */
  resamples: number;
  rng: Rng;
}

/** Each model's share of the resamples on the cells as they are now (incomplete T left out). */
export function untilSupport(points: PointCells[], successRate: number, resamples: number, rng: Rng): UntilSupport {
  const estimates = points.map((p) => ({ T: p.T, ...estimateMStar(p.cells, successRate) }));
  const complete = points.filter((_, i) => estimates[i].status !== 'incomplete');
  const fits = fitScaling(scalingPoints(estimates));
  const boot = fits ? bootstrapFits(complete, successRate, fits, resamples, rng) : null;
  if (!boot) return { model: null, support: null };
  const model = [...MODELS].sort((a, b) => boot.support[b] - boot.support[a])[0];
  return { model, support: boot.support };
}

/** The cells next to each T's m* (the largest failing and the smallest passing size) whose pass/fail is still uncertain. */
export function boundaryCells(points: PointCells[], successRate: number, maxTrials: number): { T: number; m: number }[] {
  const out: { T: number; m: number }[] = [];
  for (const p of points) {
    const [lo, hi] = estimateMStar(p.cells, successRate).interval;
    for (const m of [lo, hi]) {
      const cell = p.cells.find((c) => c.m === m);
      if (cell && uncertain(cell, successRate) && cell.trials + cell.failedRuns < maxTrials) out.push({ T: p.T, m: cell.m });
    }
  }
  return out;
}

/** A cell whose Wilson interval holds the success rate: more seeds could flip it. */
const uncertain = (c: CellCounts, rate: number) => {
  const [lo, hi] = wilsonInterval(c.successes, c.trials);
  return c.failedRuns === 0 && lo <= rate && rate <= hi;
};

const pct = (v: number) => `${Math.round(v * 100)} %`;

/** Stop (goal reached, budget spent, nothing left to add) or the additions of the next round, each with its reason. */
export function decideUntil(x: UntilInput): UntilDecision {
  const s = untilSupport(x.points, x.successRate, x.resamples, x.rng);
  const top = s.model && s.support ? s.support[s.model] : 0;
  if (s.model && top >= x.goal.support) return { ...s, stop: true, reached: true, why: `${MODEL_WORDS[s.model]} won ${pct(top)} of the resamples (goal ${pct(x.goal.support)})` };
  if (x.runsSpent >= x.goal.maxRuns) return { ...s, stop: true, reached: false, why: `budget spent: ${x.runsSpent} runs (maxRuns ${x.goal.maxRuns})` };
  if (x.minutes >= x.goal.maxMinutes) return { ...s, stop: true, reached: false, why: `budget spent: ${Math.round(x.minutes)} minutes (maxMinutes ${x.goal.maxMinutes})` };
  const short = s.model ? `support ${pct(top)} for ${MODEL_WORDS[s.model]} is below the goal ${pct(x.goal.support)}` : 'no fit yet';
  let left = x.goal.maxRuns - x.runsSpent;
  const additions: UntilAddition[] = [];
  const contest = s.support ? [...MODELS].sort((a, b) => s.support![b] - s.support![a]).slice(0, 2) : null;
  const uncertainCells = boundaryCells(x.points, x.successRate, MAX_SEED_FACTOR * x.seeds);
  const contextAdd = contextLength(x, short, left, contest, uncertainCells.length > 0);
  if (contextAdd.addition) {
    additions.push(contextAdd.addition);
    left -= x.contextCost;
  }
  const cells = uncertainCells.slice(0, Math.floor(left / x.seeds));
  if (cells.length) {
    const where = cells.map((c) => `T=${c.T} m=${c.m}`).join(', ');
    additions.push({ kind: 'seeds', reason: `${short}: ${x.seeds} more seeds where pass/fail is uncertain next to m* (${where})`, cells, seeds: x.seeds });
  }
  if (!additions.length) return { ...s, stop: true, reached: false, why: `nothing left to add: ${contextAdd.why}; no uncertain cell next to m* below ${MAX_SEED_FACTOR * x.seeds} seeds` };
  return { ...s, stop: false, additions };
}

/** The next context length (one step of the grid past the largest: the curves part most at long T), or why there is none. */
function contextLength(x: UntilInput, short: string, left: number, contest: ModelName[] | null, seedsLeft: boolean): { addition?: UntilAddition; why: string } {
  // Linear and power law both keep rising; at long T their misfits drown in the noise of large m*
  // (least squares on m), so a longer T only lets the power law bend to that noise (simulated: a
  // linear truth was called power law in 2 of 20 sweeps that kept doubling T).
  if (contest && !contest.includes('log') && seedsLeft) return { why: `the contest is ${contest.map((m) => MODEL_WORDS[m]).join(' against ')}, which a longer T does not decide` };
  const Ts = x.points.map((p) => p.T);
  const largest = Math.max(...Ts);
  const last = x.points.find((p) => p.T === largest);
  if (last && estimateMStar(last.cells, x.successRate).status === 'censored') return { why: `m* at T=${largest} is above the largest training-set size, so a longer T would be censored too` };
  const T = nextT(Ts);
  const problem = x.contextProblem(T);
  if (problem) return { why: `T=${T} cannot be added (${problem})` };
  if (x.contextCost > left) return { why: `T=${T} would cost up to ${x.contextCost} runs, ${left} are left` };
  return { addition: { kind: 'context', reason: `${short}: the models part most at long T, so T=${T} extends the grid`, T }, why: '' };
}
