// The coordinator's RunLauncher over a BullMQ queue: each run the sweep asks for becomes a job with a
// deterministic id, a worker somewhere trains it, and its files come back in the job's return value
// and are written into the sweep folder exactly as a local run writes them. The pool and the book are
// unchanged, so resume, retries and the summary work as for a local sweep.
import { createHash } from 'node:crypto';
import { Job, Queue, QueueEvents } from 'bullmq';
import { QUEUE_NAME, QUEUE_PREFIX, type RunJobData, RunJobResult } from '../../protocol/queueMessages';
import { RunFiles } from '../../store/runFolder';
import type { EnsembleLaunch, RunLauncher, RunResult } from '../runPool';
import { queueEnsembles } from './queueEnsembles';
import { type QueueTarget, explain } from './redisConnection';
import { readWorkers } from './workerNames';

/** Job ids say which run of which sweep they are, and change when the experiment does. */
export function jobIdFor(sweep: string, runId: string, spec: unknown): string {
  const hash = createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 16);
  return `${sweep}--${runId}--${hash}`;
}

export interface QueueLauncher {
  launch: RunLauncher;
  /** Runs sharing an ensembleKey as one ensemble job (queueEnsembles.ts). */
  launchEnsemble: EnsembleLaunch;
  /** Jobs the workers last seen connected take at once (at least 1): what the pool splits a group over. */
  lanes: () => number;
  /** Workers connected to the queue now, and their hosts (worker names are host:pid:slotsN, workerNames.ts). */
  workers(): Promise<{ count: number; hosts: string[] }>;
  close(): Promise<void>;
}

/** Writes the run folder from a worker's result, as a local run leaves it (the store's RunFiles). */
export function writeRun(out: string, r: RunJobResult) {
  const files = new RunFiles(out, r.runId);
  const summary = { ...r.summary, runDir: files.dir, host: r.host };
  files.writeReceived({ experiment: r.experiment, events: r.events, summary });
  return summary;
}

/** A job already in the queue (a restarted coordinator, or a retry) is reused, never added twice. */
async function findOrAddJob(queue: Queue, jobId: string, data: RunJobData): Promise<Job> {
  // A finished one gives its result at once, a failed one is retried, a waiting one is waited for.
  const job = await Job.fromId<RunJobData, unknown>(queue, jobId);
  if (job && (await job.getState()) === 'failed') await job.retry('failed');
  return job ?? (await queue.add('run', data, { jobId, attempts: 1, removeOnComplete: { age: 7 * 24 * 3600 }, removeOnFail: { age: 7 * 24 * 3600 } }));
}

/** Resolves as cancelled when the sweep is stopped, removing the job if it has not started. */
function whenAborted(job: Job, signal: AbortSignal): Promise<RunResult> {
  return new Promise<RunResult>((resolve) => {
    const stop = () => {
      void job.remove().catch(() => {}); // a waiting job goes; an active one finishes and is kept for a resume
      resolve({ ok: false, reason: 'cancelled' });
    };
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
}

/** The job's return value checked and written into the sweep folder; a malformed one counts as a crash. */
function jobResult(value: unknown, jobId: string, out: string, log: (line: string) => void): RunResult {
  const parsed = RunJobResult.safeParse(value);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'result'}: ${i.message}`).slice(0, 3).join('; ');
    log(`queue: job ${jobId} returned a malformed result (${why}); counted as a crashed run`);
    return { ok: false, reason: `job ${jobId}: malformed result (${why})` };
  }
  return { ok: true, summary: writeRun(out, parsed.data) };
}

/** How often the coordinator prints the workers' member-steps per second (when they changed). */
const RATES_MS = 5000;

export async function queueLauncher(target: QueueTarget, sweep: string, log: (line: string) => void): Promise<QueueLauncher> {
  const connection = target.options;
  const queue = new Queue(QUEUE_NAME, { connection, prefix: QUEUE_PREFIX });
  const events = new QueueEvents(QUEUE_NAME, { connection, prefix: QUEUE_PREFIX });
  queue.on('error', (err) => log(`queue: ${explain(target, err)}`));
  events.on('error', (err) => log(`queue events: ${explain(target, err)}`));
  await events.waitUntilReady();

  const launch: RunLauncher = async (req, signal): Promise<RunResult> => {
    const jobId = jobIdFor(sweep, req.runId, req.spec);
    const data: RunJobData = { spec: req.spec as unknown as Record<string, unknown>, runId: req.runId, sweep };
    const job = await findOrAddJob(queue, jobId, data);
    const aborted = whenAborted(job, signal);
    const finished = job.waitUntilFinished(events).then(
      (value): RunResult => jobResult(value, jobId, req.out, log),
      (err: Error): RunResult => ({ ok: false, reason: `job ${jobId} failed on a worker: ${err.message}` }),
    );
    return Promise.race([finished, aborted]);
  };

  const ensembles = queueEnsembles(queue, events, sweep, log);
  let lanes = 1;
  const workers = async () => {
    const { count, hosts, slots } = readWorkers(await queue.getWorkers());
    // A group is split over every job the workers take at once, not over the worker processes.
    lanes = Math.max(1, slots);
    return { count, hosts };
  };
  await workers().catch(() => undefined);
  // A line per worker with its member-steps per second, whenever a worker reported more.
  const ratesTimer = setInterval(() => ensembles.rates.changed().forEach(log), RATES_MS);
  return {
    launch,
    launchEnsemble: ensembles.launch,
    lanes: () => lanes,
    workers,
    async close() {
      clearInterval(ratesTimer);
      ensembles.rates.changed().forEach(log);
      await Promise.allSettled([events.close(), queue.close()]);
    },
  };
}
