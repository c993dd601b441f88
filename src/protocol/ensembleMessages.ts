// Messages between a sweep and its long-lived ensemble processes (forked `sparse-attention
// ensemble-process`, IPC). Validated on arrival on both sides: an ensemble process trains whatever a
// message asks, and a sweep counts whatever one reports. ("Worker" is kept for the Redis queue's.)
import { z } from 'zod';

/** Parent → ensemble process: train these runs as one ensemble into `out`, or stop the current ensemble. */
export const EnsembleCommand = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('train'),
    jobId: z.number().int().nonnegative(),
    out: z.string().min(1),
    // Specs are validated again by the ensemble process with the experiment schema.
    runs: z.array(z.object({ runId: z.string().min(1), spec: z.unknown() })).min(1),
  }),
  z.object({ type: z.literal('stop') }),
]);
export type EnsembleCommand = z.infer<typeof EnsembleCommand>;

/** Ensemble process → parent: an ensemble ended (every member has a summary.json), or failed as a whole. */
export const EnsembleReport = z.discriminatedUnion('type', [
  z.object({ type: z.literal('job-done'), jobId: z.number().int().nonnegative() }),
  // `refused`: the trainer refused the ensemble's input (e.g. a step over the backend's memory); not a crash to retry.
  z.object({ type: z.literal('job-failed'), jobId: z.number().int().nonnegative(), message: z.string(), refused: z.boolean().optional() }),
]);
export type EnsembleReport = z.infer<typeof EnsembleReport>;
