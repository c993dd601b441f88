// The run page's attention card: the heatmaps of one snapshot (drawn on a canvas, heatmap.ts), the
// step slider that picks the snapshot (it follows the newest unless moved back), a readout of the
// value under the pointer, and export of the snapshot as PNG, CSV or JSON.
import type { AttentionEvent } from '../../src/protocol/runEvents';
import { PIXEL_FORMATS, chartCard, exportCard } from './cards';
import { el } from './dom';
import { attentionCsv, attentionJson, fileStem } from './exportData';
import type { ExportFormat } from './exporting';
import { type HeatmapRender, drawHeatmaps } from './heatmap';
import { hitTest } from './heatmapLayout';
import { scaleTicks, tokenSpan } from './heatmapScale';
import type { Panel } from './panel';
import { sliderChoiceAt, snapshotIndex } from './selection';
import type { Change, RunModel } from './state';
import type { PanelView } from './view';

const DESCRIPTION =
  'Per layer and head: the attention map pooled to at most 64 × 64 (queries down, keys across, [CLS] first) and, below it, the [CLS] row over the input bits. The stronger the colour, the more attention: every map and row uses the scale beside the slider (0 to the snapshot’s largest weight, square-root spaced so small weights show); ▲ marks a relevant bit.';

export class AttentionView implements PanelView {
  readonly id = 'attention';
  readonly page = 'run';
  readonly slot = 40;
  readonly nodes: HTMLElement[];
  private readonly card = chartCard('attention', 'Attention', DESCRIPTION, (f) => this.export(f), 'heatmap-box', PIXEL_FORMATS);
  private readonly slider = el('input', { id: 'step-slider', type: 'range' });
  private readonly sliderValue = el('output', { className: 'slider-value' });
  private readonly controls: HTMLElement;
  private readonly readout = el('p', { className: 'readout', id: 'attention-readout' }, 'Point at a map or strip to read its value.');
  private readonly note = el('p', { className: 'muted' });
  /** The colour scale's bar; its numbered ticks are redrawn with each snapshot (heatmapScale.ts). */
  private readonly scaleBar = el('span', { className: 'scale-bar', id: 'attention-scale' });
  /** What is drawn now (for the pointer readout, export and the tests' debug hook). */
  private heatmap: HeatmapRender | null = null;
  private event: AttentionEvent | null = null;
  private width = 0;

  constructor(private readonly panel: Panel) {
    this.slider.min = '0';
    this.slider.step = '1';
    this.sliderValue.htmlFor.add(this.slider.id);
    const sliderLabel = el('label', {}, 'Snapshot');
    sliderLabel.htmlFor = this.slider.id;
    const scale = el('span', { className: 'scale' }, el('span', {}, 'attention weight'), this.scaleBar, el('span', { className: 'marker-key' }, '▲ relevant bit'));
    this.controls = el('div', { className: 'slider-row' }, sliderLabel, this.slider, this.sliderValue, scale);
    this.card.box.before(this.controls);
    this.card.box.after(this.readout);
    this.card.figure.append(this.note);
    this.nodes = [el('h2', {}, 'Attention'), this.card.figure];
    this.slider.addEventListener('input', () => this.slide());
    this.card.canvas.addEventListener('mousemove', (e) => this.point(e));
    // Redraw the heatmap when the panel is resized (Chart.js watches its own canvases).
    new ResizeObserver(() => {
      if (this.card.box.clientWidth !== this.width) panel.redraw([this.id], true);
    }).observe(this.card.box);
  }

  wants(change: Change): boolean {
    return change.kind === 'snapshot' || (change.kind === 'run' && change.part === 'attention' && this.panel.ui.selected === `run:${change.runId}`);
  }

  /** The heatmap drawn now, for the debug hook. */
  drawn() {
    const { heatmap, event } = this;
    return heatmap && event ? { layout: heatmap.layout, step: event.step, n: event.n, relevant: event.relevant } : null;
  }

  render(): void {
    const run = this.panel.selectedRun();
    if (!run) return;
    const steps = run.attention.map((e) => e.step);
    const index = snapshotIndex(steps, this.panel.ui.sliders[run.runId]);
    this.slider.max = String(Math.max(0, steps.length - 1));
    this.slider.value = String(Math.max(0, index));
    this.slider.disabled = steps.length < 2;
    this.controls.hidden = this.card.canvas.hidden = this.readout.hidden = steps.length === 0;
    if (index < 0) return this.drawNone(run);
    const event = run.attention[index];
    this.note.textContent = '';
    this.card.heading.textContent = `Attention at step ${event.step}`;
    this.sliderValue.value = `step ${event.step} (${index + 1} of ${steps.length})`;
    this.slider.setAttribute('aria-valuetext', `step ${event.step}, snapshot ${index + 1} of ${steps.length}`);
    this.width = this.card.box.clientWidth;
    this.heatmap = drawHeatmaps(this.card.canvas, event, this.panel.theme, this.width);
    this.event = event;
    this.drawScale(this.heatmap.scaleMax);
    const best = this.heatmap.mass.flatMap((heads, l) => heads.map((m, h) => ({ m, l, h }))).sort((x, y) => y.m - x.m)[0];
    this.card.canvas.setAttribute(
      'aria-label',
      `Attention maps of ${event.layers.length} layer(s) at step ${event.step}; relevant bits ${event.relevant.join(', ')}.` +
        (best ? ` Layer ${best.l + 1} head ${best.h + 1} puts ${(best.m * 100).toFixed(1)}% of its [CLS] attention on them.` : ''),
    );
  }

  /** Numbers under the scale bar, where their colours are (CSSOM positions: the CSP forbids style attributes). */
  private drawScale(max: number): void {
    const ticks = scaleTicks(max);
    this.scaleBar.replaceChildren(
      ...ticks.map((t) => {
        const label = el('span', { className: 'scale-tick' }, t.text);
        label.style.left = `${(t.at * 100).toFixed(1)}%`;
        return label;
      }),
    );
    this.scaleBar.setAttribute('role', 'img');
    this.scaleBar.setAttribute('aria-label', `Colour scale of attention weights, ${ticks.map((t) => t.text).join(', ')}`);
  }

  private drawNone(run: RunModel): void {
    this.heatmap = null;
    this.event = null;
    const arch = run.started?.spec.model?.arch;
    this.card.heading.textContent = 'Attention';
    this.note.textContent = arch === 'mlp' ? 'This model has no attention layers.' : 'No attention snapshot yet: the first one comes with the first evaluation.';
  }

  private slide(): void {
    const run = this.panel.selectedRun();
    if (!run) return;
    this.panel.ui.sliders[run.runId] = sliderChoiceAt(
      run.attention.map((e) => e.step),
      Number(this.slider.value),
    );
    this.panel.saveUi();
    this.panel.redraw([this.id], true);
  }

  private point(e: MouseEvent): void {
    const ev = this.event;
    if (!this.heatmap || !ev) return;
    const rect = this.card.canvas.getBoundingClientRect();
    const size = ev.layers[0]?.heads[0]?.size ?? 0;
    const hit = hitTest(this.heatmap.layout, e.clientX - rect.left, e.clientY - rect.top, ev.n - 1, size);
    const head = hit && ev.layers[hit.tile.layer]?.heads[hit.tile.head];
    if (!hit || !head) return;
    const where = `Layer ${hit.tile.layer + 1}, head ${hit.tile.head + 1}`;
    if (hit.kind === 'strip') {
      const v = head.cls[hit.position + 1] ?? 0;
      const relevant = ev.relevant.includes(hit.position) ? ' (relevant)' : '';
      this.readout.textContent = `${where}: [CLS] → bit ${hit.position}${relevant}: ${v.toFixed(4)}`;
    } else {
      const v = head.cells[hit.row * head.size + hit.col] ?? 0;
      this.readout.textContent = `${where}: ${tokenSpan(hit.row, ev.n, head.size)} → ${tokenSpan(hit.col, ev.n, head.size)} (token 0 is [CLS]): ${v.toFixed(4)}`;
    }
  }

  private export(format: ExportFormat): void {
    exportCard(this.panel, 'attention', format, (image) => {
      const run = this.panel.selectedRun();
      const event = this.event;
      if (!run || !event) return 'nothing to export: no attention snapshot is shown';
      const name = `${fileStem(run.label)}-attention-step${event.step}`;
      if (format === 'csv') return { name, content: attentionCsv(event) };
      if (format === 'json') return { name, content: attentionJson(event) };
      return { name, content: image(this.card.canvas, `${run.label}: attention at step ${event.step}`) };
    });
  }
}
