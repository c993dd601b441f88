// A sweep's plan, before it runs: the runs, the member-steps, the ensembles it will form with their
// memory, and the estimated wall time on this machine (`sparse-attention sweep FILE --plan`). The
// numbers are computed in src/core/sweep/sweepPlan.ts; this is their shape, shared by the CLI's
// `--json`, the sweep-plan event and the editor's confirmation.
import { z } from 'zod';

export const PlannedEnsemble = z.object({
  variant: z.string(),
  T: z.number().int(),
  /** K: runs trained in one graph. */
  members: z.number().int(),
  /** The padded batch: the largest member's batch (full batch: its m). */
  batch: z.number().int(),
  /** Training steps of the ensemble (an upper bound unless successWhen is "final"). */
  steps: z.number().int(),
  /** The one estimate (protocol/trainingMemory.ts) for K members and the evaluation reserve. */
  memoryBytes: z.number(),
  /** Estimated seconds, from the calibration; null without one. */
  seconds: z.number().nullable(),
  /** Which of the parallel processes trains it, and when it starts (seconds from the sweep's start). */
  lane: z.number().int(),
  startSeconds: z.number().nullable(),
});

export const PlanCalibration = z.object({
  /** True when every shape came from the cache file (nothing was timed now). */
  cached: z.boolean(),
  /** Seconds the timing took now (0 when cached). */
  seconds: z.number(),
  machine: z.string(),
  backend: z.string(),
  file: z.string(),
});

export const SweepPlan = z.object({
  name: z.string(),
  search: z.enum(['bisect', 'grid']),
  /** Runs the sweep will train: exact for a grid, an upper bound for bisection (runsExact false). */
  plannedRuns: z.number().int(),
  runsExact: z.boolean(),
  /** Σ members × steps: an upper bound unless every run trains maxSteps (successWhen "final"). */
  memberSteps: z.number().int(),
  stepsExact: z.boolean(),
  /** Parallel training processes (`--workers`). */
  parallel: z.number().int(),
  ensembles: z.array(PlannedEnsemble),
  /** Estimated wall time, and each process's busy seconds; null without a calibration. */
  estimatedSeconds: z.number().nullable(),
  laneSeconds: z.array(z.number()).nullable(),
  /** The largest ensemble's memory estimate. */
  peakMemoryBytes: z.number(),
  calibration: PlanCalibration.nullable(),
  /** What the estimate leaves out or bounds, in words. */
  notes: z.array(z.string()),
});

/** The plan in a sweep's event stream: what the progress bar and the panel need for "done / planned · ETA". */
export const SweepPlanEvent = z.object({
  type: z.literal('sweep-plan'),
  plannedRuns: z.number().int(),
  runsExact: z.boolean(),
  memberSteps: z.number().int(),
  /** From a cached calibration (a sweep never times steps before it starts); null without one. */
  estimatedSeconds: z.number().nullable(),
  /** When the sweep started (ISO), so a panel opened later still knows the elapsed time. */
  startedAt: z.string(),
});

export type PlannedEnsemble = z.infer<typeof PlannedEnsemble>;
export type PlanCalibration = z.infer<typeof PlanCalibration>;
export type SweepPlan = z.infer<typeof SweepPlan>;
export type SweepPlanEvent = z.infer<typeof SweepPlanEvent>;

/** Seconds as h:mm:ss or m:ss, for the plan table, the progress bar and the panel's ETA. */
export function clockText(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(h ? 2 : 1, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/**
 * Seconds left. The measured rate (elapsed per trained run × runs left; reused runs cost nothing and
 * are left out of it) is noisy early, when a few ensembles finish at once, so while the plan has an
 * estimate the two are blended by the share of runs trained: the plan's remaining time at the start,
 * the measured rate at the end. Null when neither is known. An upper bound when the plan's runs are.
 */
export function etaSeconds(p: { elapsedSeconds: number; runsDone: number; runsReused: number; plannedRuns: number; estimatedSeconds: number | null }): number | null {
  const trained = p.runsDone - p.runsReused;
  const left = Math.max(0, p.plannedRuns - p.runsDone);
  if (left === 0) return 0;
  const fromRate = trained > 0 && p.elapsedSeconds > 0 ? (p.elapsedSeconds / trained) * left : null;
  const fromPlan = p.estimatedSeconds === null ? null : Math.max(0, p.estimatedSeconds - p.elapsedSeconds);
  if (fromPlan === null || fromRate === null) return fromRate ?? fromPlan;
  const share = trained / Math.max(1, p.plannedRuns - p.runsReused);
  return (1 - share) * fromPlan + share * fromRate;
}
