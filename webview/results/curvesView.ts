// The run page's learning curves: one chart per metric (every run the panel holds, the selected one
// drawn bold, or per experiment the mean with its 95 % band), the "Every run / Mean ± 95 %" toggle,
// and the legend whose buttons show and hide runs. Exports a curve as PNG, SVG, CSV or JSON.
import { bandDatasets, buildCurveModeToggle } from './bandCurves';
import { type ChartCard, type ImageOf, chartCard, exportCard } from './cards';
import { CURVES, CurveCharts } from './curves';
import { button, el } from './dom';
import { type CurveKey, bandCsv, bandJson, curveCsv, curveJson, fileStem } from './exportData';
import type { ExportFormat } from './exporting';
import type { Panel } from './panel';
import type { Change, RunModel } from './state';
import type { Theme } from './theme';
import type { PanelView } from './view';
import { runColourIndex } from '../../src/protocol/runColours';

export class CurvesView implements PanelView {
  readonly id = 'curves';
  readonly page = 'run';
  readonly slot = 20;
  readonly nodes: HTMLElement[];
  private readonly legend = el('div', { className: 'legend' });
  /** Which colour each run was given (kept between renders, so it never moves to another run). */
  private colours = new Map<string, number>();
  private readonly cards = new Map<CurveKey, ChartCard>();
  private readonly charts: CurveCharts;
  private readonly mode: ReturnType<typeof buildCurveModeToggle>;

  constructor(private readonly panel: Panel) {
    this.legend.setAttribute('role', 'group');
    this.legend.setAttribute('aria-label', 'Runs shown on the learning curves');
    for (const spec of CURVES) this.cards.set(spec.key, chartCard(spec.key, spec.title, spec.description, (f) => this.export(spec.key, f)));
    this.charts = new CurveCharts(new Map([...this.cards].map(([key, card]) => [key, card.canvas])));
    this.mode = buildCurveModeToggle((mode) => {
      panel.ui.curveMode = mode;
      panel.saveUi();
      panel.redraw([this.id], true);
    });
    const grid = el('div', { className: 'curve-grid' }, ...[...this.cards.values()].map((c) => c.figure));
    this.nodes = [el('h2', {}, 'Learning curves'), this.mode.root, this.legend, grid];
  }

  wants(change: Change): boolean {
    return change.kind === 'snapshot' || (change.kind === 'run' && (change.added || change.part === 'metrics'));
  }

  retheme(theme: Theme): void {
    this.charts.build(theme);
  }

  render(): void {
    const run = this.panel.selectedRun();
    if (!run) return;
    const { model, ui, theme } = this.panel;
    const hidden = new Set(ui.hiddenRuns);
    // Stable per run (runColours.ts): a colour never moves to another run when one finishes.
    const index = (this.colours = runColourIndex(model.runs.map((r) => r.runId), theme.series.length, this.colours));
    this.mode.render(ui.curveMode);
    if (ui.curveMode === 'bands') {
      const shown = model.runs.filter((r) => !hidden.has(r.runId));
      this.charts.showDatasets((key) => bandDatasets(shown, key, theme.series));
    } else this.charts.update(model.runs, new Map([...index].map(([id, i]) => [id, theme.series[i]])), hidden, run.runId);
    renderLegend(this.legend, model.runs, index, hidden, (runId) => this.toggleRun(runId));
  }

  private toggleRun(runId: string): void {
    const ui = this.panel.ui;
    ui.hiddenRuns = ui.hiddenRuns.includes(runId) ? ui.hiddenRuns.filter((x) => x !== runId) : [...ui.hiddenRuns, runId];
    this.panel.saveUi();
    this.panel.redraw([this.id], true);
  }

  private export(key: CurveKey, format: ExportFormat): void {
    exportCard(this.panel, key, format, (image: ImageOf) => {
      const { model, ui } = this.panel;
      const run = this.panel.selectedRun();
      const shown = model.runs.filter((r) => !ui.hiddenRuns.includes(r.runId));
      const title = CURVES.find((c) => c.key === key)!.title;
      // In "Mean ± 95 %" mode the data is what is drawn: each group's mean and band, not the runs.
      const bands = ui.curveMode === 'bands';
      const name = `${fileStem(shown.length === 1 ? shown[0].label : run?.label ?? 'runs')}-${key}${bands ? '-bands' : ''}`;
      if (format === 'csv') return { name, content: bands ? bandCsv(shown, key) : curveCsv(shown, key) };
      if (format === 'json') return { name, content: bands ? bandJson(shown, key) : curveJson(shown, key) };
      return { name, content: image(this.cards.get(key)!.canvas, title) };
    });
  }
}

/** One toggle button per run: pressed means its curves are shown. */
function renderLegend(container: HTMLElement, runs: RunModel[], colourIndex: Map<string, number>, hidden: Set<string>, onToggle: (runId: string) => void): void {
  const signature = JSON.stringify(runs.map((r) => [r.runId, r.label, hidden.has(r.runId)]));
  if (container.dataset.signature === signature) return;
  container.dataset.signature = signature;
  const focused = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.runId : undefined;
  const buttons = runs.map((r) => {
    const shown = !hidden.has(r.runId);
    const b = button('', `${shown ? 'Hide' : 'Show'} ${r.label} on the learning curves`, () => onToggle(r.runId), 'legend-item');
    const swatch = el('span', { className: `swatch series-${colourIndex.get(r.runId) ?? 0}` });
    swatch.setAttribute('aria-hidden', 'true');
    b.append(swatch, r.label);
    b.setAttribute('aria-pressed', String(shown));
    b.dataset.runId = r.runId;
    return b;
  });
  container.replaceChildren(...buttons);
  // Rebuilding must not steal keyboard focus from the button just pressed.
  if (focused) buttons.find((b) => b.dataset.runId === focused)?.focus();
}
