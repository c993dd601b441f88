// The rounds of a sweep with `until`: after the initial design, ask the policy (core/sweep/untilPolicy.ts)
// what to add, hand the additions to the book, train them, and ask again, until the goal is reached or
// the budget ends. Every round's support and every addition become events, so the panel can plot the
// support against runs spent and a reader can see why each run was added.
import { decideUntil } from '../core/sweep/untilPolicy';
import type { SweepBook } from '../core/sweep/sweepBook';
import { type Sweep, cellExperimentInput } from '../core/spec/sweepSpec';
import { ExperimentSchema } from '../core/spec/experimentSpec';
import { MAX_T } from '../protocol/experimentSchema';
import { rngFor } from '../core/spec/seededRandom';
import type { SweepEvent, UntilOutcome } from '../protocol/sweepEvents';

export interface UntilLoopOptions {
  emit: (e: SweepEvent) => void;
  signal: AbortSignal;
  /** The runner's clock (ms) and when the sweep started by it. */
  now: () => number;
  started: number;
  /** Trains every run the book asks for; resolves when none is left. */
  train: () => Promise<void>;
}

/** Why T cannot be a context length of this sweep (over MAX_T, or a cell the experiment schema refuses), or null. */
export function contextProblem(sweep: Sweep, variants: number, largestSize: number): (T: number) => string | null {
  return (T) => {
    if (T > MAX_T) return `over the largest T, ${MAX_T}`;
    for (let variant = 0; variant < variants; variant++) {
      const check = ExperimentSchema.safeParse(cellExperimentInput(sweep, { variant, T, m: largestSize }, 0));
      if (!check.success) return `the cell T=${T}, m=${largestSize} is invalid: ${check.error.issues[0].path.join('.')}: ${check.error.issues[0].message}`;
    }
    return null;
  };
}

export async function trainUntil(sweep: Sweep, book: SweepBook, opts: UntilLoopOptions): Promise<UntilOutcome> {
  const goal = sweep.until!;
  const largestSize = Math.max(...book.candidateSizes);
  const problem = contextProblem(sweep, book.labels.length, largestSize);
  for (let round = 1; ; round++) {
    // The same stream and resamples as the summary's verdict: the support that stops the sweep is the one it reports.
    const d = decideUntil({
      points: book.pointCells(0),
      successRate: sweep.successRate,
      goal,
      seeds: sweep.seeds,
      runsSpent: book.runsSpent,
      minutes: (opts.now() - opts.started) / 60_000,
      contextCost: book.contextCost(),
      contextProblem: problem,
      resamples: sweep.bootstrap,
      rng: rngFor(sweep.base.seed, 'verdict'),
    });
    const stopped = d.stop ? d.why : opts.signal.aborted ? 'cancelled' : undefined;
    opts.emit({ type: 'until-progress', round, runsSpent: book.runsSpent, model: d.model, support: d.support, goal: goal.support, ...(stopped ? { stopped } : {}) });
    if (d.stop || opts.signal.aborted) {
      const support = d.model && d.support ? d.support[d.model] : null;
      return { reached: d.stop && d.reached, model: d.model, support, runsSpent: book.runsSpent, why: stopped! };
    }
    for (const a of d.additions) {
      if (a.kind === 'context') book.addContextLength(a.T);
      else book.addSeeds(0, a.cells, a.seeds);
      opts.emit({ type: 'sweep-extended', round, ...a });
    }
    await opts.train();
  }
}
