// A sweep's plan before it runs. It replays what the sweep will do — the cells the searches ask for
// (sweepBook.ts, sizeSearch.ts), the runs queued for them, and the run pool grouping queued runs that
// share an ensembleKey into ensembles (src/trainer/runPool.ts nextGroup: up to the memory bound and
// an even share of the free processes) — on a clock driven by each ensemble's estimated seconds
// (ensembleCost.ts). A grid is replayed exactly; a bisection along its longest path (every cell
// fails, so the search climbs to the largest sizes): an upper bound. Pure: no files, no timing.
import type { Experiment } from '../spec/experimentSpec';
import { ensembleBytes, ensembleKey } from '../train/ensembleTraining';
import { type Sweep, candidateSizes, cellExperiment, variantLabels } from '../spec/sweepSpec';
import { nextSizes, plannedCells } from './sizeSearch';
import { paddedBatch } from './ensembleCost';
import type { PlannedEnsemble } from '../../protocol/sweepPlan';
import { takeWithin } from './ensembleGroup';

/** Estimated seconds of one ensemble (its members' specs, the largest batch first), or undefined without a calibration. */
export type EnsembleClock = (specs: Experiment[]) => number | undefined;

export interface PlanOptions {
  /** Ensemble processes training at once (`--workers`). */
  parallel: number;
  /** Members one ensemble may hold (ensembleCapacity.ts; 1 with --ensemble off). */
  maxMembers: (spec: Experiment) => number;
  seconds?: EnsembleClock;
  /** Seconds a fresh ensemble process takes to start (tfjs, its backend, its first slow steps), paid once per process. */
  processStart?: number;
  /**
   * Cores the processes share: with more processes than cores each step is slower by parallel/cores
   * (the calibration times one process alone). Default: no slowdown.
   */
  cores?: number;
}

export interface PlanShape {
  plannedRuns: number;
  runsExact: boolean;
  memberSteps: number;
  stepsExact: boolean;
  ensembles: PlannedEnsemble[];
  /** The ensembles' specs, in the order of `ensembles` (the calibration times their shapes). */
  groups: Experiment[][];
  estimatedSeconds: number | null;
  laneSeconds: number[] | null;
}

interface QueuedRun {
  spec: Experiment;
  key: string;
  search: number;
  variant: string;
}

interface Search {
  variant: number;
  T: number;
  /** Sizes still to ask for, in order (a grid: all at once; a bisection: one cell at a time). */
  sizes: number[];
  pending: number;
}

/** The sizes a bisection tries when every cell fails: the longest path, towards the largest sizes. */
export function longestBisection(candidates: number[]): number[] {
  const known = new Map<number, 'failed'>();
  const out: number[] = [];
  for (let next = nextSizes(candidates, 'bisect', known); next.length; next = nextSizes(candidates, 'bisect', known)) {
    out.push(next[0]);
    known.set(next[0], 'failed');
  }
  return out;
}

class PlanReplay {
  readonly queue: QueuedRun[] = [];
  readonly ensembles: PlannedEnsemble[] = [];
  readonly groups: Experiment[][] = [];
  private readonly laneFreeAt: number[];
  private readonly laneUsed: boolean[];
  private readonly running: { end: number; lane: number; key: string; runs: QueuedRun[] }[] = [];
  private readonly activeKeys = new Map<string, number>();
  private readonly labels: string[];
  now = 0;
  timed = true;

  constructor(private readonly sweep: Sweep, readonly searches: Search[], private readonly opts: PlanOptions) {
    this.labels = variantLabels(sweep);
    this.laneFreeAt = Array.from({ length: opts.parallel }, () => 0);
    this.laneUsed = this.laneFreeAt.map(() => false);
  }

  /** Queues the next cell of every idle search (sweepBook.nextCells: seeds runs per cell, searches in order). */
  askCells(): void {
    this.searches.forEach((s, i) => {
      if (s.pending > 0 || !s.sizes.length) return;
      const sizes = this.sweep.search === 'grid' ? s.sizes.splice(0) : s.sizes.splice(0, 1);
      for (const m of sizes) {
        for (let k = 0; k < this.sweep.seeds; k++) {
          const spec = cellExperiment(this.sweep, { variant: s.variant, T: s.T, m }, k);
          this.queue.push({ spec, key: ensembleKey(spec), search: i, variant: this.labels[s.variant] });
          s.pending++;
        }
      }
    });
  }

  /** runPool.ts nextGroup: the first queued run and those sharing its key, up to memory and an even share. */
  private nextGroup(): QueuedRun[] {
    const first = this.queue.shift()!;
    const same = (r: QueuedRun) => r.key === first.key;
    const idle = Math.max(1, this.opts.parallel - (this.activeKeys.get(first.key) ?? 0));
    const evenShare = Math.ceil((1 + this.queue.filter(same).length) / idle);
    return takeWithin(first, this.queue, same, evenShare, this.opts.maxMembers);
  }

  launch(): void {
    while (this.running.length < this.opts.parallel && this.queue.length) {
      const group = this.nextGroup();
      const specs = group.map((r) => r.spec).sort((a, b) => b.data.trainSize - a.data.trainSize);
      const lane = this.laneFreeAt.findIndex((_, l) => !this.running.some((r) => r.lane === l));
      const slowdown = Math.max(1, this.opts.parallel / (this.opts.cores ?? this.opts.parallel));
      const timed = this.opts.seconds?.(specs);
      const estimate = timed === undefined ? undefined : timed * slowdown;
      if (estimate === undefined) this.timed = false;
      const start = this.laneUsed[lane] ? 0 : (this.opts.processStart ?? 0);
      const seconds = (estimate ?? 0) + start;
      this.laneUsed[lane] = true;
      this.activeKeys.set(group[0].key, (this.activeKeys.get(group[0].key) ?? 0) + 1);
      this.running.push({ end: this.now + seconds, lane, key: group[0].key, runs: group });
      this.laneFreeAt[lane] += seconds;
      this.groups.push(specs);
      this.ensembles.push({
        variant: group[0].variant, T: specs[0].task.T, members: specs.length, batch: paddedBatch(specs),
        steps: specs[0].training.maxSteps, memoryBytes: ensembleBytes(specs[0], specs.length),
        seconds: estimate === undefined ? null : seconds, lane, startSeconds: estimate === undefined ? null : this.now,
      });
    }
  }

  /** Ends the ensemble that finishes first; its searches may ask for their next cells. */
  finishNext(): void {
    this.running.sort((a, b) => a.end - b.end || a.lane - b.lane);
    const done = this.running.shift()!;
    this.now = done.end;
    this.activeKeys.set(done.key, this.activeKeys.get(done.key)! - 1);
    for (const r of done.runs) this.searches[r.search].pending--;
    this.launch();
    this.askCells();
    this.launch();
  }

  get busy(): boolean {
    return this.running.length > 0;
  }

  laneBusySeconds(): number[] {
    return this.laneFreeAt;
  }
}

export function planShape(sweep: Sweep, opts: PlanOptions): PlanShape {
  const candidates = candidateSizes(sweep);
  const path = sweep.search === 'grid' ? candidates : longestBisection(candidates);
  const Ts = [...sweep.contextLengths].sort((a, b) => a - b);
  const searches = variantLabels(sweep).flatMap((_, variant) => Ts.map((T) => ({ variant, T, sizes: [...path], pending: 0 })));
  const replay = new PlanReplay(sweep, searches, opts);
  replay.askCells();
  replay.launch();
  while (replay.busy) replay.finishNext();
  const memberSteps = replay.ensembles.reduce((sum, e) => sum + e.members * e.steps, 0);
  const plannedRuns = searches.length * plannedCells(candidates, sweep.search) * sweep.seeds;
  return {
    plannedRuns,
    runsExact: sweep.search === 'grid',
    memberSteps,
    stepsExact: sweep.successWhen === 'final',
    ensembles: replay.ensembles,
    groups: replay.groups,
    estimatedSeconds: replay.timed ? replay.now : null,
    laneSeconds: replay.timed ? replay.laneBusySeconds() : null,
  };
}
