// Sweep events: written to <sweepDir>/events.jsonl, printed by `sweep --json`, consumed by the
// results panel. Part of the one contract, validated on arrival like run events.
import { z } from 'zod';

const Interval = z.tuple([z.number().nullable(), z.number().nullable()]);
const Cell = z.object({ m: z.number().int(), successes: z.number().int(), trials: z.number().int(), failedRuns: z.number().int() });

export const SweepPoint = z.object({
  T: z.number().int(),
  mStar: z.number().nullable(),
  interval: Interval,
  logistic: z.object({ mStar: z.number(), interval: z.tuple([z.number(), z.number()]), slope: z.number() }).optional(),
  cells: z.array(Cell),
});

const FitSchema = z.object({ a: z.number(), b: z.number().optional(), c: z.number().optional(), r2: z.number(), aic: z.number() });
export const Fits = z.object({ log: FitSchema, linear: FitSchema, power: FitSchema });

export const VariantResult = z.object({
  label: z.string(),
  points: z.array(SweepPoint),
  fits: Fits.nullable(),
  best: z.enum(['log', 'linear', 'power']).nullable(),
  verdict: z.string().nullable(),
});

export const SweepStarted = z.object({
  type: z.literal('sweep-started'),
  name: z.string(),
  sweepDir: z.string(),
  variants: z.array(z.string()),
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
  reused: z.number().int(),
  succeeded: z.boolean(),
  runsDone: z.number().int(),
  plannedRuns: z.number().int(),
});
export const RunFailed = z.object({ type: z.literal('run-failed'), runId: z.string(), attempt: z.number().int(), reason: z.string() });
export const MStarUpdated = z.object({ type: z.literal('mstar-updated'), variant: z.string(), point: SweepPoint });
export const FitUpdated = z.object({
  type: z.literal('fit-updated'),
  variant: z.string(),
  fits: Fits,
  best: z.enum(['log', 'linear', 'power']),
  verdict: z.string(),
});

export const SweepSummary = VariantResult.extend({
  type: z.literal('sweep-summary'),
  name: z.string(),
  status: z.enum(['completed', 'cancelled']),
  sweepDir: z.string(),
  compare: z.array(VariantResult),
  runsExecuted: z.number().int(),
  runsReused: z.number().int(),
  runsFailed: z.number().int(),
  wallSeconds: z.number(),
});

export const SweepEvent = z.discriminatedUnion('type', [SweepStarted, CellStarted, CellFinished, RunFailed, MStarUpdated, FitUpdated, SweepSummary]);

export type SweepPoint = z.infer<typeof SweepPoint>;
export type VariantResult = z.infer<typeof VariantResult>;
export type SweepSummary = z.infer<typeof SweepSummary>;
export type SweepEvent = z.infer<typeof SweepEvent>;
