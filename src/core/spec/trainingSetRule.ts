// The public reproduction's rule for a training set (`data.rejectAmbiguous`): redraw until 40–60 % of
// its labels are positive and no relevant position could be mistaken for another: no position
// outside the hidden set has, on every one of the m samples, the same bit as a relevant one (then the
// data could not tell the two hypotheses apart). At most `maxDraws` sets are drawn (100 there); when
// none meets the rule, `whenUnmet` says whether to refuse the run or keep the last draw, as the
// reproduction does. Relevant positions equal to each other are not checked, as there.
import type { Experiment } from './experimentSpec';

/** What the reproduction allows: 40 % ≤ positives / m ≤ 60 %, both ends included. */
export const BALANCE_RANGE = [0.4, 0.6] as const;
/** Draws when `data.maxDraws` is absent (the reproduction's max_try). */
export const DEFAULT_MAX_DRAWS = 100;

/** The run's input cannot meet the rule: the trainer refuses it (no retry) with this message. */
export class UnmetTrainingSetRule extends Error {}

interface Drawn {
  x: Uint8Array;
  y: Uint8Array;
  n: number;
}

/** Whether 40 % ≤ positives / n ≤ 60 %, in integers (5·pos ≥ 2n and 5·pos ≤ 3n: no rounding at the ends). */
export function balanced(y: Uint8Array): boolean {
  let positives = 0;
  for (const v of y) positives += v;
  return 5 * positives >= 2 * y.length && 5 * positives <= 3 * y.length;
}

/** A [relevant, other] pair of positions with equal bits on every sample, or undefined. */
export function ambiguousPair(set: Drawn, T: number, relevant: readonly number[]): [number, number] | undefined {
  const hidden = new Set(relevant);
  for (const r of relevant) {
    for (let o = 0; o < T; o++) {
      if (hidden.has(o)) continue;
      let same = true;
      for (let i = 0; i < set.n && same; i++) same = set.x[i * T + r] === set.x[i * T + o];
      if (same) return [r, o];
    }
  }
  return undefined;
}

/** Whether a set meets the rule: balanced and with no ambiguous pair. */
export const meetsRule = (set: Drawn, T: number, relevant: readonly number[]): boolean => balanced(set.y) && !ambiguousPair(set, T, relevant);

/**
 * The training set under `data.rejectAmbiguous`: `draw()` continues one seeded stream, so the result
 * is reproducible. Without the field this is one draw, exactly as before it existed.
 */
export function drawTrainingSet<S extends Drawn>(data: Experiment['data'], T: number, relevant: readonly number[], draw: () => S): S {
  if (!data.rejectAmbiguous) return draw();
  const maxDraws = data.maxDraws ?? DEFAULT_MAX_DRAWS;
  let set = draw();
  for (let k = 1; k < maxDraws && !meetsRule(set, T, relevant); k++) set = draw();
  if (meetsRule(set, T, relevant) || data.whenUnmet === 'keep-last') return set;
  throw new UnmetTrainingSetRule(
    `data.rejectAmbiguous: none of ${maxDraws} training sets of m = ${set.n} at T = ${T} had 40–60 % positive labels and ` +
      `no position equal to a relevant one on every sample; use a larger data.trainSize, raise data.maxDraws (1 to 100000), ` +
      `or set data.whenUnmet to "keep-last"`,
  );
}
