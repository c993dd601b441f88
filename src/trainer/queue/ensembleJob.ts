// A queue worker's ensemble job: the members not yet finished (a killed worker's finished ones are in
// the job's progress) trained with the local ensemble code, in chunks no larger than this worker's
// own memory bound; each member's files are written back to the job's progress as that member
// finishes, so a worker killed mid-ensemble loses only its unfinished members.
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import { type Job, UnrecoverableError } from 'bullmq';
import { type Experiment, ExperimentSchema } from '../../core/spec/experimentSpec';
import { EnsembleJobData, type EnsembleJobResult, EnsembleProgress, type RunJobResult } from '../../protocol/queueMessages';
import { readRunText, readSummary } from '../../store/runFolder';
import type { EnsembleLaunch } from '../runPool';

/** How often the scratch folder is checked for members that finished. */
const POLL_MS = 250;
/** Statuses of a member that trained to an answer (anything else is retried). */
const FINISHED = new Set(['succeeded', 'not-reached', 'diverged']);

export interface EnsembleJobContext {
  /** Trains runs as one ensemble (local ensemble processes). */
  launch: EnsembleLaunch;
  /** This worker's memory bound on one ensemble of this spec. */
  maxMembers: (spec: Experiment) => number;
  /** host:pid, as the coordinator shows it. */
  worker: string;
  log: (line: string) => void;
}

interface Member {
  runId: string;
  spec: Experiment;
}

/** The job's data with every spec validated; a malformed job fails for good (never retried). */
function validMembers(job: Job, log: (line: string) => void): { sweep: string; members: Member[] } {
  const data = EnsembleJobData.safeParse(job.data);
  const specs = data.success ? data.data.runs.map((r) => ExperimentSchema.safeParse(r.spec)) : [];
  const bad = specs.findIndex((s) => !s.success);
  if (!data.success || bad >= 0) {
    const issues = data.success ? specs[bad].error!.issues.map((i) => ({ ...i, path: ['runs', bad, 'spec', ...i.path] })) : data.error.issues;
    const why = issues.map((i) => `${i.path.join('.') || 'data'}: ${i.message}`).slice(0, 3).join('; ');
    log(`job ${job.id}: malformed job data (${why}); failed, not retried`);
    throw new UnrecoverableError(`malformed job data: ${why}`);
  }
  return { sweep: data.data.sweep, members: data.data.runs.map((r, i) => ({ runId: r.runId, spec: specs[i].data! })) };
}

/** Members a previous worker finished and wrote to the job's progress (nothing when it is not ours). */
function earlierFinished(job: Job, members: Member[]): RunJobResult[] {
  const parsed = EnsembleProgress.safeParse(job.progress);
  if (!parsed.success) return [];
  const ids = new Set(members.map((m) => m.runId));
  return parsed.data.finished.filter((r) => ids.has(r.runId));
}

/** Consecutive chunks of at most this worker's bound (the members share a key, so one bound). */
function chunks(members: Member[], max: number): Member[][] {
  const size = Math.max(1, max);
  const out: Member[][] = [];
  for (let i = 0; i < members.length; i += size) out.push(members.slice(i, i + size));
  return out;
}

export async function trainEnsembleJob(job: Job, ctx: EnsembleJobContext): Promise<EnsembleJobResult> {
  const { sweep, members } = validMembers(job, ctx.log);
  const finished = earlierFinished(job, members);
  const done = new Set(finished.map((r) => r.runId));
  const todo = members.filter((m) => !done.has(m.runId));
  if (finished.length) ctx.log(`job ${job.id}: ${finished.length} member(s) finished by an earlier worker are kept; training the other ${todo.length}`);
  const dir = mkdtempSync(path.join(tmpdir(), 'sa-worker-'));
  const runs = path.join(dir, 'runs');
  const started = Date.now();
  let memberSteps = 0;
  let reporting = Promise.resolve();
  // A member's files go to the job's progress once, as soon as its summary.json says it finished.
  const collect = () => {
    for (const m of todo) {
      if (done.has(m.runId)) continue;
      const summary = readSummary(path.join(runs, m.runId));
      if (!summary || !FINISHED.has(summary.status)) continue;
      done.add(m.runId);
      memberSteps += summary.steps;
      finished.push({ runId: m.runId, summary, ...readRunText(path.join(runs, m.runId)), host: hostname() });
      const progress: EnsembleProgress = { finished: [...finished], worker: ctx.worker, memberSteps, seconds: (Date.now() - started) / 1000 };
      // Logged once written back: a member in the log is one a killed worker does not lose.
      const line = `${m.runId} (${sweep}) ${summary.status} in ${summary.wallSeconds.toFixed(1)} s`;
      reporting = reporting.then(() => job.updateProgress(progress)).then(() => ctx.log(line), (err) => ctx.log(`job ${job.id}: progress not written: ${(err as Error).message}`));
    }
  };
  const poll = setInterval(collect, POLL_MS);
  try {
    for (const chunk of todo.length ? chunks(todo, ctx.maxMembers(todo[0].spec)) : []) {
      const results = await ctx.launch(chunk.map((m) => ({ spec: m.spec, runId: m.runId, out: runs })), new AbortController().signal);
      collect();
      const failed = results.findIndex((r, i) => !done.has(chunk[i].runId) && !r.ok);
      if (failed >= 0) throw new Error(`${chunk[failed].runId}: ${(results[failed] as { reason: string }).reason}`);
    }
    collect();
    const missing = todo.filter((m) => !done.has(m.runId)).map((m) => m.runId);
    if (missing.length) throw new Error(`members ended without an answer: ${missing.join(', ')}`);
    await reporting;
    return { members: finished };
  } finally {
    clearInterval(poll);
    await reporting;
    rmSync(dir, { recursive: true, force: true });
  }
}
