// Drill-down into one cell of a sweep (a variant at context length T with m training samples): the
// cell's runs as the host read them from their folders, their learning curves overlaid (the run
// view's CurveCharts on canvases of its own) and the newest attention heatmap of each run.
import type { SweepPoint } from '../../src/protocol/sweepEvents';
import { CURVES, CurveCharts, formatValue } from './curves';
import { button, el } from './dom';
import type { CurveKey } from './exportData';
import { drawHeatmaps } from './heatmap';
import type { Panel } from './panel';
import { type CellModel, type Change, type SweepModel, latestMetrics } from './state';
import type { Theme } from './theme';
import type { PanelView } from './view';

const percent = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)}%`);

/** What the sweep recorded for the cell (successes of trials, its status), if it finished. */
function recorded(sweep: SweepModel | undefined, cell: CellModel): SweepPoint['cells'][number] | undefined {
  return sweep?.variants.find((v) => v.label === cell.variant)?.points.find((p) => p.T === cell.T)?.cells.find((c) => c.m === cell.m);
}

export class CellView implements PanelView {
  readonly id = 'cell';
  readonly page = 'panel';
  readonly slot = 60;
  readonly section: HTMLElement;
  readonly nodes: HTMLElement[];
  private readonly summary = el('p', { className: 'cell-summary' });
  private readonly runs = el('tbody');
  private readonly heatmaps = el('div', { className: 'cell-heatmaps' });
  private readonly curves: CurveCharts;
  private width = 0;
  /** What was drawn last, to redraw the heatmaps at a new width. */
  private last: { cell: CellModel; sweep: SweepModel | undefined; theme: Theme } | null = null;

  constructor(private readonly panel: Panel) {
    const canvases = new Map<CurveKey, HTMLCanvasElement>();
    const figures = CURVES.map((spec) => {
      const canvas = el('canvas', { id: `cell-${spec.key}-canvas` });
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', `${spec.title} of every run of the cell. ${spec.description}`);
      canvases.set(spec.key, canvas);
      return el('figure', { className: 'card' }, el('figcaption', { className: 'card-head' }, el('h3', {}, spec.title)), el('div', { className: 'chart-box' }, canvas));
    });
    this.curves = new CurveCharts(canvases);
    const col = (text: string) => el('th', { scope: 'col' }, text);
    const table = el(
      'table',
      { className: 'cell-runs' },
      el('caption', {}, 'The cell’s runs, one per seed, as read from their folders'),
      el('thead', {}, el('tr', {}, col('run'), col('status'), col('steps'), col('test accuracy'), col('variable creation'))),
      this.runs,
    );
    this.section = el(
      'section',
      { className: 'cell-view' },
      el('div', { className: 'section-head' }, button('← Back to m*(T)', 'Back to the sweep’s m*(T) and success table', () => panel.closeCell(), 'secondary back')),
      this.summary,
      el('div', { className: 'table-scroll' }, table),
      el('h2', {}, 'Learning curves'),
      el('div', { className: 'curve-grid' }, ...figures),
      el('h2', {}, 'Attention, newest snapshot of each run'),
      this.heatmaps,
    );
    this.section.hidden = true;
    this.nodes = [this.section];
    // Heatmaps are pixels sized to the panel: redrawn when its width changes.
    new ResizeObserver(() => {
      if (!this.section.hidden && this.section.clientWidth !== this.width && this.last) this.update(this.last.cell, this.last.sweep, this.last.theme);
    }).observe(this.section);
  }

  wants(change: Change): boolean {
    return change.kind === 'snapshot' || change.kind === 'cell';
  }

  shown(): boolean {
    return !!this.panel.shownCell();
  }

  render(): void {
    const cell = this.panel.shownCell();
    if (cell) this.update(cell, this.panel.selectedSweep(), this.panel.theme);
  }

  retheme(theme: Theme): void {
    this.curves.build(theme);
  }

  /** Draws the cell; call with the section shown (heatmaps take its width). */
  update(cell: CellModel, sweep: SweepModel | undefined, theme: Theme): void {
    this.last = { cell, sweep, theme };
    this.width = this.section.clientWidth;
    const c = recorded(sweep, cell);
    this.summary.textContent =
      `${cell.variant}, T = ${cell.T}, m = ${cell.m}: ${cell.runs.length} run${cell.runs.length === 1 ? '' : 's'}` +
      (c ? `; ${c.successes} of ${c.trials} seeds succeeded (${c.status})` : '');
    const colour = (i: number) => theme.series[i % theme.series.length];
    this.runs.replaceChildren(
      ...cell.runs.map((r, i) => {
        const m = latestMetrics(r);
        const s = r.summary;
        const swatch = el('span', { className: `swatch series-${i % theme.series.length}` });
        swatch.setAttribute('aria-hidden', 'true');
        const row = el(
          'tr',
          {},
          el('th', { scope: 'row' }, swatch, r.runId),
          el('td', { className: `status-${r.status}` }, r.status),
          el('td', {}, String(s?.steps ?? m?.step ?? '–')),
          el('td', {}, percent(s?.testAccuracy ?? m?.testAccuracy)),
          el('td', {}, percent(s?.attentionOnRelevant ?? m?.attentionOnRelevant)),
        );
        row.dataset.runId = r.runId;
        return row;
      }),
    );
    this.curves.update(cell.runs, new Map(cell.runs.map((r, i) => [r.runId, colour(i)])), new Set(), undefined);
    const boxWidth = Math.max(200, this.width - 26);
    this.heatmaps.replaceChildren(
      ...cell.runs.map((r) => {
        const event = r.attention.at(-1);
        const figure = el('figure', { className: 'card cell-heatmap' }, el('figcaption', { className: 'card-head' }, el('h3', {}, event ? `${r.runId} — step ${event.step}` : r.runId)));
        figure.dataset.runId = r.runId;
        if (!event) {
          figure.append(el('p', { className: 'muted' }, 'No attention snapshot (a model without attention, or none recorded yet).'));
          return figure;
        }
        const canvas = el('canvas');
        canvas.setAttribute('role', 'img');
        figure.append(el('div', { className: 'heatmap-box' }, canvas));
        const { mass } = drawHeatmaps(canvas, event, theme, boxWidth);
        const best = Math.max(0, ...mass.flat().filter((x) => Number.isFinite(x)));
        canvas.setAttribute('aria-label', `Attention maps of ${r.runId} at step ${event.step}; the best head puts ${formatValue(best * 100, 1)}% of its [CLS] attention on the relevant bits.`);
        return figure;
      }),
    );
  }

  destroy(): void {
    this.curves.destroy();
  }
}
