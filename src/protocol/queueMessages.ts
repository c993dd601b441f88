// What travels through the Redis queue between a sweep's coordinator and its workers. A job names an
// experiment by value (the resolved spec), never a path or code to run; its result carries the run's
// files, so no filesystem is shared. Both ends validate what they read (the queue is another process,
// maybe another machine, and anyone with the password can write to it).
import { z } from 'zod';
import { RunSummary } from './runEvents';

export const QUEUE_NAME = 'runs';
/** Key prefix in Redis, so the queue can share a Redis with other applications. */
export const QUEUE_PREFIX = 'sparse-attention';

export const RunJobData = z.strictObject({
  /** The resolved experiment; the worker validates it again with the experiment schema. */
  spec: z.record(z.string(), z.unknown()),
  runId: z.string().regex(/^[A-Za-z0-9._-]+$/, { error: 'must be letters, digits, ".", "_" and "-"' }),
  /** The sweep it belongs to, for logs. */
  sweep: z.string(),
});

export const RunJobResult = z.strictObject({
  runId: z.string(),
  summary: RunSummary,
  /** experiment.json and events.jsonl as the worker's run wrote them. */
  experiment: z.string(),
  events: z.string(),
  /** The machine that trained it. */
  host: z.string(),
});

export type RunJobData = z.infer<typeof RunJobData>;
export type RunJobResult = z.infer<typeof RunJobResult>;

/**
 * An ensemble job (job name "ensemble"): runs that share an ensembleKey, trained together by one
 * worker, which may split them further by its own backend's memory bound.
 */
export const EnsembleJobData = z.strictObject({
  runs: z
    .array(z.strictObject({ runId: RunJobData.shape.runId, spec: RunJobData.shape.spec }))
    .min(1)
    .refine((runs) => new Set(runs.map((r) => r.runId)).size === runs.length, { error: 'run ids must differ' }),
  sweep: z.string(),
});

/**
 * A worker's progress on an ensemble job (BullMQ job progress): every member finished so far, each
 * written back as it finishes, so a worker killed mid-ensemble loses only the unfinished ones. The
 * next worker to take the job reads it and trains only the rest. `worker` (host:pid) trained
 * `memberSteps` steps of finished members in `seconds` of its own training time on this job.
 */
export const EnsembleProgress = z.strictObject({
  finished: z.array(RunJobResult),
  worker: z.string(),
  memberSteps: z.number().int().nonnegative(),
  seconds: z.number().nonnegative(),
});

/** An ensemble job's return value: every member's result. */
export const EnsembleJobResult = z.strictObject({ members: z.array(RunJobResult) });

export type EnsembleJobData = z.infer<typeof EnsembleJobData>;
export type EnsembleProgress = z.infer<typeof EnsembleProgress>;
export type EnsembleJobResult = z.infer<typeof EnsembleJobResult>;
