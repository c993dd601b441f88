// The bookkeeping half of a sweep: which cells the searches want next, what each finished run adds
// to its cell, m* and the fits after every cell, and the summary. Pure (no files, no processes): the
// runner feeds it run outcomes and writes out the events it emits, so it is tested on its own.
import { cellAccuracy } from './cellAccuracy';
import type { CellCounts, CellStatus } from './cellOutcome';
import { cellStatus } from './cellOutcome';
import { describeProtocol } from './describeProtocol';
import { untilText } from './verdictWords';
import { rngFor } from '../spec/seededRandom';
import { nextSizes, plannedCells } from './sizeSearch';
import { type CellKey, type Sweep, candidateSizes, variantLabels } from '../spec/sweepSpec';
import { type PointCells, type Running, type VariantAnalysis, analyseVariant } from './verdict';
import type { SweepEvent, SweepSummary, UntilOutcome, VariantResult } from '../../protocol/sweepEvents';

/** A run's contribution to its cell: it trained to an answer, crashed on every attempt, or was refused (with the trainer's reason). */
export type RunRecord = { kind: 'finished'; succeeded: boolean; reused: boolean; host?: string; testAccuracy?: number | null } | { kind: 'crashed' } | { kind: 'refused'; reason: string };

interface Cell extends CellCounts {
  key: CellKey;
  pending: number;
  /** Runs asked for so far: the next seed added to the cell is seed index `launched`. */
  launched: number;
  reused: number;
  /** Queue workers' machines that trained its runs, as the runner words them (with backend and adapter). */
  hosts: Set<string>;
  /** Final test accuracies of the finished runs, for the cell's median and mean (cellAccuracy.ts). */
  accuracies: number[];
}

interface Search {
  variant: number;
  T: number;
  known: Map<number, CellStatus>;
  busy: boolean;
}

export class SweepBook {
  readonly labels: string[];
  private readonly Ts: number[];
  /** Runs added to existing cells (sweep `until`), not yet handed to the runner. */
  private extraRuns: { key: CellKey; k: number }[] = [];
  private readonly candidates: number[];
  private readonly searches: Search[];
  private readonly cells = new Map<string, Cell>();
  private plannedRuns: number;
  private runsDone = 0;
  runsReused = 0;
  runsFailed = 0;
  /** Of runsFailed, the runs the trainer refused (not retried), and their distinct reasons. */
  runsRefused = 0;
  private readonly refusals = new Set<string>();

  constructor(private readonly sweep: Sweep, private readonly emit: (e: SweepEvent) => void) {
    this.labels = variantLabels(sweep);
    this.Ts = [...sweep.contextLengths].sort((a, b) => a - b);
    this.candidates = candidateSizes(sweep);
    this.searches = this.labels.flatMap((_, variant) => this.Ts.map((T) => ({ variant, T, known: new Map<number, CellStatus>(), busy: false })));
    this.plannedRuns = this.searches.length * plannedCells(this.candidates, sweep.search) * sweep.seeds;
  }

  start(info: { sweepDir: string; workers: number }): void {
    this.emit({
      type: 'sweep-started',
      name: this.sweep.name,
      sweepDir: info.sweepDir,
      variants: this.labels,
      protocols: this.labels.map((_, v) => describeProtocol(this.sweep, v)),
      successRate: this.sweep.successRate,
      successWhen: this.sweep.successWhen,
      contextLengths: this.Ts,
      candidates: this.candidates,
      plannedRuns: this.plannedRuns,
      workers: info.workers,
    });
  }

  /**
   * The cells the searches ask for now, each marked started (cell-started emitted). A search waits
   * while its cell runs, and stops at an incomplete cell: stepping past it would assume its outcome.
   */
  nextCells(): CellKey[] {
    const out: CellKey[] = [];
    for (const search of this.searches) {
      if (search.busy) continue;
      for (const m of nextSizes(this.candidates, this.sweep.search, search.known)) {
        const key = { variant: search.variant, T: search.T, m };
        if (this.cells.has(cellId(key))) continue;
        this.cells.set(cellId(key), { key, m, successes: 0, trials: 0, failedRuns: 0, pending: this.sweep.seeds, launched: this.sweep.seeds, reused: 0, hosts: new Set(), accuracies: [] });
        search.busy = true;
        this.emit({ type: 'cell-started', variant: this.labels[key.variant], T: key.T, m });
        out.push(key);
      }
    }
    return out;
  }

  /** Every run to start now: `seeds` per cell the searches ask for, then the seeds added to cells (addSeeds). */
  nextRuns(): { key: CellKey; k: number }[] {
    const fresh = this.nextCells().flatMap((key) => Array.from({ length: this.sweep.seeds }, (_, k) => ({ key, k })));
    const extra = this.extraRuns;
    this.extraRuns = [];
    return [...fresh, ...extra];
  }

  /** `until`: `seeds` more runs at finished cells of one variant (their search waits for them; the cell is reported again). */
  addSeeds(variant: number, cells: { T: number; m: number }[], seeds: number): void {
    for (const { T, m } of cells) {
      const cell = this.cells.get(cellId({ variant, T, m }));
      if (!cell || cell.pending > 0) continue;
      cell.pending += seeds;
      this.plannedRuns += seeds;
      this.searchOf(variant, T).busy = true;
      for (let i = 0; i < seeds; i++) this.extraRuns.push({ key: cell.key, k: cell.launched + i });
      cell.launched += seeds;
      this.emit({ type: 'cell-started', variant: this.labels[variant], T, m });
    }
  }

  /** `until`: a new context length, searched for every variant (nextRuns picks its first cells). */
  addContextLength(T: number): void {
    if (this.Ts.includes(T)) return;
    this.Ts.push(T);
    this.Ts.sort((a, b) => a - b);
    this.labels.forEach((_, variant) => this.searches.push({ variant, T, known: new Map(), busy: false }));
    this.plannedRuns += this.contextCost();
  }

  /** Runs a new context length costs at most: every variant's search, `seeds` runs per cell. */
  contextCost(): number {
    return this.labels.length * plannedCells(this.candidates, this.sweep.search) * this.sweep.seeds;
  }

  /** The candidate training-set sizes, ascending. */
  get candidateSizes(): readonly number[] {
    return this.candidates;
  }

  /** Runs recorded so far (finished, crashed or refused; reused ones included). */
  get runsSpent(): number {
    return this.runsDone;
  }

  private searchOf(variant: number, T: number): Search {
    return this.searches.find((s) => s.variant === variant && s.T === T)!;
  }

  /** A failed attempt that will be retried adds a run to the plan. */
  retryPlanned(): void {
    this.plannedRuns++;
  }

  record(key: CellKey, run: RunRecord): void {
    const cell = this.cells.get(cellId(key));
    if (!cell) throw new Error(`no cell ${cellId(key)}`);
    cell.pending--;
    this.runsDone++;
    if (run.kind === 'finished') {
      cell.trials++;
      if (run.succeeded) cell.successes++;
      if (run.host) cell.hosts.add(run.host);
      if (typeof run.testAccuracy === 'number') cell.accuracies.push(run.testAccuracy);
      if (run.reused) {
        cell.reused++;
        this.runsReused++;
      }
    } else {
      cell.failedRuns++;
      this.runsFailed++;
      if (run.kind === 'refused') {
        cell.refused = run.reason;
        this.refusals.add(run.reason);
        this.runsRefused++;
      }
    }
    if (cell.pending > 0) return;
    const search = this.searchOf(key.variant, key.T);
    const status = cellStatus(cell, this.sweep.successRate);
    search.known.set(cell.m, status);
    search.busy = false;
    const label = this.labels[key.variant];
    const { successes, trials, failedRuns, reused } = cell;
    const refused = cell.refused === undefined ? {} : { refused: cell.refused };
    this.emit({ type: 'cell-finished', variant: label, T: key.T, m: cell.m, successes, trials, failedRuns, ...refused, reused, status, ...cellAccuracy(cell.accuracies), runsDone: this.runsDone, plannedRuns: this.plannedRuns });
    const a = this.analyse(key.variant, 0, this.running(key.variant));
    this.emit({ type: 'mstar-updated', variant: label, point: a.points.find((p) => p.T === key.T)! });
    // Whenever there is something to say (a provisional fit, or why there is none yet), say it.
    if (a.verdict !== null) {
      const { points: _points, ...fit } = a;
      this.emit({ type: 'fit-updated', variant: label, ...fit });
    }
  }

  /** Finished cells of one variant, per T, for the core analysis. */
  /** Progress and the T whose search is still open, for a provisional (live) verdict. */
  private running(variant: number): Running {
    const open = this.searches
      .filter((s) => s.variant === variant)
      .filter((s) => s.busy || nextSizes(this.candidates, this.sweep.search, s.known).length > 0)
      .map((s) => s.T);
    return { runsDone: this.runsDone, plannedRuns: Math.max(this.plannedRuns, this.runsDone), open };
  }

  /** One variant's finished cells per T, as the core analyses take them. */
  pointCells(variant: number): PointCells[] {
    return this.Ts.map((T) => ({
      T,
      cells: [...this.cells.values()]
        .filter((c) => c.key.variant === variant && c.key.T === T && c.pending === 0)
        .map(({ m, successes, trials, failedRuns, refused, hosts, accuracies }) => ({
          m, successes, trials, failedRuns,
          ...cellAccuracy(accuracies),
          ...(refused === undefined ? {} : { refused }),
          ...(hosts.size ? { hosts: [...hosts].sort() } : {}),
        })),
    }));
  }

  private analyse(variant: number, bootstrap: number, running?: Running): VariantAnalysis {
    return analyseVariant(this.pointCells(variant), this.sweep.successRate, {
      bootstrap,
      ...(running ? { running } : {}),
      // One stream per variant, drawn afresh, so each variant's shares do not depend on the others.
      rng: rngFor(this.sweep.base.seed + variant, 'verdict'),
      logisticRng: rngFor(this.sweep.base.seed, 'bootstrap'),
    });
  }

  variantResult(variant: number, bootstrap = this.sweep.bootstrap): VariantResult {
    return { label: this.labels[variant], protocol: describeProtocol(this.sweep, variant), ...this.analyse(variant, bootstrap) };
  }

  summary(info: { aborted: boolean; sweepDir: string; runsExecuted: number; wallSeconds: number; until?: UntilOutcome }): SweepSummary {
    // A cancelled sweep reports what it has without spending seconds on a bootstrap.
    const [main, ...compare] = this.labels.map((_, v) => this.variantResult(v, info.aborted ? 0 : this.sweep.bootstrap));
    // With `until` the verdict ends by saying whether its goal was reached.
    if (info.until && this.sweep.until) main.verdict = `${main.verdict ?? ''} ${untilText(info.until, this.sweep.until.support)}`.trim();
    const incompleteCells = [...this.cells.values()]
      .filter((c) => c.pending === 0 && cellStatus(c, this.sweep.successRate) === 'incomplete')
      .map((c) => ({ variant: this.labels[c.key.variant], T: c.key.T, m: c.m }));
    const open = [main, ...compare].flatMap((v) => v.points.filter((p) => p.status === 'incomplete').map((p) => `${v.label} T=${p.T} m=${p.incompleteAt.join('/')}`));
    const status = info.aborted ? 'cancelled' : open.length ? 'incomplete' : 'completed';
    const reason =
      status === 'cancelled'
        ? 'cancelled before every search finished; run the sweep again to continue (finished runs are reused)'
        : status === 'incomplete'
          ? openReason(open, [...this.refusals], this.runsFailed > this.runsRefused)
          : null;
    return {
      type: 'sweep-summary',
      name: this.sweep.name,
      status,
      reason,
      incompleteCells,
      ...main,
      sweepDir: info.sweepDir,
      compare,
      runsExecuted: info.runsExecuted,
      runsReused: this.runsReused,
      runsFailed: this.runsFailed,
      wallSeconds: info.wallSeconds,
      ...(info.until ? { until: info.until } : {}),
    };
  }
}

const cellId = (k: CellKey) => `${k.variant}/${k.T}/${k.m}`;

/**
 * Why m* is open. A refused run would be refused the same way again, so refusals get their reason
 * and no "run it again" advice; only crashes do.
 */
function openReason(open: string[], refusals: string[], crashed: boolean): string {
  const where = `m* is open at ${open.length} context length${open.length > 1 ? 's' : ''}`;
  const retry = 'run the sweep again to retry them (finished runs are reused)';
  if (!refusals.length) return `${where} because runs crashed after a retry (${open.join(', ')}); ${retry}`;
  const refusedText = `${where} because the trainer refused runs (${open.join(', ')}): ${refusals.join('; ')}`;
  return crashed ? `${refusedText}; other runs crashed after a retry: ${retry}` : refusedText;
}
