// The scheduler half of a sweep: runs experiments on at most `parallel` launches at a time, reuses a
// finished run found on disk, retries a crashed run once, and stops launching when aborted. It knows
// nothing of cells, m* or fits (sweepBook.ts does); each run's fate comes back as a promise.
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { ensembleKey } from '../core/train/ensembleTraining';
import type { Experiment } from '../core/spec/experimentSpec';
import type { RunSummary } from '../protocol/runEvents';
import { RUN_FILES, readSummary } from '../store/runFolder';
import { takeWithin } from '../core/sweep/ensembleGroup';

export interface RunRequest {
  spec: Experiment;
  runId: string;
  /** The runs folder; the run writes <out>/<runId>/. */
  out: string;
}
/** `refused`: the trainer would not start it (bad input, a step over the backend's memory): it would fail the same way again. */
export type RunResult = { ok: true; summary: RunSummary } | { ok: false; reason: string; refused?: boolean };
/** Executes one run to completion (or until `signal` aborts it). The real one forks the CLI. */
export type RunLauncher = (req: RunRequest, signal: AbortSignal) => Promise<RunResult>;
/** Executes runs that share an ensembleKey as one ensemble; one result per request, in order. */
export type EnsembleLaunch = (reqs: RunRequest[], signal: AbortSignal) => Promise<RunResult[]>;

/** Ensembles: how to launch one, and the most members a run's ensemble may have (memory). */
export interface EnsemblePlan {
  launch: EnsembleLaunch;
  maxMembers: (spec: Experiment) => number;
  /** What a group is split evenly over (default: the parallel launches); over a queue, its workers. */
  lanes?: () => number;
}

/** What became of one run. `crashed`: it failed on every attempt; `refused`: the trainer refused it alone (not retried); `aborted`: the sweep was stopped. */
export type PoolOutcome =
  | { kind: 'finished'; summary: RunSummary; reused: boolean }
  | { kind: 'crashed'; reason: string }
  | { kind: 'refused'; reason: string }
  | { kind: 'aborted' };

/** Statuses of a run that trained to an answer (anything else is a crash to retry). */
const FINISHED = new Set(['succeeded', 'not-reached', 'diverged']);
const ATTEMPTS = 2;

/** A finished run whose stored experiment is exactly this one (an edited sweep file reruns). */
function reusable(runDir: string, spec: Experiment): RunSummary | undefined {
  const summary = readSummary(runDir);
  if (!summary || !FINISHED.has(summary.status)) return undefined;
  try {
    const stored = JSON.parse(readFileSync(path.join(runDir, RUN_FILES.experiment), 'utf8'));
    return JSON.stringify(stored) === JSON.stringify(spec) ? summary : undefined;
  } catch {
    return undefined;
  }
}

interface Job {
  spec: Experiment;
  runId: string;
  attempt: number;
  /** Launch alone: a retry, or a member of an ensemble the trainer refused (the others may fit alone). */
  alone?: boolean;
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
      /** Launches in flight at once: local training processes, or jobs kept in a queue. */
      parallel: number;
      /** One run per launch (forked processes, a queue); unused when `ensemble` is given. */
      launch?: RunLauncher;
      /** When given, queued first attempts that can share an ensemble are launched together. */
      ensemble?: EnsemblePlan;
      signal: AbortSignal;
      /** Every failed attempt, before its retry or before the run is given up as crashed or refused. */
      onAttemptFailed?: (runId: string, attempt: number, reason: string, willRetry: boolean, refused: boolean) => void;
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

  private pumpQueued = false;
  /** Ensembles in flight per ensembleKey. */
  private readonly activeKeys = new Map<string, number>();

  /** Launches on the next turn, so the runs a sweep asks for in one go can be grouped into ensembles. */
  private pump(): void {
    if (this.pumpQueued) return;
    this.pumpQueued = true;
    setImmediate(() => {
      this.pumpQueued = false;
      this.launchQueued();
    });
  }

  /**
   * The next launch: the first queued run, with (ensembles) the queued first attempts that share its
   * ensembleKey, up to its memory bound and to an even share of the parallel launches (a group of 36
   * runs with 2 in parallel: two ensembles of 18 side by side, not one of 36 while the other lane idles later).
   * Retries run alone, so a run that crashes its ensemble cannot take others down twice.
   */
  private nextGroup(): Job[] {
    const first = this.queue.shift()!;
    const plan = this.opts.ensemble;
    if (!plan || first.attempt > 1 || first.alone) return [first];
    const key = ensembleKey(first.spec);
    const same = (j: Job) => j.attempt === 1 && !j.alone && ensembleKey(j.spec) === key;
    // The launches not already training this key share what is queued for it.
    const idle = Math.max(1, (plan.lanes?.() ?? this.opts.parallel) - (this.activeKeys.get(key) ?? 0));
    const evenShare = Math.ceil((1 + this.queue.filter(same).length) / idle);
    return takeWithin(first, this.queue, same, evenShare, plan.maxMembers);
  }

  private launchQueued(): void {
    while (this.active < this.opts.parallel && this.queue.length && !this.opts.signal.aborted) {
      const group = this.nextGroup();
      // A cancelled or killed attempt may have left a partial folder.
      for (const job of group) rmSync(path.join(this.opts.runsDir, job.runId), { recursive: true, force: true });
      this.active++;
      this.executed += group.length;
      const reqs = group.map((job) => ({ spec: job.spec, runId: job.runId, out: this.opts.runsDir }));
      const plan = this.opts.ensemble;
      const key = plan ? ensembleKey(group[0].spec) : '';
      this.activeKeys.set(key, (this.activeKeys.get(key) ?? 0) + 1);
      const launched = plan ? plan.launch(reqs, this.opts.signal) : this.opts.launch!(reqs[0], this.opts.signal).then((r) => [r]);
      launched
        .catch((err): RunResult[] => group.map(() => ({ ok: false, reason: (err as Error).message })))
        .then((results) => {
          this.active--;
          this.activeKeys.set(key, this.activeKeys.get(key)! - 1);
          group.forEach((job, i) => this.settle(job, results[i] ?? { ok: false, reason: 'no result from the trainer' }, group.length));
          this.launchQueued();
        });
    }
  }

  private settle(job: Job, result: RunResult, groupSize: number): void {
    if (this.opts.signal.aborted) return job.done({ kind: 'aborted' });
    if (result.ok && FINISHED.has(result.summary.status)) return job.done({ kind: 'finished', summary: result.summary, reused: false });
    if (!result.ok && result.refused) {
      // A refusal is final for a run launched alone: it would be refused the same way forever. An
      // ensemble is refused for its largest member, so the others are launched alone (no retry spent).
      if (groupSize > 1) return void this.queue.unshift({ ...job, alone: true });
      this.opts.onAttemptFailed?.(job.runId, job.attempt, result.reason, false, true);
      return job.done({ kind: 'refused', reason: result.reason });
    }
    const reason = result.ok
      ? `run ended with status ${result.summary.status}${result.summary.error ? `: ${result.summary.error}` : ''}`
      : result.reason;
    const willRetry = job.attempt < ATTEMPTS;
    this.opts.onAttemptFailed?.(job.runId, job.attempt, reason, willRetry, false);
    if (willRetry) this.queue.unshift({ ...job, attempt: job.attempt + 1 });
    else job.done({ kind: 'crashed', reason });
  }
}
