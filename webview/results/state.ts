// The panel's view model: every run and sweep the host told us about, built from one `snapshot` and
// then patched by `run-event` / `sweep-event` increments with the same fold the host's RunStore uses
// (src/protocol/viewFold.ts), so a re-sent snapshot and the live increments that preceded it always
// describe the same thing. Pure (no DOM), so it is unit-tested in Node.
import type { HostToPanel, RunView, SweepView } from '../../src/protocol/panelMessages';
import type { RunEvent } from '../../src/protocol/runEvents';
import type { SweepEvent } from '../../src/protocol/sweepEvents';
import { type RunPart, foldRunEvent, foldSweepEvent, newRunView, newSweepView, snapshotUnit, thinSnapshots } from '../../src/protocol/viewFold';
import { runViewLabels } from '../../src/protocol/runLabels';

export type RunModel = RunView;
export type SweepModel = SweepView;

export interface PanelModel {
  runs: RunModel[];
  sweeps: SweepModel[];
  /** The run or sweep id the host asked to show with its last snapshot. */
  focus?: string;
  /** The sweep cell last drilled into, with its runs as the host read them (`cell-runs`). */
  cell?: CellModel;
}

export type CellModel = Extract<HostToPanel, { type: 'cell-runs' }>;

/** What a message changed, so the renderer redraws only that. */
export type Change =
  | { kind: 'snapshot' }
  | { kind: 'run'; runId: string; added: boolean; part: RunPart }
  | { kind: 'sweep'; sweepId: string; added: boolean }
  | { kind: 'cell' };

export const emptyModel = (): PanelModel => ({ runs: [], sweeps: [] });

function cloneRun(v: RunView): RunModel {
  return { ...v, metrics: [...v.metrics], attention: thinSnapshots([...v.attention], snapshotUnit(v)) };
}

function cloneSweep(v: SweepView): SweepModel {
  return { ...v, variants: v.variants.map((x) => ({ ...x, points: [...x.points] })), active: [...v.active] };
}

/** Applies a message that has already been validated. Mutates the model in place (events arrive often). */
export function applyMessage(model: PanelModel, msg: HostToPanel): Change {
  switch (msg.type) {
    case 'snapshot':
      model.runs = msg.runs.map(cloneRun);
      relabel(model.runs);
      model.sweeps = msg.sweeps.map(cloneSweep);
      model.focus = msg.focus;
      return { kind: 'snapshot' };
    case 'run-event':
      return applyRunEvent(model, msg.runId, msg.label, msg.event);
    case 'sweep-event':
      return applySweepEvent(model, msg.sweepId, msg.event);
    case 'cell-runs':
      model.cell = { ...msg, runs: msg.runs.map(cloneRun) };
      return { kind: 'cell' };
    case 'show-cell':
      // The runs come with the `cell-runs` the panel asks for next; until then no cell is drawn.
      // A cell of a sweep the panel does not hold is refused (by the page) and changes nothing.
      if (model.sweeps.some((s) => s.sweepId === msg.sweepId)) model.cell = undefined;
      return { kind: 'cell' };
  }
}

export function applyRunEvent(model: PanelModel, runId: string, label: string, e: RunEvent): Change {
  let run = model.runs.find((r) => r.runId === runId);
  const added = !run;
  if (!run) {
    run = newRunView(runId, label);
    model.runs.push(run);
  }
  const part = foldRunEvent(run, e);
  // A new run or a newly known spec can change which settings tell the runs apart.
  if (added || e.type === 'started') relabel(model.runs);
  return { kind: 'run', runId, added, part };
}

/** Every run's label among the runs the panel holds (src/protocol/runLabels.ts). */
function relabel(runs: RunView[]): void {
  runViewLabels(runs).forEach((label, i) => (runs[i].label = label));
}

export function applySweepEvent(model: PanelModel, sweepId: string, e: SweepEvent): Change {
  let sweep = model.sweeps.find((s) => s.sweepId === sweepId);
  const added = !sweep;
  if (!sweep) {
    sweep = newSweepView(sweepId, sweepId);
    model.sweeps.push(sweep);
  }
  foldSweepEvent(sweep, e);
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
