// The panel's view model: every run and sweep the host told us about, built from one `snapshot` and
// then patched by `run-event` / `sweep-event` increments. Pure (no DOM), so it is unit-tested in
// Node. It mirrors the host's RunStore so that a re-sent snapshot and the live increments that
// preceded it always describe the same thing.
import { cellSucceeds } from '../../src/core/sampleComplexity';
import { thinSnapshots } from '../../src/extension/runStore';
import type { HostToPanel, RunView, SweepView } from '../../src/protocol/panelMessages';
import type { RunEvent } from '../../src/protocol/runEvents';
import type { SweepEvent, SweepPoint } from '../../src/protocol/sweepEvents';

export interface RunModel extends RunView {
  /** The reason from a `failed` event (a RunView only has a status). */
  failure?: string;
}

export interface ActiveCell {
  variant: string;
  T: number;
  m: number;
}

export interface SweepModel extends Omit<SweepView, 'successRate'> {
  /** Null while the sweep is known only from events: the snapshot is what carries it. */
  successRate: number | null;
  /** Cells being trained right now (cell-started without its cell-finished yet). */
  active: ActiveCell[];
  /** Each finished cell's verdict as the sweep reported it, keyed by cellKey(). */
  cellVerdicts: Record<string, boolean>;
}

export interface PanelModel {
  runs: RunModel[];
  sweeps: SweepModel[];
  /** The run or sweep id the host asked to show with its last snapshot. */
  focus?: string;
}

/** What a message changed, so the renderer redraws only that. */
export type Change =
  | { kind: 'snapshot' }
  | { kind: 'run'; runId: string; added: boolean; part: 'info' | 'metrics' | 'attention' }
  | { kind: 'sweep'; sweepId: string; added: boolean };

export const emptyModel = (): PanelModel => ({ runs: [], sweeps: [] });

export const cellKey = (variant: string, T: number, m: number) => `${variant}|${T}|${m}`;

function cloneRun(v: RunView): RunModel {
  return { ...v, metrics: [...v.metrics], attention: thinSnapshots([...v.attention]) };
}

function cloneSweep(v: SweepView): SweepModel {
  return { ...v, variants: v.variants.map((x) => ({ ...x, points: [...x.points] })), active: [], cellVerdicts: {} };
}

/** Applies a message that has already been validated. Mutates the model in place (events arrive often). */
export function applyMessage(model: PanelModel, msg: HostToPanel): Change {
  switch (msg.type) {
    case 'snapshot':
      model.runs = msg.runs.map(cloneRun);
      model.sweeps = msg.sweeps.map(cloneSweep);
      model.focus = msg.focus;
      return { kind: 'snapshot' };
    case 'run-event':
      return applyRunEvent(model, msg.runId, msg.label, msg.event);
    case 'sweep-event':
      return applySweepEvent(model, msg.sweepId, msg.event);
  }
}

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

export function applyRunEvent(model: PanelModel, runId: string, label: string, e: RunEvent): Change {
  let run = model.runs.find((r) => r.runId === runId);
  const added = !run;
  if (!run) {
    run = { runId, label, status: 'running', metrics: [], attention: [] };
    model.runs.push(run);
  }
  switch (e.type) {
    case 'started':
      run.started = e;
      return { kind: 'run', runId, added, part: 'info' };
    case 'metrics':
      upsertByStep(run.metrics, e);
      return { kind: 'run', runId, added, part: 'metrics' };
    case 'attention':
      run.attention = thinSnapshots(upsertByStep(run.attention, e));
      return { kind: 'run', runId, added, part: 'attention' };
    case 'finished':
      run.summary = e.summary;
      run.status = e.summary.status;
      if (e.summary.error) run.failure = e.summary.error;
      return { kind: 'run', runId, added, part: 'info' };
    case 'failed':
      run.status = 'failed';
      run.failure = e.message;
      return { kind: 'run', runId, added, part: 'info' };
  }
}

function upsertPoint(points: SweepPoint[], p: SweepPoint): SweepPoint[] {
  return [...points.filter((x) => x.T !== p.T), p].sort((a, b) => a.T - b.T);
}

export function applySweepEvent(model: PanelModel, sweepId: string, e: SweepEvent): Change {
  let sweep = model.sweeps.find((s) => s.sweepId === sweepId);
  const added = !sweep;
  if (!sweep) {
    sweep = { sweepId, name: sweepId, status: 'running', runsDone: 0, plannedRuns: 0, successRate: null, variants: [], active: [], cellVerdicts: {} };
    model.sweeps.push(sweep);
  }
  const variant = (label: string) => {
    let v = sweep.variants.find((x) => x.label === label);
    if (!v) {
      v = { label, points: [], fits: null, best: null, verdict: null };
      sweep.variants.push(v);
    }
    return v;
  };
  switch (e.type) {
    case 'sweep-started':
      sweep.name = e.name;
      sweep.plannedRuns = e.plannedRuns;
      for (const label of e.variants) variant(label);
      break;
    case 'cell-started':
      if (!sweep.active.some((c) => c.variant === e.variant && c.T === e.T && c.m === e.m)) sweep.active.push({ variant: e.variant, T: e.T, m: e.m });
      break;
    case 'cell-finished':
      sweep.active = sweep.active.filter((c) => !(c.variant === e.variant && c.T === e.T && c.m === e.m));
      sweep.cellVerdicts[cellKey(e.variant, e.T, e.m)] = e.succeeded;
      sweep.runsDone = e.runsDone;
      sweep.plannedRuns = Math.max(e.plannedRuns, e.runsDone);
      break;
    case 'run-failed':
      break;
    case 'mstar-updated': {
      const v = variant(e.variant);
      v.points = upsertPoint(v.points, e.point);
      break;
    }
    case 'fit-updated':
      Object.assign(variant(e.variant), { fits: e.fits, best: e.best, verdict: e.verdict });
      break;
    case 'sweep-summary':
      sweep.summary = e;
      sweep.name = e.name;
      sweep.status = e.status;
      sweep.active = [];
      sweep.variants = [e, ...e.compare].map(({ label, points, fits, best, verdict }) => ({ label, points, fits, best, verdict }));
      break;
  }
  return { kind: 'sweep', sweepId, added };
}

/**
 * Whether a cell met the success rate, consistent with the m* the sweep reported: the verdict the
 * sweep sent for it if the panel saw it live; otherwise, by m*'s definition (the first passing
 * size), every cell below m* failed and the one at m* passed; above m*, the success rule decides
 * (null when the panel does not know the rate). Recomputing everything from the rule alone could
 * contradict the recorded m* if that rule has changed since the sweep ran.
 */
export function cellPassed(sweep: SweepModel, variant: string, point: SweepPoint, cell: { m: number; successes: number; trials: number }): boolean | null {
  const recorded = sweep.cellVerdicts[cellKey(variant, point.T, cell.m)];
  if (recorded !== undefined) return recorded;
  if (point.mStar === null || cell.m < point.mStar) return false;
  if (cell.m === point.mStar) return true;
  return sweep.successRate !== null ? cellSucceeds(cell, sweep.successRate) : null;
}

/** The newest metrics of a run, if any. */
export const latestMetrics = (run: RunModel) => run.metrics[run.metrics.length - 1];

/** A short, stable description of the model for tests and logs: what would change if a message applied. */
export function digest(model: PanelModel): string {
  const runs = model.runs.map((r) => `${r.runId}:${r.status}:${r.metrics.length}:${r.attention.length}`);
  const sweeps = model.sweeps.map((s) => `${s.sweepId}:${s.status}:${s.runsDone}:${s.variants.map((v) => v.points.length).join('/')}`);
  return `runs[${runs.join(',')}] sweeps[${sweeps.join(',')}]`;
}
