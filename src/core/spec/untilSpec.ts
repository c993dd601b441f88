// The sweep field `until` (issue 22): a goal for the verdict's bootstrap support and a budget of runs
// and minutes; the policy that spends it is core/sweep/untilPolicy.ts.
import { z } from 'zod';

const int = (min: number, max: number) =>
  z.number().int({ error: 'must be an integer' }).min(min, { error: `must be ≥ ${min}` }).max(max, { error: `must be ≤ ${max}` });

/** `until`: keep adding runs where they inform the verdict most until one model's support reaches the goal (untilPolicy.ts). */
export const UntilSchema = z
  .strictObject({
    support: z
      .number({ error: 'must be a number' })
      .gt(0.5, { error: 'must be > 0.5 (a model must win most resamples)' })
      .max(1, { error: 'must be ≤ 1' })
      .default(0.9)
      .describe('Stop once one model wins at least this share of the bootstrap resamples (main variant).'),
    maxRuns: int(1, 1_000_000).default(2000).describe('Budget: stop adding work once this many runs were spent (initial design included).'),
    maxMinutes: z
      .number({ error: 'must be a number' })
      .gt(0, { error: 'must be > 0' })
      .max(10_080, { error: 'must be ≤ 10080 (a week)' })
      .default(60)
      .describe('Budget: stop adding work once the sweep has run this many minutes (runs in flight finish).'),
  })
  .describe('Run until the question is answered: after the initial design, add seeds at the cells next to each m* and longer context lengths until one model\'s bootstrap support reaches `support`, or the budget ends.');

export type Until = z.output<typeof UntilSchema>;
