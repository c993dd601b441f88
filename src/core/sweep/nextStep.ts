// What to run next when the data do not decide between the models: computed from the sweep itself,
// so the advice names numbers (a longest context length, seeds per cell), not a general hint. The
// three curves part mostly at long T (ln T flattens where T and T^c keep rising), so the first lever
// is one more step of the T grid; the second is seeds, which narrow every m*'s bracket and so the
// exponent's interval; censored points need larger sizes to become values at all.
import { type Support, clearWinner } from './verdictWords';

export interface NextStepInput {
  /** The context lengths measured. */
  Ts: number[];
  /** Seeds per cell (the most trials any cell had). */
  seeds: number;
  /** Largest training-set size tried (the censored points' bound). */
  largestSize: number;
  support: Support;
  exponentInterval: [number, number];
  censored: number[];
}

/** An exponent interval wider than this cannot separate sublinear from linear: ask for more seeds. */
export const WIDE_EXPONENT = 0.5;

/** The T that continues the grid by one of its own steps (the median ratio between neighbours). */
export function nextT(Ts: number[]): number {
  const sorted = [...new Set(Ts)].sort((a, b) => a - b);
  const ratios = sorted.slice(1).map((T, i) => T / sorted[i]).sort((a, b) => a - b);
  const step = ratios.length ? ratios[Math.floor(ratios.length / 2)] : 2;
  return Math.round(sorted[sorted.length - 1] * Math.max(step, 1.5));
}

/** "extend T to 320 and use 6 seeds per cell"; null when a model wins (nothing to decide). */
export function nextStep(x: NextStepInput): string | null {
  if (clearWinner(x.support) || x.Ts.length === 0) return null;
  const steps = [`extend T to ${nextT(x.Ts)}`];
  const [lo, hi] = x.exponentInterval;
  if (hi - lo > WIDE_EXPONENT) steps.push(`use ${Math.max(2 * x.seeds, 6)} seeds per cell`);
  if (x.censored.length) steps.push(`raise the largest training-set size above ${x.largestSize} (m* is only a lower bound at T = ${x.censored.join(', ')})`);
  const text = steps.length > 1 ? `${steps.slice(0, -1).join(', ')} and ${steps[steps.length - 1]}` : steps[0];
  return `Next: ${text}, then run the sweep again (finished runs are reused)`;
}
