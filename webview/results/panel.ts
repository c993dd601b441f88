// What the views share: the model (folded from the host's messages by state.ts), the user's choices
// kept across reloads (vscode.getState/setState), the theme, the way to the host, the render
// scheduler, and the moves between views (select, open a cell, go back). Views get this object and
// nothing else, so none of them reaches into another.
import type { HostToPanel, PanelToHost, SweepCellRef } from '../../src/protocol/panelMessages';
import { RenderScheduler, browserClock } from './renderScheduler';
import { type UiState, type ViewKey, readUiState, withTableRuns } from './selection';
import { type RunModel, type SweepModel, emptyModel } from './state';
import { type Theme, readTheme } from './theme';
import type { PanelView } from './view';

export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

/** Charts redraw at most this often however fast events arrive (the host throttles too). */
const RENDER_INTERVAL_MS = 250;

export class Panel {
  readonly model = emptyModel();
  ui: UiState;
  theme: Theme = readTheme();
  readonly scheduler = new RenderScheduler<string>(RENDER_INTERVAL_MS, (ids) => this.draw(ids), browserClock);
  private views: PanelView[] = [];

  constructor(private readonly vscode: VsCodeApi) {
    this.ui = readUiState(vscode.getState());
  }

  /** The views, in the order they draw (the page frame first: it shows and hides the others). */
  mount(views: PanelView[]): void {
    this.views = views;
  }

  send(m: PanelToHost): void {
    this.vscode.postMessage(m);
  }

  report(level: 'warn' | 'error', message: string): void {
    (level === 'warn' ? console.warn : console.error)(`[results panel] ${message}`);
    this.send({ type: 'log', level, message });
  }

  saveUi(): void {
    this.ui = withTableRuns(this.ui, this.model);
    this.vscode.setState(this.ui);
    // The host exports what is shown (Export Results from the palette): tell it when that changes.
    const selected = this.ui.selected ?? null;
    if (selected !== this.lastShown) {
      this.lastShown = selected;
      this.send({ type: 'shown', selected });
    }
  }

  private lastShown: string | null | undefined;

  /** Asks for a redraw of these views; urgent (user input) on the next frame, else throttled. */
  redraw(ids: string[], urgent = false): void {
    this.scheduler.request(ids, urgent);
  }

  redrawAll(): void {
    this.scheduler.request(
      this.views.map((v) => v.id),
      true,
    );
  }

  /** Draws what is pending now (an export shows what the data says now, not the last frame). */
  flush(): void {
    this.scheduler.flush();
  }

  private draw(ids: Set<string>): void {
    try {
      for (const v of this.views) if (ids.has(v.id)) v.render();
    } catch (err) {
      this.report('error', `drawing failed: ${(err as Error).stack ?? String(err)}`.slice(0, 2000));
    }
  }

  selectedRun(): RunModel | undefined {
    const key = this.ui.selected;
    return key?.startsWith('run:') ? this.model.runs.find((r) => `run:${r.runId}` === key) : undefined;
  }

  selectedSweep(): SweepModel | undefined {
    const key = this.ui.selected;
    return key?.startsWith('sweep:') ? this.model.sweeps.find((s) => `sweep:${s.sweepId}` === key) : undefined;
  }

  /** The drilled-into cell, while its sweep is the one shown. */
  shownCell() {
    const sweep = this.selectedSweep();
    const cell = this.model.cell;
    return cell && sweep && cell.sweepId === sweep.sweepId ? cell : undefined;
  }

  select(key: ViewKey | undefined): void {
    this.model.cell = undefined;
    this.ui.cell = undefined;
    this.ui.selected = key;
    this.saveUi();
    this.redrawAll();
  }

  /** Drill-down: the host reads the cell's run folders and answers `cell-runs`. */
  openCell(variant: string, T: number, m: number): void {
    const sweep = this.selectedSweep();
    if (!sweep) return;
    this.ui.cell = { sweepId: sweep.sweepId, variant, T, m };
    this.saveUi();
    this.send({ type: 'open-cell', ...this.ui.cell });
  }

  /** The host asks for a cell (clicked in the tree): its sweep is shown and the cell opened as if clicked. */
  showCell(ref: SweepCellRef): void {
    if (!this.model.sweeps.some((s) => s.sweepId === ref.sweepId)) {
      this.report('warn', `asked to show a cell of a sweep the panel does not hold: ${ref.sweepId.slice(0, 200)}`);
      return;
    }
    this.ui.selected = `sweep:${ref.sweepId}`;
    this.ui.cell = { sweepId: ref.sweepId, variant: ref.variant, T: ref.T, m: ref.m };
    this.saveUi();
    this.send({ type: 'open-cell', ...this.ui.cell });
  }

  closeCell(): void {
    this.model.cell = undefined;
    this.ui.cell = undefined;
    this.saveUi();
    this.redrawAll();
  }

  /** A late answer for a cell the user has left since (Back, another view): not shown. */
  isStale(msg: HostToPanel): boolean {
    const c = this.ui.cell;
    return msg.type === 'cell-runs' && !(c && c.sweepId === msg.sweepId && c.variant === msg.variant && c.T === msg.T && c.m === msg.m);
  }

  /**
   * Asks for the open cell's runs again when they may have changed: the cell finished while shown, or
   * the panel was shown anew (its first snapshot) with a cell open before.
   */
  refreshCell(msg: HostToPanel): void {
    const c = this.ui.cell;
    if (!c) return;
    const finished = msg.type === 'sweep-event' && msg.sweepId === c.sweepId && msg.event.type === 'cell-finished' && msg.event.variant === c.variant && msg.event.T === c.T && msg.event.m === c.m;
    const reopened = msg.type === 'snapshot' && !this.model.cell && msg.sweeps.some((s) => s.sweepId === c.sweepId);
    if (finished || reopened) this.send({ type: 'open-cell', ...c });
  }
}
