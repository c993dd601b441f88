// Runs a sweep: the bookkeeping (src/core/sweep/sweepBook.ts) says which cells to train and turns their
// runs into m*, fits and events; the pool (runPool.ts) trains the runs. This file only joins them
// and writes the sweep folder: sweep.json, events.jsonl (append-only) and summary.json (atomic).
import * as path from 'node:path';
import { SweepBook } from '../core/sweep/sweepBook';
import { type Sweep, cellExperiment } from '../core/spec/sweepSpec';
import { hostLabel } from '../protocol/backendLabel';
import type { SweepEvent, SweepSummary } from '../protocol/sweepEvents';
import type { SweepPlanEvent } from '../protocol/sweepPlan';
import { cellRunId } from '../store/cellRunId';
import { SweepFiles } from '../store/sweepFolder';
import { type EnsemblePlan, type RunLauncher, RunPool } from './runPool';
import { trainUntil } from './untilLoop';

export type { EnsemblePlan, RunLauncher, RunRequest, RunResult } from './runPool';

export interface SweepOptions {
  sweepDir: string;
  /** Runs trained at once (local processes, or jobs kept in a queue); not the queue's workers. */
  parallel: number;
  launch?: RunLauncher;
  /** Train runs that can share a graph as ensembles (runPool.ts); otherwise one run per launch. */
  ensemble?: EnsemblePlan;
  onEvent?: (e: SweepEvent) => void;
  signal?: AbortSignal;
  /** The sweep file it was started from, recorded for the editor's tree. */
  sweepFile?: string;
  /** The plan (core/sweep/sweepPlan.ts), sent as a sweep-plan event after sweep-started, for the ETA. */
  plan?: Omit<SweepPlanEvent, 'type' | 'startedAt'>;
  /** Over a queue: the workers connected now, polled while the sweep runs (queue-status events). */
  queueStatus?: () => Promise<{ count: number; hosts: string[] }>;
  /** The clock `until.maxMinutes` is measured by (ms); tests pass their own. */
  now?: () => number;
}

const QUEUE_STATUS_MS = 5000;

/** Creates the sweep folder (the store's SweepFiles) and returns its writer and the appender of its events. */
function openSweepFolder(sweep: Sweep, sweepDir: string, opts: SweepOptions): { files: SweepFiles; emit: (e: SweepEvent) => void } {
  const files = new SweepFiles(sweepDir);
  files.create(sweep, { sweepFile: opts.sweepFile });
  const emit = (e: SweepEvent) => {
    files.append(e);
    opts.onEvent?.(e);
  };
  return { files, emit };
}

/** Over a queue: a queue-status event now and whenever the connected workers change; returns the stopper. */
async function watchQueue(opts: SweepOptions, emit: (e: SweepEvent) => void): Promise<() => void> {
  let lastStatus = '';
  const pollQueue = async () => {
    const status = await opts.queueStatus?.().catch(() => undefined);
    if (!status || JSON.stringify(status) === lastStatus) return;
    lastStatus = JSON.stringify(status);
    emit({ type: 'queue-status', workers: status.count, hosts: status.hosts });
  };
  await pollQueue();
  const poller = opts.queueStatus ? setInterval(() => void pollQueue(), QUEUE_STATUS_MS) : undefined;
  return () => poller && clearInterval(poller);
}

/** Every cell the searches ask for becomes `seeds` runs (and seeds added by `until` their runs); each finished cell may unlock the next. Resolves when none is left. */
export function trainCells(sweep: Sweep, book: SweepBook, pool: RunPool, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    let outstanding = 0;
    const schedule = () => {
      if (!signal.aborted) {
        for (const { key, k } of book.nextRuns()) {
          outstanding++;
          pool.run(cellExperiment(sweep, key, k), cellRunId(sweep, key, k)).then((outcome) => {
            outstanding--;
            if (outcome.kind === 'finished') {
              book.record(key, { kind: 'finished', succeeded: outcome.summary.status === 'succeeded', reused: outcome.reused, host: hostLabel(outcome.summary), testAccuracy: outcome.summary.testAccuracy });
            }
            if (outcome.kind === 'crashed') book.record(key, { kind: 'crashed' });
            if (outcome.kind === 'refused') book.record(key, { kind: 'refused', reason: outcome.reason });
            schedule();
          });
        }
      }
      if (outstanding === 0) resolve();
    };
    schedule();
  });
}

export async function runSweep(sweep: Sweep, opts: SweepOptions): Promise<SweepSummary> {
  const now = opts.now ?? Date.now;
  const started = now();
  const sweepDir = path.resolve(opts.sweepDir);
  const { files, emit } = openSweepFolder(sweep, sweepDir, opts);
  const signal = opts.signal ?? new AbortController().signal;
  const book = new SweepBook(sweep, emit);
  const pool = new RunPool({
    runsDir: files.runsDir,
    parallel: opts.parallel,
    launch: opts.launch,
    ensemble: opts.ensemble,
    signal,
    onAttemptFailed: (runId, attempt, reason, willRetry, refused) => {
      emit({ type: 'run-failed', runId, attempt, reason, ...(refused ? { refused } : {}) });
      if (willRetry) book.retryPlanned();
    },
  });
  // The event's field keeps its name `workers` (the on-disk format); it is the number trained at once.
  book.start({ sweepDir, workers: opts.parallel });
  if (opts.plan) emit({ type: 'sweep-plan', ...opts.plan, startedAt: new Date(started).toISOString() });
  const stopWatching = await watchQueue(opts, emit);
  await trainCells(sweep, book, pool, signal);
  const until = sweep.until ? await trainUntil(sweep, book, { emit, signal, now, started, train: () => trainCells(sweep, book, pool, signal) }) : undefined;
  stopWatching();
  const summary = book.summary({
    aborted: signal.aborted,
    sweepDir,
    runsExecuted: pool.executed,
    wallSeconds: Math.round((now() - started) / 100) / 10,
    ...(until ? { until } : {}),
  });
  files.writeSummary(summary);
  emit(summary);
  return summary;
}
