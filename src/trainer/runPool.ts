// The scheduler half of a sweep: runs experiments on at most `workers` launches at a time, reuses a
// finished run found on disk, retries a crashed run once, and stops launching when aborted. It knows
// nothing of cells, m* or fits (sweepBook.ts does); each run's fate comes back as a promise.
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import type { Experiment } from '../core/experimentSpec';
import type { RunSummary } from '../protocol/runEvents';
import { readSummary } from './runFiles';

export interface RunRequest {
  spec: Experiment;
  runId: string;
  /** The runs folder; the run writes <out>/<runId>/. */
  out: string;
}
export type RunResult = { ok: true; summary: RunSummary } | { ok: false; reason: string };
/** Executes one run to completion (or until `signal` aborts it). The real one forks the CLI. */
export type RunLauncher = (req: RunRequest, signal: AbortSignal) => Promise<RunResult>;

/** What became of one run. `crashed`: it failed on every attempt; `aborted`: the sweep was stopped. */
export type PoolOutcome = { kind: 'finished'; summary: RunSummary; reused: boolean } | { kind: 'crashed'; reason: string } | { kind: 'aborted' };

/** Statuses of a run that trained to an answer (anything else is a crash to retry). */
const FINISHED = new Set(['succeeded', 'not-reached', 'diverged']);
const ATTEMPTS = 2;

/** A finished run whose stored experiment is exactly this one (an edited sweep file reruns). */
function reusable(runDir: string, spec: Experiment): RunSummary | undefined {
  const summary = readSummary(runDir);
  if (!summary || !FINISHED.has(summary.status)) return undefined;
  try {
    const stored = JSON.parse(readFileSync(path.join(runDir, 'experiment.json'), 'utf8'));
    return JSON.stringify(stored) === JSON.stringify(spec) ? summary : undefined;
  } catch {
    return undefined;
  }
}

interface Job {
  spec: Experiment;
  runId: string;
  attempt: number;
  done: (o: PoolOutcome) => void;
}

export class RunPool {
  private queue: Job[] = [];
  private active = 0;
  /** Launches made (retries included). */
  executed = 0;

  constructor(
    private readonly opts: {
      runsDir: string;
      workers: number;
      launch: RunLauncher;
      signal: AbortSignal;
      /** Every failed attempt, before its retry or before the run is given up as crashed. */
      onAttemptFailed?: (runId: string, attempt: number, reason: string, willRetry: boolean) => void;
    },
  ) {
    opts.signal.addEventListener('abort', () => {
      for (const job of this.queue.splice(0)) job.done({ kind: 'aborted' });
    });
  }

  run(spec: Experiment, runId: string): Promise<PoolOutcome> {
    return new Promise((done) => {
      if (this.opts.signal.aborted) return done({ kind: 'aborted' });
      const summary = reusable(path.join(this.opts.runsDir, runId), spec);
      if (summary) return done({ kind: 'finished', summary, reused: true });
      this.queue.push({ spec, runId, attempt: 1, done });
      this.pump();
    });
  }

  private pump(): void {
    while (this.active < this.opts.workers && this.queue.length && !this.opts.signal.aborted) {
      const job = this.queue.shift()!;
      rmSync(path.join(this.opts.runsDir, job.runId), { recursive: true, force: true }); // a cancelled or killed attempt
      this.active++;
      this.executed++;
      this.opts
        .launch({ spec: job.spec, runId: job.runId, out: this.opts.runsDir }, this.opts.signal)
        .catch((err): RunResult => ({ ok: false, reason: (err as Error).message }))
        .then((result) => {
          this.active--;
          this.settle(job, result);
          this.pump();
        });
    }
  }

  private settle(job: Job, result: RunResult): void {
    if (this.opts.signal.aborted) return job.done({ kind: 'aborted' });
    if (result.ok && FINISHED.has(result.summary.status)) return job.done({ kind: 'finished', summary: result.summary, reused: false });
    const reason = result.ok
      ? `run ended with status ${result.summary.status}${result.summary.error ? `: ${result.summary.error}` : ''}`
      : result.reason;
    const willRetry = job.attempt < ATTEMPTS;
    this.opts.onAttemptFailed?.(job.runId, job.attempt, reason, willRetry);
    if (willRetry) this.queue.unshift({ ...job, attempt: job.attempt + 1 });
    else job.done({ kind: 'crashed', reason });
  }
}
