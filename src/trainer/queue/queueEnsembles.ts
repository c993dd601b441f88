// The coordinator's EnsembleLaunch over the queue: runs sharing an ensembleKey become one "ensemble"
// job; each member's run folder is written as soon as a worker reports that member finished (the
// job's progress), so a killed worker loses only unfinished members; the next worker to take the
// stalled job trains only those. A member already in a job of this sweep (a restarted coordinator)
// is waited for in that job, never enqueued twice.
import { createHash } from 'node:crypto';
import { Job, type Queue, type QueueEvents } from 'bullmq';
import { type EnsembleJobData, EnsembleJobResult, EnsembleProgress, type RunJobResult } from '../../protocol/queueMessages';
import type { EnsembleLaunch, RunRequest, RunResult } from '../runPool';
import { writeRun } from './queueLauncher';
import { WorkerRates } from './workerRates';

const KEEP = { age: 7 * 24 * 3600 };
/** States of a job whose members are being, or were, trained (a failed one is retried by the pool). */
const LIVE = ['active', 'waiting', 'delayed', 'prioritized', 'paused', 'completed'] as const;

const hash = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 16);
/** A member is its run id and its exact experiment (an edited sweep file makes new members). */
const memberKey = (runId: string, spec: unknown) => `${runId}@${hash(spec)}`;

/** Per job: the requests waiting on it and the members already written from it. */
interface Watch {
  reqs: Map<string, RunRequest>;
  written: Map<string, RunResult>;
}

/** Members already in a live job of this sweep (read from the queue once), and the jobs' watches. */
class EnsembleJobs {
  readonly rates = new WorkerRates();
  private readonly watches = new Map<string, Watch>();
  private index?: Promise<Map<string, string>>;

  constructor(
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly sweep: string,
    private readonly log: (line: string) => void,
  ) {
    events.on('progress', ({ jobId, data }) => this.onProgress(jobId, data));
  }

  /** member key → id of the live job of this sweep holding it. */
  known(): Promise<Map<string, string>> {
    return (this.index ??= this.queue.getJobs([...LIVE]).then((jobs) => {
      const map = new Map<string, string>();
      for (const j of jobs) {
        if (j?.name !== 'ensemble' || !j.id?.startsWith(`${this.sweep}--ens--`)) continue;
        for (const r of (j.data as EnsembleJobData).runs ?? []) map.set(memberKey(r.runId, r.spec), j.id);
      }
      return map;
    }));
  }

  /** Writes every requested member the worker reports finished, once. */
  private take(jobId: string, finished: RunJobResult[]): number {
    const w = this.watches.get(jobId);
    if (!w) return 0;
    let added = 0;
    for (const r of finished) {
      const req = w.reqs.get(r.runId);
      if (!req || w.written.has(r.runId)) continue;
      w.written.set(r.runId, { ok: true, summary: writeRun(req.out, r) });
      added++;
    }
    return added;
  }

  /** A worker's progress, validated on arrival; a malformed one is logged and ignored. */
  private onProgress(jobId: string, data: unknown): void {
    const p = EnsembleProgress.safeParse(data);
    if (!p.success) {
      if (this.watches.has(jobId)) this.log(`queue: job ${jobId} reported malformed progress (${p.error.issues[0]?.message}); ignored`);
      return;
    }
    this.rates.record(jobId, p.data, this.take(jobId, p.data.finished));
  }

  /** The job for `reqs` (found, retried when failed, or added) and its watch. */
  async jobFor(jobId: string, reqs: RunRequest[]): Promise<{ job: Job; w: Watch }> {
    const w: Watch = this.watches.get(jobId) ?? { reqs: new Map(), written: new Map() };
    for (const r of reqs) w.reqs.set(r.runId, r);
    this.watches.set(jobId, w);
    let job = await Job.fromId(this.queue, jobId);
    if (job && (await job.getState()) === 'failed') await job.retry('failed');
    const data: EnsembleJobData = { sweep: this.sweep, runs: reqs.map((r) => ({ runId: r.runId, spec: r.spec as unknown as Record<string, unknown> })) };
    job ??= await this.queue.add('ensemble', data, { jobId, attempts: 1, removeOnComplete: KEEP, removeOnFail: KEEP });
    return { job, w };
  }

  /** Waits for one job and returns a result per request in `w` (in its order). */
  async follow(job: Job, w: Watch, signal: AbortSignal): Promise<RunResult[]> {
    if (job.progress) this.onProgress(job.id!, job.progress);
    const ended = await Promise.race([job.waitUntilFinished(this.events).then((v: unknown) => ({ v }), (err: Error) => ({ err })), whenAborted(job, signal)]);
    if (ended === 'aborted') return [...w.reqs.keys()].map(() => ({ ok: false, reason: 'cancelled' }));
    if ('v' in ended) {
      const parsed = EnsembleJobResult.safeParse(ended.v);
      if (parsed.success) this.take(job.id!, parsed.data.members);
      else this.log(`queue: job ${job.id} returned a malformed result (${parsed.error.issues[0]?.message}); its unreported members count as crashed`);
    } else {
      // Members finished before the failure are in its progress: kept; the pool retries the rest.
      const latest = await Job.fromId(this.queue, job.id!).catch(() => undefined);
      if (latest?.progress) this.onProgress(job.id!, latest.progress);
    }
    const why = 'err' in ended ? `job ${job.id} failed on a worker: ${ended.err.message}` : `job ${job.id}: no result for this member`;
    return [...w.reqs.keys()].map((id) => w.written.get(id) ?? { ok: false, reason: why });
  }
}

/** Resolves when the sweep is stopped, removing the job if it has not started. */
function whenAborted(job: Job, signal: AbortSignal): Promise<'aborted'> {
  return new Promise((resolve) => {
    const stop = () => {
      void job.remove().catch(() => {}); // a waiting job goes; an active one finishes and is kept for a resume
      resolve('aborted');
    };
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
}

/** The requests grouped by job: members already in a live job wait for it, the others get one new job. */
async function byJob(jobs: EnsembleJobs, sweep: string, reqs: RunRequest[]): Promise<Map<string, RunRequest[]>> {
  const known = await jobs.known();
  const groups = new Map<string, RunRequest[]>();
  const fresh: RunRequest[] = [];
  for (const r of reqs) {
    const id = known.get(memberKey(r.runId, r.spec));
    if (id) groups.set(id, [...(groups.get(id) ?? []), r]);
    else fresh.push(r);
  }
  if (fresh.length) {
    const id = `${sweep}--ens--${hash(fresh.map((r) => memberKey(r.runId, r.spec)))}`;
    groups.set(id, fresh);
    for (const r of fresh) known.set(memberKey(r.runId, r.spec), id);
  }
  return groups;
}

export function queueEnsembles(queue: Queue, events: QueueEvents, sweep: string, log: (line: string) => void) {
  const jobs = new EnsembleJobs(queue, events, sweep, log);
  const launch: EnsembleLaunch = async (reqs, signal) => {
    const results = new Map<string, RunResult>();
    const groups = await byJob(jobs, sweep, reqs);
    await Promise.all(
      [...groups.entries()].map(async ([id, rs]) => {
        const { job, w } = await jobs.jobFor(id, rs);
        const out = await jobs.follow(job, w, signal);
        [...w.reqs.keys()].forEach((runId, i) => results.set(runId, out[i]));
      }),
    );
    // A member that did not finish is retried alone by the pool, in a job of its own.
    const known = await jobs.known();
    for (const r of reqs) if (!results.get(r.runId)?.ok) known.delete(memberKey(r.runId, r.spec));
    return reqs.map((r) => results.get(r.runId) ?? { ok: false, reason: 'no result from the queue' });
  };
  return { launch, rates: jobs.rates };
}
