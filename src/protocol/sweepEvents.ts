// Sweep events: written to <sweepDir>/events.jsonl, printed by `sweep --json`, consumed by the
// results panel. Part of the one contract, validated on arrival like run events. Every science
// quantity in them (cell status, m*, fits, the curve to draw, the verdict) is computed in src/core;
// the panel, the CLI and the HTML report only render it.
import { z } from 'zod';
import { FitModel, perModelSchema } from './fitModels';
import { SweepPlanEvent } from './sweepPlan';

const Interval = z.tuple([z.number().nullable(), z.number().nullable()]);
const Range = z.tuple([z.number(), z.number()]);

const Cell = z.object({
  m: z.number().int(),
  successes: z.number().int(),
  trials: z.number().int(),
  /** Runs that crashed on every attempt, or that the trainer refused. */
  failedRuns: z.number().int(),
  /** Why the trainer refused the cell's runs (one line; not retried, not a crash); absent when none was. */
  refused: z.string().optional(),
  status: z.enum(['passed', 'failed', 'incomplete']),
  /** Wilson 95 % interval of the success share. */
  wilson: Range,
  /** Machines whose queue workers trained the cell's runs (sweeps over a queue), each with its backend and adapter (backendLabel.ts hostLabel). */
  hosts: z.array(z.string()).optional(),
  /** Median and mean final test accuracy of the cell's finished runs (core/sweep/cellAccuracy.ts); absent in older recordings. */
  medianTestAccuracy: z.number().nullable().optional(),
  meanTestAccuracy: z.number().nullable().optional(),
});

const Logistic = z.discriminatedUnion('identified', [
  z.object({ identified: z.literal(true), mStar: z.number(), interval: Range, slope: z.number() }),
  z.object({ identified: z.literal(false), reason: z.string() }),
]);

export const SweepPoint = z.object({
  T: z.number().int(),
  status: z.enum(['found', 'censored', 'incomplete', 'pending']),
  mStar: z.number().nullable(),
  interval: Interval,
  incompleteAt: z.array(z.number().int()),
  logistic: Logistic.optional(),
  cells: z.array(Cell),
});

const FitSchema = z.object({ a: z.number(), b: z.number().optional(), c: z.number().optional(), rss: z.number(), r2: z.number(), aicc: z.number() });
export const Fits = perModelSchema(FitSchema);

/** What the fits of one variant say; sent live (without the bootstrap) and in the summary (with it). */
export const VariantFit = z.object({
  fits: Fits.nullable(),
  best: FitModel.nullable(),
  verdict: z.string().nullable(),
  /** The best fit as points to draw. */
  curve: z.array(z.object({ T: z.number(), m: z.number() })),
  /** T whose m* is only a lower bound (nothing passed up to the largest size). */
  censored: z.array(z.number().int()),
  /** T left out of the fits: crashed runs left m* open. */
  incomplete: z.array(z.number().int()),
  /** Shares of bootstrap resamples won by each model (sum 1); null without a bootstrap. */
  verdictSupport: perModelSchema(z.number()).nullable(),
  /** b of a + b·ln T and c of a·T^c with bootstrap 95 % intervals; null without a bootstrap. */
  slope: z.object({ b: z.number(), interval: Range }).nullable(),
  exponent: z.object({ c: z.number(), interval: Range }).nullable(),
  /** Every model's fit as points (the chart can draw all three). Optional: older recordings lack it. */
  curves: perModelSchema(z.array(z.object({ T: z.number(), m: z.number() }))).nullable().optional(),
  /** True while the sweep runs (the fit and verdict may still change). Optional: older recordings lack it. */
  provisional: z.boolean().optional(),
  /** What to run next when no model wins, in words (src/core/sweep/nextStep.ts). */
  nextStep: z.string().nullable().optional(),
});

export const VariantResult = VariantFit.extend({
  label: z.string(),
  /** The protocol behind the figure (model, init, optimiser, steps, success rule, seeds). */
  protocol: z.string(),
  points: z.array(SweepPoint),
});

export const SweepStarted = z.object({
  type: z.literal('sweep-started'),
  name: z.string(),
  sweepDir: z.string(),
  variants: z.array(z.string()),
  /** One line per variant, as VariantResult.protocol. */
  protocols: z.array(z.string()),
  successRate: z.number(),
  successWhen: z.enum(['reached', 'final']),
  contextLengths: z.array(z.number().int()),
  candidates: z.array(z.number().int()),
  plannedRuns: z.number().int(),
  workers: z.number().int(),
});
export const CellStarted = z.object({ type: z.literal('cell-started'), variant: z.string(), T: z.number().int(), m: z.number().int() });
export const CellFinished = z.object({
  type: z.literal('cell-finished'),
  variant: z.string(),
  T: z.number().int(),
  m: z.number().int(),
  successes: z.number().int(),
  trials: z.number().int(),
  failedRuns: z.number().int(),
  /** As Cell.refused. */
  refused: z.string().optional(),
  reused: z.number().int(),
  status: z.enum(['passed', 'failed', 'incomplete']),
  /** Median and mean final test accuracy of the cell's finished runs (core/sweep/cellAccuracy.ts); absent in older recordings. */
  medianTestAccuracy: z.number().nullable().optional(),
  meanTestAccuracy: z.number().nullable().optional(),
  runsDone: z.number().int(),
  plannedRuns: z.number().int(),
});
/** `refused`: the trainer refused the run (its reason is final; the run is not retried). */
export const RunFailed = z.object({ type: z.literal('run-failed'), runId: z.string(), attempt: z.number().int(), reason: z.string(), refused: z.boolean().optional() });
export const MStarUpdated = z.object({ type: z.literal('mstar-updated'), variant: z.string(), point: SweepPoint });
/** Over a queue: the workers connected now (sent when it changes). */
export const QueueStatus = z.object({ type: z.literal('queue-status'), workers: z.number().int(), hosts: z.array(z.string()) });
export const FitUpdated = VariantFit.extend({ type: z.literal('fit-updated'), variant: z.string() });

/** A sweep with `until`: one addition of a round (core/sweep/untilPolicy.ts), with why it was made. Absent from older recordings. */
export const SweepExtended = z.object({
  type: z.literal('sweep-extended'),
  round: z.number().int(),
  kind: z.enum(['seeds', 'context']),
  reason: z.string(),
  /** `seeds`: the cells (main variant) given `seeds` more runs each; `context`: the new T, searched for every variant. */
  cells: z.array(z.object({ T: z.number().int(), m: z.number().int() })).optional(),
  seeds: z.number().int().optional(),
  T: z.number().int().optional(),
});
/** A sweep with `until`: each model's bootstrap support after a round, against the runs spent so far (the panel plots it). */
export const UntilProgress = z.object({
  type: z.literal('until-progress'),
  round: z.number().int(),
  runsSpent: z.number().int(),
  model: FitModel.nullable(),
  support: perModelSchema(z.number()).nullable(),
  /** The support the sweep stops at (`until.support`); optional so that a chart can do without it. */
  goal: z.number().optional(),
  /** Set on the last round: why the runner stopped. */
  stopped: z.string().optional(),
});
/** The outcome of `until` in the summary: whether `model` reached the goal's support, and the runs it took. */
export const UntilOutcome = z.object({ reached: z.boolean(), model: FitModel.nullable(), support: z.number().nullable(), runsSpent: z.number().int(), why: z.string() });

const CellRef = z.object({ variant: z.string(), T: z.number().int(), m: z.number().int() });

export const SweepSummary = VariantResult.extend({
  type: z.literal('sweep-summary'),
  name: z.string(),
  /** `incomplete`: a cell on some m* path crashed after its retry or was refused (see `reason`, `incompleteCells`). */
  status: z.enum(['completed', 'incomplete', 'cancelled']),
  /** One line saying why the status is not `completed`; null when it is. */
  reason: z.string().nullable(),
  incompleteCells: z.array(CellRef),
  sweepDir: z.string(),
  compare: z.array(VariantResult),
  runsExecuted: z.number().int(),
  runsReused: z.number().int(),
  runsFailed: z.number().int(),
  wallSeconds: z.number(),
  /** Sweeps with `until` only. */
  until: UntilOutcome.optional(),
});

/** `sweep-plan` (after sweep-started; absent in older recordings): the planned runs and the estimate behind the ETA. */
export const SweepEvent = z.discriminatedUnion('type', [SweepStarted, SweepPlanEvent, CellStarted, CellFinished, RunFailed, MStarUpdated, FitUpdated, QueueStatus, SweepExtended, UntilProgress, SweepSummary]);

/** A variant before any cell has finished (the host's store and the panel both start from it). */
export function emptyVariant(label: string, protocol = ''): VariantResult {
  return { label, protocol, points: [], fits: null, best: null, verdict: null, curve: [], censored: [], incomplete: [], verdictSupport: null, slope: null, exponent: null };
}

/** The VariantFit part of a fit-updated event, to assign onto a variant. */
export function fitOf(e: z.infer<typeof FitUpdated>): VariantFit {
  const { type: _type, variant: _variant, ...fit } = e;
  return fit;
}

/** A summary's variants, main first. */
export const summaryVariants = (s: SweepSummary): VariantResult[] =>
  [s, ...s.compare].map(({ label, protocol, points, fits, best, verdict, curve, censored, incomplete, verdictSupport, slope, exponent, curves, provisional, nextStep }) => ({
    label, protocol, points, fits, best, verdict, curve, censored, incomplete, verdictSupport, slope, exponent,
    ...(curves === undefined ? {} : { curves }),
    ...(provisional === undefined ? {} : { provisional }),
    ...(nextStep === undefined ? {} : { nextStep }),
  }));

export type SweepPoint = z.infer<typeof SweepPoint>;
export type VariantFit = z.infer<typeof VariantFit>;
export type VariantResult = z.infer<typeof VariantResult>;
export type SweepSummary = z.infer<typeof SweepSummary>;
export type SweepEvent = z.infer<typeof SweepEvent>;
export type UntilOutcome = z.infer<typeof UntilOutcome>;
