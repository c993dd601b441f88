// The user's choices (which run or sweep is shown, where each step slider sits, which runs are hidden
// on the curves). These are the only thing kept with vscode.setState: the data itself comes from the
// host's snapshot every time the panel is shown. Pure.
import type { SortOrder } from '../../src/protocol/runsTable';
import type { PanelModel } from './state';

/** `table`: the runs table (every run the panel holds, one row each). */
export type ViewKey = `run:${string}` | `sweep:${string}` | 'table';
/** A slider either follows the newest snapshot or stays on one step. */
export type SliderChoice = 'latest' | { step: number };

export interface UiState {
  selected?: ViewKey;
  /** The last `focus` the host sent and the panel obeyed: a re-sent snapshot repeats it, and must not undo the user's later choice. */
  lastFocus?: string;
  sliders: Record<string, SliderChoice>;
  hiddenRuns: string[];
  /** The runs table's sort, filter and ticked rows. */
  table: RunsTableUi;
  /** The learning curves: every run, or per experiment the mean with its 95 % band across seeds. */
  curveMode: CurveMode;
  /** The sweep cell drilled into, asked for again when the panel is shown anew. */
  cell?: { sweepId: string; variant: string; T: number; m: number };
  /**
   * While the runs table is shown: the runs it lists. After a window reload the host's store starts
   * empty; it reads this (diskState.shownBefore) to load those runs back, so the table returns.
   */
  tableRuns?: string[];
}

export interface RunsTableUi {
  sort?: SortOrder;
  filter: string;
  selected: string[];
}
export type CurveMode = 'runs' | 'bands';

export const emptyUiState = (): UiState => ({ sliders: {}, hiddenRuns: [], table: { filter: '', selected: [] }, curveMode: 'runs' });

const isViewKey = (v: unknown): v is ViewKey => v === 'table' || (typeof v === 'string' && /^(run|sweep):./.test(v));

/** Reads what vscode.getState() returned; anything unexpected (an older version's state) is dropped. */
export function readUiState(raw: unknown): UiState {
  const state = emptyUiState();
  if (!raw || typeof raw !== 'object') return state;
  const r = raw as Record<string, unknown>;
  if (isViewKey(r.selected)) state.selected = r.selected;
  if (typeof r.lastFocus === 'string') state.lastFocus = r.lastFocus;
  if (r.sliders && typeof r.sliders === 'object') {
    for (const [runId, choice] of Object.entries(r.sliders as Record<string, unknown>)) {
      if (choice === 'latest') state.sliders[runId] = 'latest';
      else if (choice && typeof choice === 'object' && Number.isInteger((choice as { step?: unknown }).step)) state.sliders[runId] = { step: (choice as { step: number }).step };
    }
  }
  const c = r.cell as Record<string, unknown> | undefined;
  if (c && typeof c.sweepId === 'string' && typeof c.variant === 'string' && Number.isInteger(c.T) && Number.isInteger(c.m)) {
    state.cell = { sweepId: c.sweepId, variant: c.variant, T: c.T as number, m: c.m as number };
  }
  if (Array.isArray(r.tableRuns)) state.tableRuns = r.tableRuns.filter((x): x is string => typeof x === 'string');
  if (Array.isArray(r.hiddenRuns)) state.hiddenRuns = r.hiddenRuns.filter((x): x is string => typeof x === 'string');
  state.table = readTableUi(r.table);
  if (r.curveMode === 'bands') state.curveMode = 'bands';
  return state;
}

function readTableUi(raw: unknown): RunsTableUi {
  const t: RunsTableUi = { filter: '', selected: [] };
  if (!raw || typeof raw !== 'object') return t;
  const r = raw as Record<string, unknown>;
  const sort = r.sort as Record<string, unknown> | undefined;
  if (sort && typeof sort.key === 'string' && (sort.direction === 'asc' || sort.direction === 'desc')) t.sort = { key: sort.key, direction: sort.direction };
  if (typeof r.filter === 'string') t.filter = r.filter;
  if (Array.isArray(r.selected)) t.selected = r.selected.filter((x): x is string => typeof x === 'string');
  return t;
}

/**
 * The state to save: with the table shown, the runs it lists now (kept as they were while the panel
 * holds none yet, i.e. between a reload and its first snapshot); with another view, none.
 */
export function withTableRuns(ui: UiState, model: PanelModel): UiState {
  const { tableRuns, ...rest } = ui;
  if (ui.selected !== 'table') return rest;
  return { ...rest, tableRuns: model.runs.length ? model.runs.map((r) => r.runId) : tableRuns };
}

export function keyExists(model: PanelModel, key: ViewKey | undefined): key is ViewKey {
  if (!key) return false;
  if (key === 'table') return model.runs.length >= 2; // as the picker offers it
  if (key.startsWith('run:')) return model.runs.some((r) => `run:${r.runId}` === key);
  return model.sweeps.some((s) => `sweep:${s.sweepId}` === key);
}

/**
 * What to show: the host's focus when it names something (it is sent when the user opened a given
 * run), else the user's last choice, else a running run, else the newest run, else the newest sweep.
 */
export function pickSelection(model: PanelModel, current: ViewKey | undefined, focus?: string): ViewKey | undefined {
  if (focus) {
    const run = model.runs.find((r) => r.runId === focus);
    if (run) return `run:${run.runId}`;
    const sweep = model.sweeps.find((s) => s.sweepId === focus);
    if (sweep) return `sweep:${sweep.sweepId}`;
  }
  if (keyExists(model, current)) return current;
  const running = [...model.runs].reverse().find((r) => r.status === 'running');
  if (running) return `run:${running.runId}`;
  const lastRun = model.runs[model.runs.length - 1];
  if (lastRun) return `run:${lastRun.runId}`;
  const lastSweep = model.sweeps[model.sweeps.length - 1];
  return lastSweep ? `sweep:${lastSweep.sweepId}` : undefined;
}

/** The attention snapshot index a slider choice means among snapshots at these steps. */
export function snapshotIndex(steps: number[], choice: SliderChoice | undefined): number {
  if (steps.length === 0) return -1;
  if (!choice || choice === 'latest') return steps.length - 1;
  // The host thins old snapshots, so the chosen step may be gone: take the nearest one kept.
  let best = 0;
  for (let i = 1; i < steps.length; i++) if (Math.abs(steps[i] - choice.step) < Math.abs(steps[best] - choice.step)) best = i;
  return best;
}

/** The choice a slider position means: its last position follows new snapshots as they arrive. */
export function sliderChoiceAt(steps: number[], index: number): SliderChoice {
  return index >= steps.length - 1 ? 'latest' : { step: steps[index] };
}
