// The page's frame: the header (title, status badge, the run/sweep picker), the "No results yet"
// note, and the two pages the other views sit in (a run's, a sweep's). It places every view and
// shows only what the selection names: one run, one sweep, a sweep's cell, or the runs table.
import { el } from './dom';
import type { Panel } from './panel';
import type { ViewKey } from './selection';
import type { Change, PanelModel } from './state';
import type { Page, PanelView } from './view';

export class FrameView implements PanelView {
  readonly id = 'list';
  readonly page = 'panel';
  readonly slot = 0;
  readonly nodes: HTMLElement[];
  private readonly title = el('h1', {}, 'Sparse Attention Results');
  private readonly status = el('span', { className: 'status-badge' });
  private readonly picker = el('select', { id: 'view-picker' });
  private readonly pickerWrap = el('div', { className: 'picker' }, el('label', {}, 'Show'), this.picker);
  private readonly pages: Record<Exclude<Page, 'panel'>, HTMLElement> = {
    run: el('section', { className: 'run-view' }),
    sweep: el('section', { className: 'sweep-view' }),
  };
  private readonly empty = el(
    'section',
    { className: 'empty' },
    el('h2', {}, 'No results yet'),
    el('p', {}, 'Run an experiment or a sweep: its learning curves, attention maps and m*(T) appear here live.'),
  );
  private onPanel: PanelView[] = [];

  constructor(private readonly panel: Panel) {
    this.pickerWrap.querySelector('label')!.htmlFor = this.picker.id;
    const header = el('header', { className: 'toolbar' }, el('div', { className: 'title-row' }, this.title, this.status), this.pickerWrap);
    this.nodes = [header, this.empty, this.pages.run, this.pages.sweep];
    this.picker.addEventListener('change', () => panel.select(this.picker.value as ViewKey));
  }

  /** Puts every view's nodes in its page, in slot order, and the frame in `app`. */
  place(app: HTMLElement, views: PanelView[]): void {
    const bySlot = [...views].sort((a, b) => a.slot - b.slot);
    for (const v of bySlot) if (v.page !== 'panel') this.pages[v.page].append(...v.nodes);
    this.onPanel = bySlot.filter((v) => v.page === 'panel');
    app.replaceChildren(...this.nodes, ...this.onPanel.flatMap((v) => v.nodes));
    app.removeAttribute('aria-busy');
  }

  wants(change: Change): boolean {
    return change.kind !== 'run' || change.added || change.part === 'info';
  }

  render(): void {
    const { model, ui } = this.panel;
    const run = this.panel.selectedRun();
    const sweep = this.panel.selectedSweep();
    const cell = this.panel.shownCell();
    renderPicker(this.picker, this.pickerWrap, model, ui.selected);
    const table = ui.selected === 'table';
    this.empty.hidden = !!(run || sweep || table);
    this.pages.run.hidden = !run;
    this.pages.sweep.hidden = !sweep || !!cell;
    for (const v of this.onPanel) for (const n of v.nodes) n.hidden = !v.shown?.();
    this.title.textContent = run ? run.label : cell ? `${sweep!.name} — ${cell.variant}, T = ${cell.T}, m = ${cell.m}` : sweep ? `${sweep.name} — m*(T)` : table ? 'Runs table' : 'Sparse Attention Results';
    this.status.textContent = run?.status ?? sweep?.status ?? '';
    this.status.className = `status-badge status-${run?.status ?? sweep?.status ?? 'none'}`;
    this.status.hidden = !(run || sweep);
  }
}

/** Rebuilds the picker only when its options changed (a rebuild would close it under the user's pointer). */
function renderPicker(picker: HTMLSelectElement, wrap: HTMLElement, model: PanelModel, selected: ViewKey | undefined): void {
  const runs = model.runs.map((r) => ({ value: `run:${r.runId}`, text: `${r.label} — ${r.status}` }));
  const sweeps = model.sweeps.map((s) => ({ value: `sweep:${s.sweepId}`, text: `${s.name} (sweep) — ${s.status}` }));
  // The runs table compares runs: offered once there are two.
  const overview = model.runs.length >= 2 ? [{ value: 'table', text: 'Runs table' }] : [];
  const signature = JSON.stringify([runs, sweeps, overview]);
  if (picker.dataset.signature !== signature) {
    picker.dataset.signature = signature;
    const group = (label: string, items: { value: string; text: string }[]) => {
      const g = el('optgroup');
      g.label = label;
      for (const item of items) {
        const o = el('option', {}, item.text);
        o.value = item.value;
        g.append(o);
      }
      return g;
    };
    picker.replaceChildren(...(overview.length ? [group('Overview', overview)] : []), ...(runs.length ? [group('Runs', runs)] : []), ...(sweeps.length ? [group('Sweeps', sweeps)] : []));
  }
  if (selected) picker.value = selected;
  // One thing to show needs no picker.
  wrap.hidden = runs.length + sweeps.length + overview.length < 2;
}
