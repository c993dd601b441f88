// Runs a sweep: per (variant, T) a search over m, each cell `seeds` ordinary runs executed by a pool
// of workers. Every run lives on disk under <sweepDir>/runs/, so a rerun reuses what finished.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import * as path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { Experiment } from '../core/experimentSpec';
import { type CellOutcome, cellSucceeds, estimateMStar, fitScaling, verdict } from '../core/sampleComplexity';
import { rngFor } from '../core/seededRandom';
import { nextSizes, plannedCells } from '../core/sizeSearch';
import { type CellKey, type Sweep, candidateSizes, cellExperiment, cellRunId, variantLabels } from '../core/sweepSpec';
import type { RunSummary } from '../protocol/runEvents';
import type { SweepEvent, SweepPoint, SweepSummary, VariantResult } from '../protocol/sweepEvents';
import { readSummary } from './runFiles';

export const DEFAULT_SWEEP_OUT = path.join('.sparse-attention', 'sweeps');

export interface RunRequest {
  spec: Experiment;
  runId: string;
  /** The runs folder; the run writes <out>/<runId>/. */
  out: string;
}
export type RunResult = { ok: true; summary: RunSummary } | { ok: false; reason: string };
/** Executes one run to completion (or until `signal` aborts it). The real one forks the CLI. */
export type RunLauncher = (req: RunRequest, signal: AbortSignal) => Promise<RunResult>;

export interface SweepOptions {
  sweepDir: string;
  workers: number;
  launch: RunLauncher;
  onEvent?: (e: SweepEvent) => void;
  signal?: AbortSignal;
}

const FINISHED = new Set(['succeeded', 'not-reached', 'diverged']);

interface CellState extends CellOutcome {
  key: CellKey;
  pending: number;
  failedRuns: number;
  reused: number;
}

/** A finished run whose stored experiment is exactly this cell's (an edited sweep file reruns). */
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

export async function runSweep(sweep: Sweep, opts: SweepOptions): Promise<SweepSummary> {
  const started = Date.now();
  const sweepDir = path.resolve(opts.sweepDir);
  const runsDir = path.join(sweepDir, 'runs');
  mkdirSync(runsDir, { recursive: true });
  writeFileSync(path.join(sweepDir, 'sweep.json'), JSON.stringify(sweep, null, 2) + '\n');
  const emit = (e: SweepEvent) => {
    appendFileSync(path.join(sweepDir, 'events.jsonl'), JSON.stringify(e) + '\n');
    opts.onEvent?.(e);
  };

  const labels = variantLabels(sweep);
  const candidates = candidateSizes(sweep);
  const Ts = [...sweep.contextLengths].sort((a, b) => a - b);
  const searches = labels.flatMap((_, variant) => Ts.map((T) => ({ variant, T, known: new Map<number, boolean>(), busy: false })));
  const cells = new Map<string, CellState>();
  const cellId = (k: CellKey) => `${k.variant}/${k.T}/${k.m}`;
  let plannedRuns = searches.length * plannedCells(candidates, sweep.search) * sweep.seeds;
  let runsDone = 0;
  let runsExecuted = 0;
  let runsReused = 0;
  let runsFailed = 0;
  const signal = opts.signal ?? new AbortController().signal;

  emit({
    type: 'sweep-started',
    name: sweep.name,
    sweepDir,
    variants: labels,
    contextLengths: Ts,
    candidates,
    plannedRuns,
    workers: opts.workers,
  });

  const pointFor = (variant: number, T: number): SweepPoint => {
    const own = [...cells.values()].filter((c) => c.key.variant === variant && c.key.T === T && c.pending === 0);
    const outcomes = own.map((c) => ({ m: c.m, successes: c.successes, trials: c.trials }));
    const est = estimateMStar(outcomes, sweep.successRate, rngFor(sweep.base.seed, 'bootstrap'));
    return {
      T,
      ...est,
      cells: own.sort((a, b) => a.m - b.m).map((c) => ({ m: c.m, successes: c.successes, trials: c.trials, failedRuns: c.failedRuns })),
    };
  };
  const variantResult = (variant: number): VariantResult => {
    const points = Ts.map((T) => pointFor(variant, T));
    const fits = fitScaling(points.filter((p) => p.mStar !== null).map((p) => ({ T: p.T, m: p.mStar! })));
    const v = fits ? verdict(fits) : null;
    return { label: labels[variant], points, fits, best: v?.best ?? null, verdict: v?.text ?? null };
  };

  // Queue of runs; each belongs to a cell. Runs of one cell may execute on different workers.
  const queue: { cell: CellState; k: number; attempt: number }[] = [];
  let active = 0;

  await new Promise<void>((resolve) => {
    const finishRun = (cell: CellState, summary: RunSummary | null, reused: boolean) => {
      cell.pending--;
      runsDone++;
      if (summary) {
        cell.trials++;
        if (summary.status === 'succeeded') cell.successes++;
        if (reused) {
          cell.reused++;
          runsReused++;
        }
      } else {
        cell.failedRuns++;
        runsFailed++;
      }
      if (cell.pending > 0) return;
      const search = searches.find((s) => s.variant === cell.key.variant && s.T === cell.key.T)!;
      const ok = cellSucceeds(cell, sweep.successRate);
      search.known.set(cell.m, ok);
      search.busy = false;
      emit({
        type: 'cell-finished',
        variant: labels[cell.key.variant],
        T: cell.key.T,
        m: cell.m,
        successes: cell.successes,
        trials: cell.trials,
        failedRuns: cell.failedRuns,
        reused: cell.reused,
        succeeded: ok,
        runsDone,
        plannedRuns,
      });
      emit({ type: 'mstar-updated', variant: labels[cell.key.variant], point: pointFor(cell.key.variant, cell.key.T) });
      const r = variantResult(cell.key.variant);
      if (r.fits && r.best && r.verdict) emit({ type: 'fit-updated', variant: r.label, fits: r.fits, best: r.best, verdict: r.verdict });
    };

    const refill = () => {
      if (signal.aborted) return;
      for (const search of searches) {
        if (search.busy) continue;
        for (const size of nextSizes(candidates, sweep.search, search.known)) {
          const key = { variant: search.variant, T: search.T, m: size };
          if (cells.has(cellId(key))) continue;
          const cell: CellState = { key, m: size, successes: 0, trials: 0, pending: sweep.seeds, failedRuns: 0, reused: 0 };
          cells.set(cellId(key), cell);
          search.busy = true;
          emit({ type: 'cell-started', variant: labels[key.variant], T: key.T, m: size });
          for (let k = 0; k < sweep.seeds; k++) queue.push({ cell, k, attempt: 1 });
        }
      }
    };

    const pump = () => {
      refill();
      while (queue.length && !signal.aborted) {
        const job = queue.shift()!;
        const spec = cellExperiment(sweep, job.cell.key, job.k);
        const runId = cellRunId(sweep, job.cell.key, job.k);
        const runDir = path.join(runsDir, runId);
        const done = reusable(runDir, spec);
        if (done) {
          finishRun(job.cell, done, true);
          refill();
          continue;
        }
        if (active >= opts.workers) {
          queue.unshift(job);
          break;
        }
        rmSync(runDir, { recursive: true, force: true }); // a cancelled or killed attempt
        active++;
        runsExecuted++;
        opts.launch({ spec, runId, out: runsDir }, signal).then(
          (result) => settle(job, result),
          (err) => settle(job, { ok: false, reason: (err as Error).message }),
        );
      }
      if (active === 0 && (queue.length === 0 || signal.aborted)) resolve();
    };

    const settle = (job: (typeof queue)[number], result: RunResult) => {
      active--;
      if (signal.aborted) {
        if (active === 0) resolve();
        return;
      }
      const runId = cellRunId(sweep, job.cell.key, job.k);
      if (result.ok && FINISHED.has(result.summary.status)) {
        finishRun(job.cell, result.summary, false);
      } else {
        const reason = result.ok ? `run ended with status ${result.summary.status}${result.summary.error ? `: ${result.summary.error}` : ''}` : result.reason;
        emit({ type: 'run-failed', runId, attempt: job.attempt, reason });
        if (job.attempt === 1) {
          queue.unshift({ ...job, attempt: 2 }); // a crashed cell run is retried once
          plannedRuns++;
        } else {
          finishRun(job.cell, null, false);
        }
      }
      pump();
    };

    pump();
  });

  const [main, ...compare] = labels.map((_, v) => variantResult(v));
  const summary: SweepSummary = {
    type: 'sweep-summary',
    name: sweep.name,
    status: signal.aborted ? 'cancelled' : 'completed',
    ...main,
    sweepDir,
    compare,
    runsExecuted,
    runsReused,
    runsFailed,
    wallSeconds: Math.round((Date.now() - started) / 100) / 10,
  };
  writeFileAtomic.sync(path.join(sweepDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  emit(summary);
  return summary;
}

export function readSweepSummary(sweepDir: string): SweepSummary | undefined {
  const file = path.join(sweepDir, 'summary.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SweepSummary) : undefined;
}
