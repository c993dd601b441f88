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

export function queueEnsembles(queue: Queue, events: QueueEvents, sweep: string, log: (line: string) => void) {
  const rates = new WorkerRates();
  const watches = new Map<string, Watch>();
  let index: Promise<Map<string, string>> | undefined;
  /** member key → id of the live job of this sweep holding it, read from the queue once. */
  const jobIndex = () =>
    (index ??= queue.getJobs([...LIVE]).then((jobs) => {
      const map = new Map<string, string>();
      for (const j of jobs) {
        if (j?.name !== 'ensemble' || !j.id?.startsWith(`${sweep}--ens--`)) continue;
        for (const r of (j.data as EnsembleJobData).runs ?? []) map.set(memberKey(r.runId, r.spec), j.id);
      }
      return map;
    }));

  /** Writes every requested member the worker reports finished, once; a malformed report is ignored. */
  const take = (jobId: string, finished: RunJobResult[]) => {
    const w = watches.get(jobId);
    if (!w) return 0;
    let added = 0;
    for (const r of finished) {
      const req = w.reqs.get(r.runId);
      if (!req || w.written.has(r.runId)) continue;
      w.written.set(r.runId, { ok: true, summary: writeRun(req.out, r) });
      added++;
    }
    return added;
  };
  const onProgress = (jobId: string, data: unknown) => {
    const p = EnsembleProgress.safeParse(data);
    if (!p.success) return void (watches.has(jobId) && log(`queue: job ${jobId} reported malformed progress (${p.error.issues[0]?.message}); ignored`));
    rates.record(jobId, p.data, take(jobId, p.data.finished));
  };
  events.on('progress', ({ jobId, data }) => onProgress(jobId, data));

  /** Waits for one job and returns a result per request in `w`. */
  async function follow(job: Job, w: Watch, signal: AbortSignal): Promise<RunResult[]> {
    if (job.progress) onProgress(job.id!, job.progress);
    const aborted = new Promise<'aborted'>((resolve) => {
      const stop = () => {
        void job.remove().catch(() => {}); // a waiting job goes; an active one finishes and is kept for a resume
        resolve('aborted');
      };
      if (signal.aborted) stop();
      else signal.addEventListener('abort', stop, { once: true });
    });
    const ended = await Promise.race([job.waitUntilFinished(events).then((v: unknown) => ({ v }), (err: Error) => ({ err })), aborted]);
    if (ended === 'aborted') return [...w.reqs.keys()].map(() => ({ ok: false, reason: 'cancelled' }));
    if ('v' in ended) {
      const parsed = EnsembleJobResult.safeParse(ended.v);
      if (parsed.success) take(job.id!, parsed.data.members);
      else log(`queue: job ${job.id} returned a malformed result (${parsed.error.issues[0]?.message}); its unreported members count as crashed`);
    } else {
      // Members finished before the failure are in its progress: kept; the pool retries the rest.
      const latest = await Job.fromId(queue, job.id!).catch(() => undefined);
      if (latest?.progress) onProgress(job.id!, latest.progress);
    }
    const why = 'err' in ended ? `job ${job.id} failed on a worker: ${ended.err.message}` : `job ${job.id}: no result for this member`;
    return [...w.reqs.keys()].map((id) => w.written.get(id) ?? { ok: false, reason: why });
  }

  /** The job for `reqs` (found, retried when failed, or added) and its watch. */
  async function jobFor(jobId: string, reqs: RunRequest[]): Promise<{ job: Job; w: Watch }> {
    const w: Watch = watches.get(jobId) ?? { reqs: new Map(), written: new Map() };
    for (const r of reqs) w.reqs.set(r.runId, r);
    watches.set(jobId, w);
    let job = await Job.fromId(queue, jobId);
    if (job && (await job.getState()) === 'failed') await job.retry('failed');
    const data: EnsembleJobData = { sweep, runs: reqs.map((r) => ({ runId: r.runId, spec: r.spec as unknown as Record<string, unknown> })) };
    job ??= await queue.add('ensemble', data, { jobId, attempts: 1, removeOnComplete: KEEP, removeOnFail: KEEP });
    return { job, w };
  }

  const launch: EnsembleLaunch = async (reqs, signal) => {
    const known = await jobIndex();
    const groups = new Map<string, RunRequest[]>();
    const fresh = reqs.filter((r) => !known.has(memberKey(r.runId, r.spec)));
    for (const r of reqs) {
      const id = known.get(memberKey(r.runId, r.spec));
      if (id) groups.set(id, [...(groups.get(id) ?? []), r]);
    }
    if (fresh.length) {
      const id = `${sweep}--ens--${hash(fresh.map((r) => memberKey(r.runId, r.spec)))}`;
      groups.set(id, fresh);
      for (const r of fresh) known.set(memberKey(r.runId, r.spec), id);
    }
    const results = new Map<string, RunResult>();
    await Promise.all(
      [...groups.entries()].map(async ([id, rs]) => {
        const { job, w } = await jobFor(id, rs);
        const out = await follow(job, w, signal);
        [...w.reqs.keys()].forEach((runId, i) => results.set(runId, out[i]));
      }),
    );
    for (const r of reqs) if (!results.get(r.runId)?.ok) known.delete(memberKey(r.runId, r.spec)); // a retry gets a job of its own
    return reqs.map((r) => results.get(r.runId) ?? { ok: false, reason: 'no result from the queue' });
  };
  return { launch, rates };
}
