// The one fold of events into what the results panel shows: the host's RunStore and the webview's
// model both apply events with these functions, so a snapshot the host re-sends and the live events
// the panel applied always describe the same thing. Pure: no vscode, no DOM.
import type { RunView, SweepView } from './panelMessages';
import type { AttentionEvent, RunEvent } from './runEvents';
import { type SweepEvent, type SweepPoint, type VariantResult, emptyVariant, fitOf, summaryVariants } from './sweepEvents';

/** Attention snapshots kept per run for the step slider; beyond it the kept steps are thinned. */
export const MAX_SNAPSHOTS = 50;

/**
 * The snapshots kept: those on the coarsest-needed grid of steps (multiples of unit·2^k, the smallest
 * k that keeps at most `max`), plus the newest. Which snapshots survive depends only on the steps
 * seen, never on the order they arrived in or on when thinning ran: halving the list whenever it
 * overflowed kept 49 live and 26 after a reload for the same 51 events. Grids nest, so a snapshot
 * dropped once is never needed again.
 */
export function thinSnapshots(list: AttentionEvent[], unit = 1, max = MAX_SNAPSHOTS): AttentionEvent[] {
  if (list.length <= max) return list;
  const newest = list[list.length - 1];
  const base = Math.max(1, unit);
  for (let stride = base; ; stride *= 2) {
    const kept = list.filter((e) => e.step % stride === 0 || e === newest);
    if (kept.length <= max || stride > newest.step) return kept.length <= max ? kept : [list[0], newest];
  }
}

/** The grid unit of a run's snapshots: its evaluation interval (they are taken at evaluations). */
export function snapshotUnit(run: RunView): number {
  const every: unknown = (run.started?.spec as { training?: { evalEvery?: unknown } } | undefined)?.training?.evalEvery;
  return typeof every === 'number' && every > 0 ? every : 1;
}

export const newRunView = (runId: string, label: string): RunView => ({ runId, label, status: 'running', metrics: [], attention: [] });

export const newSweepView = (sweepId: string, name: string): SweepView => ({
  sweepId,
  name,
  status: 'running',
  runsDone: 0,
  plannedRuns: 0,
  successRate: null,
  variants: [],
  active: [],
});

/** Replaces the entry with the same step or appends: a live event may repeat one a snapshot already held. */
function upsertByStep<E extends { step: number }>(list: E[], e: E): E[] {
  const i = list.findIndex((x) => x.step === e.step);
  if (i >= 0) {
    list[i] = e;
    return list;
  }
  list.push(e);
  if (list.length > 1 && list[list.length - 2].step > e.step) list.sort((a, b) => a.step - b.step);
  return list;
}

/** Which part of a run an event changed, so a renderer redraws only that. */
export type RunPart = 'info' | 'metrics' | 'attention';

/** Applies one run event in place. A failure's reason is kept on the view, so it survives snapshots. */
export function foldRunEvent(run: RunView, e: RunEvent): RunPart {
  switch (e.type) {
    case 'started':
      run.started = e;
      return 'info';
    case 'metrics':
      upsertByStep(run.metrics, e);
      return 'metrics';
    case 'attention':
      run.attention = thinSnapshots(upsertByStep(run.attention, e), snapshotUnit(run));
      return 'attention';
    case 'finished':
      run.summary = e.summary;
      run.status = e.summary.status;
      if (e.summary.error) run.failure = e.summary.error;
      return 'info';
    case 'failed':
      run.status = 'failed';
      run.failure = e.message;
      return 'info';
  }
}

function upsertPoint(points: SweepPoint[], p: SweepPoint): SweepPoint[] {
  return [...points.filter((x) => x.T !== p.T), p].sort((a, b) => a.T - b.T);
}

function variantOf(sweep: SweepView, label: string): VariantResult {
  let v = sweep.variants.find((x) => x.label === label);
  if (!v) {
    v = emptyVariant(label);
    sweep.variants.push(v);
  }
  return v;
}

/** Applies one sweep event in place. */
export function foldSweepEvent(sweep: SweepView, e: SweepEvent): void {
  switch (e.type) {
    case 'sweep-started':
      sweep.name = e.name;
      sweep.plannedRuns = e.plannedRuns;
      sweep.successRate = e.successRate;
      e.variants.forEach((label, i) => (variantOf(sweep, label).protocol = e.protocols[i]));
      break;
    case 'sweep-plan':
      sweep.plannedRuns = Math.max(e.plannedRuns, sweep.runsDone);
      sweep.plan = { startedAt: e.startedAt, estimatedSeconds: e.estimatedSeconds, runsExact: e.runsExact };
      break;
    case 'cell-started':
      if (!sweep.active.some((c) => c.variant === e.variant && c.T === e.T && c.m === e.m)) sweep.active.push({ variant: e.variant, T: e.T, m: e.m });
      break;
    case 'cell-finished':
      sweep.active = sweep.active.filter((c) => !(c.variant === e.variant && c.T === e.T && c.m === e.m));
      sweep.runsDone = e.runsDone;
      sweep.runsReused = (sweep.runsReused ?? 0) + e.reused;
      sweep.plannedRuns = Math.max(e.plannedRuns, e.runsDone);
      break;
    case 'run-failed':
    case 'sweep-extended':
      break;
    case 'until-progress':
      sweep.untilProgress = [...(sweep.untilProgress ?? []).filter((r) => r.round !== e.round), e];
      break;
    case 'queue-status':
      sweep.queue = { workers: e.workers, hosts: e.hosts };
      break;
    case 'mstar-updated': {
      const v = variantOf(sweep, e.variant);
      v.points = upsertPoint(v.points, e.point);
      break;
    }
    case 'fit-updated':
      Object.assign(variantOf(sweep, e.variant), fitOf(e));
      break;
    case 'sweep-summary':
      sweep.summary = e;
      sweep.name = e.name;
      sweep.status = e.status;
      sweep.active = [];
      sweep.runsDone = e.runsExecuted + e.runsReused + e.runsFailed;
      sweep.variants = summaryVariants(e);
      break;
  }
}
