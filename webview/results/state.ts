// The panel's view model: every run and sweep the host told us about, built from one `snapshot` and
// then patched by `run-event` / `sweep-event` increments. Pure (no DOM), so it is unit-tested in
// Node. It mirrors the host's RunStore so that a re-sent snapshot and the live increments that
// preceded it always describe the same thing.
import { thinSnapshots } from '../../src/extension/runStore';
import type { HostToPanel, RunView, SweepView } from '../../src/protocol/panelMessages';
import type { RunEvent } from '../../src/protocol/runEvents';
import { type SweepEvent, type SweepPoint, emptyVariant, fitOf, summaryVariants } from '../../src/protocol/sweepEvents';

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
  /** Null until a snapshot or the sweep-started event says it (shown as "success needs …"). */
  successRate: number | null;
  /** Cells being trained right now (cell-started without its cell-finished yet). */
  active: ActiveCell[];
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

function cloneRun(v: RunView): RunModel {
  return { ...v, metrics: [...v.metrics], attention: thinSnapshots([...v.attention]) };
}

function cloneSweep(v: SweepView): SweepModel {
  return { ...v, variants: v.variants.map((x) => ({ ...x, points: [...x.points] })), active: [] };
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
    sweep = { sweepId, name: sweepId, status: 'running', runsDone: 0, plannedRuns: 0, successRate: null, variants: [], active: [] };
    model.sweeps.push(sweep);
  }
  const variant = (label: string, protocol?: string) => {
    let v = sweep.variants.find((x) => x.label === label);
    if (!v) {
      v = emptyVariant(label);
      sweep.variants.push(v);
    }
    if (protocol !== undefined) v.protocol = protocol;
    return v;
  };
  switch (e.type) {
    case 'sweep-started':
      sweep.name = e.name;
      sweep.plannedRuns = e.plannedRuns;
      sweep.successRate = e.successRate;
      e.variants.forEach((label, i) => variant(label, e.protocols[i]));
      break;
    case 'cell-started':
      if (!sweep.active.some((c) => c.variant === e.variant && c.T === e.T && c.m === e.m)) sweep.active.push({ variant: e.variant, T: e.T, m: e.m });
      break;
    case 'cell-finished':
      sweep.active = sweep.active.filter((c) => !(c.variant === e.variant && c.T === e.T && c.m === e.m));
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
      Object.assign(variant(e.variant), fitOf(e));
      break;
    case 'sweep-summary':
      sweep.summary = e;
      sweep.name = e.name;
      sweep.status = e.status;
      sweep.active = [];
      sweep.variants = summaryVariants(e);
      break;
  }
  return { kind: 'sweep', sweepId, added };
}

/** The newest metrics of a run, if any. */
export const latestMetrics = (run: RunModel) => run.metrics[run.metrics.length - 1];

/** A short, stable description of the model for tests and logs: what would change if a message applied. */
export function digest(model: PanelModel): string {
  const runs = model.runs.map((r) => `${r.runId}:${r.status}:${r.metrics.length}:${r.attention.length}`);
  const sweeps = model.sweeps.map((s) => `${s.sweepId}:${s.status}:${s.runsDone}:${s.variants.map((v) => v.points.length).join('/')}`);
  return `runs[${runs.join(',')}] sweeps[${sweeps.join(',')}]`;
}
