// The verdict in words, for a reader who is not a statistician (README: "Reading the verdict"). The
// one wording of the decision: the runner's events, the CLI, the panel and the HTML report all show
// these sentences and never compose their own. The headline names the decision with its support
// (never the full data's best alone, which can be the model that won the fewest resamples), and the
// exponent's interval is read against both flat (c = 0) and linear (c = 1).
import { MODEL_NAMES, MODEL_WORDS, MODELS, type ModelName } from '../../protocol/fitModels';
import type { ScalingPoint } from './scalingFits';
import { type FitSet, bestModel } from './scalingFits';

export type Support = Record<ModelName, number>;
export interface VerdictBootstrap {
  resamples: number;
  support: Support;
  exponent: { c: number; interval: [number, number] };
}

const pct = (v: number) => `${Math.round(v * 100)} %`;

/** A model wins when it is the best in at least half of the resamples. */
export const CLEAR_WIN = 0.5;

/** The model that won most resamples, if it won at least half of them; null: no clear winner. */
export function clearWinner(support: Support): ModelName | null {
  const top = [...MODELS].sort((a, b) => support[b] - support[a])[0];
  return support[top] >= CLEAR_WIN ? top : null;
}

/** "log T, in 91 % of 1000 resamples (linear 6 %, power law 3 %)" or "no clear winner: log T 38 %, …". */
export function headline(fits: FitSet, boot: VerdictBootstrap): string {
  const ranked = [...MODELS].sort((a, b) => boot.support[b] - boot.support[a]);
  const winner = clearWinner(boot.support);
  if (!winner) return `no clear winner: ${ranked.map((m) => `${MODEL_WORDS[m]} ${pct(boot.support[m])}`).join(', ')} of ${boot.resamples} resamples`;
  const others = ranked.filter((m) => m !== winner).map((m) => `${MODEL_WORDS[m]} ${pct(boot.support[m])}`);
  const best = bestModel(fits).best;
  // Rare but possible: the full data's lowest AICc is not the resamples' winner; say both.
  const aside = best === winner ? '' : `; the full data alone favour ${MODEL_WORDS[best]}`;
  return `${MODEL_WORDS[winner]}, in ${pct(boot.support[winner])} of ${boot.resamples} resamples (${others.join(', ')})${aside}`;
}

/** How far beyond c = 1 an interval must reach before superlinear counts among its readings. */
export const SUPERLINEAR_MARGIN = 0.1;

/**
 * Which growths the exponent's interval leaves open: flat (c = 0) and linear (c = 1) when the interval
 * holds them, sublinear when it reaches into (0, 1), superlinear or shrinking only when it lies wholly
 * beyond 1 or below 0.
 */
export function exponentShapes([lo, hi]: [number, number]): string[] {
  if (hi < 0) return ['shrinking'];
  if (lo > 1) return ['superlinear'];
  const shapes: string[] = [];
  if (lo <= 0 && hi >= 0) shapes.push('flat');
  if (hi > 0 && lo < 1) shapes.push('sublinear');
  if (lo <= 1 && hi >= 1) shapes.push('linear');
  // An interval reaching well past 1 leaves faster-than-linear growth open too ([0.00, 1.53] once read
  // "cannot tell flat, sublinear and linear apart" beside c = 1.53); a hair past 1 is linear's noise.
  if (lo <= 1 && hi > 1 + SUPERLINEAR_MARGIN) shapes.push('superlinear');
  return shapes;
}

const andList = (xs: string[]) => (xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);

// Statements about the exponent c of a·T^c only: the linear model a + b·T has an intercept, so it can
// win the AICc while c's interval excludes 1 (a tiny sweep did exactly that).
const ALONE: Record<string, string> = {
  sublinear: 'sublinear: the interval excludes flat (c = 0) and linear (c = 1)',
  superlinear: 'superlinear: the interval lies above linear (c = 1)',
  shrinking: 'shrinking: the interval lies below flat (c = 0)',
};

/** "c = 0.67, 95 % interval [-0.12, 1.03]: cannot tell flat, sublinear and linear apart". */
export function exponentReading(e: { c: number; interval: [number, number] }): string {
  const [lo, hi] = e.interval;
  const shapes = exponentShapes(e.interval);
  const reading = shapes.length === 1 ? ALONE[shapes[0]] ?? shapes[0] : `cannot tell ${andList(shapes)} apart`;
  return `exponent c = ${e.c.toFixed(2)}, 95 % interval [${lo.toFixed(2)}, ${hi.toFixed(2)}]: ${reading}`;
}

/** The point estimate's wording, for a fit without a bootstrap (a cancelled sweep, or `bootstrap: 0`). */
function pointEstimate(fits: FitSet): string[] {
  const { best, runnerUp, deltaAicc } = bestModel(fits);
  const strength = deltaAicc > 10 ? 'decisively' : deltaAicc > 2 ? 'clearly' : 'only marginally';
  const out = [`m*(T) ≈ ${MODEL_NAMES[best]} fits best by AICc, ${strength} (ΔAICc ${deltaAicc.toFixed(1)} over ${MODEL_NAMES[runnerUp]}; no bootstrap, so no support)`];
  if (best === 'power') out.push(`exponent c = ${fits.power.c!.toFixed(2)}`);
  return out;
}

/** The whole verdict: headline, exponent, censored points (lower bounds), context lengths left out. */
export function verdictText(fits: FitSet, boot: VerdictBootstrap | null, censored: ScalingPoint[], left: number[]): string {
  const parts = boot ? [headline(fits, boot), exponentReading(boot.exponent)] : pointEstimate(fits);
  const n = censored.length;
  if (n) parts.push(`${n} censored point${n > 1 ? 's' : ''} (${censored.map((p) => `T = ${p.T}: m* > ${p.m}`).join('; ')}) used as lower bound${n > 1 ? 's' : ''}`);
  if (left.length) parts.push(`${left.length} context length${left.length > 1 ? 's' : ''} left out: crashed runs left m* open (T = ${left.join(', ')})`);
  return parts.join('; ');
}

/** While the sweep runs: every sentence starts by saying it may change. */
export function provisionalPrefix(runsDone: number, plannedRuns: number): string {
  return `Provisional (${runsDone} of ${plannedRuns} runs): `;
}

/** A provisional verdict before every T has a bracketed m*: no fit is drawn, and this says why. */
export function waitingText(open: number[]): string {
  return `no fit yet: the search for m* is still running at T = ${open.join(', ')}`;
}

/** The last sentence of a sweep with `until`: whether its goal was reached, after how many runs, and why it stopped. */
export function untilText(u: { reached: boolean; model: ModelName | null; support: number | null; runsSpent: number; why: string }, goal: number): string {
  const best = u.model && u.support !== null ? `${MODEL_WORDS[u.model]} at ${pct(u.support)}` : 'no fit';
  if (u.reached) return `Goal reached after ${u.runsSpent} runs: ${best} of the resamples (goal ${pct(goal)}).`;
  return `Goal not reached after ${u.runsSpent} runs (${u.why}): ${best}, goal ${pct(goal)}.`;
}
