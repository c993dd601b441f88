// A sweep's T × m accuracy heatmap, one per variant (the public reproduction's read-out): the median
// (or, on the toggle, mean) final test accuracy of every cell that has runs, the m*(T) boundary over
// it, the cell's runs on hover, a click opens the cell's runs (the drill-down, as the success table's
// cells do). Exports each variant's heatmap as PNG, SVG or CSV.
import { type AccuracyGrid, type AccuracyStat, accuracyGrid, cellText } from '../../src/protocol/accuracyGrid';
import { type AccuracyLayout, cellAt } from '../../src/protocol/accuracyLayout';
import { accuracySvg } from '../../src/protocol/accuracySvg';
import { drawAccuracyHeatmap } from './accuracyHeatmap';
import { exportButtons } from './cards';
import { el } from './dom';
import { accuracyCsv, fileStem } from './exportData';
import { type ExportFormat, canvasPng, exportMessage } from './exporting';
import type { Panel } from './panel';
import type { Change } from './state';
import type { PanelView } from './view';

interface Drawn {
  canvas: HTMLCanvasElement;
  grid: AccuracyGrid;
  layout: AccuracyLayout;
}

export class AccuracyHeatmapView implements PanelView {
  readonly id = 'accuracy';
  readonly page = 'sweep';
  readonly slot = 85;
  readonly nodes: HTMLElement[];
  private readonly list = el('div', { className: 'accuracy-list' });
  private readonly stat = el('select', { id: 'accuracy-stat' });
  private readonly tooltip = el('p', { id: 'accuracy-tooltip', className: 'readout' }, 'Point at a cell to read it; click it to open its runs.');
  private drawn: Drawn[] = [];
  private width = 0;

  constructor(private readonly panel: Panel) {
    for (const s of ['median', 'mean']) {
      const option = el('option', {}, `${s} of the cell's runs`);
      option.value = s;
      this.stat.append(option);
    }
    this.stat.setAttribute('aria-label', 'Statistic of the cell’s final test accuracies');
    this.stat.addEventListener('change', () => panel.redraw([this.id], true));
    const note = el('p', { className: 'card-note' }, 'Final test accuracy per context length T and training-set size m, over every cell that has runs (colour scale 0.5 – 1.0; grey: no accuracy recorded). The thick line is m*(T): cells right of it passed.');
    const head = el('div', { className: 'section-head' }, el('h2', {}, 'Accuracy over T × m'), el('label', {}, 'Show ', this.stat));
    this.nodes = [head, note, this.list, this.tooltip];
    new ResizeObserver(() => {
      if (this.list.clientWidth !== this.width) panel.redraw([this.id], true);
    }).observe(this.list);
  }

  wants(change: Change): boolean {
    return change.kind === 'snapshot' || change.kind === 'sweep';
  }

  render(): void {
    const sweep = this.panel.selectedSweep();
    if (!sweep) return;
    this.width = this.list.clientWidth;
    const stat = this.stat.value as AccuracyStat;
    const grids = sweep.variants.map((v) => accuracyGrid(v, stat)).filter((g) => g.cells.length);
    this.drawn = grids.map((grid, i) => {
      const canvas = el('canvas', { className: 'accuracy-heatmap' });
      if (i === 0) canvas.id = 'accuracy-heatmap';
      const layout = drawAccuracyHeatmap(canvas, grid, this.panel.theme, Math.max(300, this.width - 4));
      canvas.dataset.variant = grid.variant;
      canvas.dataset.cells = String(grid.cells.filter((c) => c.value !== null).length);
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', `${grid.variant}: ${stat} test accuracy over ${grid.Ts.length} context lengths × ${grid.ms.length} sizes; ${grid.cells.length} cells with runs`);
      canvas.addEventListener('mousemove', (e) => this.hover(i, e));
      canvas.addEventListener('click', (e) => this.click(i, e));
      return { canvas, grid, layout };
    });
    this.list.replaceChildren(
      ...this.drawn.map((d) =>
        el('figure', { className: 'card accuracy-card' }, el('figcaption', { className: 'card-head' }, el('h3', {}, d.grid.variant), exportButtons(`${d.grid.variant} accuracy heatmap`, ['png', 'svg', 'csv'], (f) => this.export(d, f))), el('div', { className: 'heatmap-box' }, d.canvas)),
      ),
    );
    if (!this.drawn.length) this.list.replaceChildren(el('p', { className: 'muted' }, 'No cell has finished yet.'));
  }

  /** The cells as drawn, for the tests' debug hook. */
  cells() {
    return this.drawn.flatMap((d) => d.grid.cells.map((c) => ({ variant: d.grid.variant, T: c.T, m: c.m, runs: c.runs, value: c.value })));
  }

  private cellUnder(i: number, e: MouseEvent) {
    const d = this.drawn[i];
    const r = d.canvas.getBoundingClientRect();
    return cellAt(d.layout, d.grid, e.clientX - r.left, e.clientY - r.top);
  }

  private hover(i: number, e: MouseEvent): void {
    const cell = this.cellUnder(i, e);
    this.drawn[i].canvas.style.cursor = cell ? 'pointer' : 'default';
    if (cell) this.tooltip.textContent = `${this.drawn[i].grid.variant}, ${cellText(cell, this.drawn[i].grid.stat)}. Click to open its runs.`;
  }

  private click(i: number, e: MouseEvent): void {
    const cell = this.cellUnder(i, e);
    if (cell) this.panel.openCell(this.drawn[i].grid.variant, cell.T, cell.m);
  }

  private export(d: Drawn, format: ExportFormat): void {
    const sweep = this.panel.selectedSweep();
    const name = `${fileStem(sweep?.name ?? 'sweep')}-${fileStem(d.grid.variant)}-accuracy`;
    const t = this.panel.theme;
    const content =
      format === 'png' ? canvasPng(d.canvas, t.background) : format === 'svg' ? accuracySvg(d.grid, { background: t.background, foreground: t.foreground, muted: t.muted, empty: t.grid }) : accuracyCsv(d.grid);
    this.panel.send(exportMessage(format, name, content));
  }
}
