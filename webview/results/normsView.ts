// The run view's "Weights and heads" section: the norms the paper's capacity bound is stated in
// (per head ‖W_Q·W_Kᵀ‖, ‖W_V‖, ‖W_O‖, or the MLP's two matrices; spectral or Frobenius) over training,
// and the variable-creation score of every head (the learning curves show only the best head's).
// Hidden for runs that carry neither (MLP models, recordings from before the norms were recorded).
import type { ChartDataset } from 'chart.js';
import type { MetricsEvent } from '../../src/protocol/runEvents';
import { Chart } from './charts';
import { type StepPoint, stepLineChart } from './curves';
import { el } from './dom';
import type { Panel } from './panel';
import type { Change } from './state';
import type { PanelView } from './view';
import { NORM_MATRICES, type NormKind, type NormMatrix, type Series, hasHeadScores, hasNorms, headCreationSeries, layersOf, normSeries } from './normSeries';
import type { Theme } from './theme';

function card(id: string, title: string, description: string): { figure: HTMLElement; heading: HTMLElement; canvas: HTMLCanvasElement } {
  const heading = el('h3', { id: `${id}-title` }, title);
  const canvas = el('canvas', { id: `${id}-canvas` });
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `${title}. ${description}`);
  const figure = el('figure', { className: `card card-${id}` }, el('figcaption', { className: 'card-head' }, heading), el('p', { className: 'card-note' }, description), el('div', { className: 'chart-box' }, canvas));
  figure.setAttribute('aria-labelledby', heading.id);
  return { figure, heading, canvas };
}

function labelled(id: string, text: string, control: HTMLElement): HTMLElement {
  const label = el('label', {}, text);
  label.htmlFor = id;
  control.id = id;
  return el('span', { className: 'control' }, label, control);
}

export class NormsView implements PanelView {
  readonly id = 'norms';
  readonly page = 'run';
  readonly slot = 30;
  readonly section: HTMLElement;
  readonly nodes: HTMLElement[];
  private readonly layer = el('select');
  private readonly layerWrap: HTMLElement;
  private readonly matrix = el('select');
  private readonly frobenius = el('input', { type: 'checkbox' });
  private readonly norms = card('norms', 'Weight norms', 'Per head, the norm of the chosen weight matrix after each evaluation; the theorem bounds sample complexity through these norms.');
  private readonly heads = card('headCreation', 'Variable creation per head', 'Share of each head\u2019s [CLS] attention on the relevant bits.');
  private readonly note = el('p', { className: 'muted' });
  private normsChart: Chart<'line', StepPoint[]> | null = null;
  private headsChart: Chart<'line', StepPoint[]> | null = null;
  private theme: Theme | null = null;

  constructor(private readonly panel: Panel) {
    for (const m of NORM_MATRICES) {
      const o = el('option', {}, m.text);
      o.value = m.value;
      this.matrix.append(o);
    }
    this.layerWrap = labelled('norms-layer', 'layer', this.layer);
    const frobenius = el('label', {}, 'Frobenius (default: spectral)');
    frobenius.htmlFor = this.frobenius.id = 'norms-frobenius';
    const controls = el(
      'div',
      { className: 'slider-row norms-controls' },
      this.layerWrap,
      labelled('norms-matrix', 'matrix', this.matrix),
      el('span', { className: 'control' }, this.frobenius, frobenius),
    );
    // A control changed: redraw with the new choice.
    for (const c of [this.layer, this.matrix, this.frobenius]) c.addEventListener('change', () => panel.redraw([this.id], true));
    this.section = el('section', { className: 'norms-view' }, el('h2', {}, 'Weights and heads'), controls, this.note, el('div', { className: 'curve-grid' }, this.norms.figure, this.heads.figure));
    this.nodes = [this.section];
  }

  wants(change: Change): boolean {
    return change.kind === 'snapshot' || (change.kind === 'run' && change.part === 'metrics' && this.panel.ui.selected === `run:${change.runId}`);
  }

  render(): void {
    const run = this.panel.selectedRun();
    if (run) this.update(run.metrics);
  }

  retheme(theme: Theme): void {
    this.destroy();
    this.theme = theme;
    this.normsChart = stepLineChart(this.norms.canvas, theme, { bounded: false, legend: true, yTitle: 'norm' });
    this.headsChart = stepLineChart(this.heads.canvas, theme, { bounded: true, legend: true, yTitle: 'share on relevant bits' });
  }

  /** The current control choices. */
  choice(): { layer: number; matrix: NormMatrix; kind: NormKind } {
    return { layer: Number(this.layer.value) || 0, matrix: this.matrix.value as NormMatrix, kind: this.frobenius.checked ? 'frobenius' : 'spectral' };
  }

  update(metrics: MetricsEvent[]): void {
    const norms = hasNorms(metrics);
    const heads = hasHeadScores(metrics);
    this.section.hidden = !norms && !heads;
    if (this.section.hidden) return;
    const layers = layersOf(metrics);
    if (this.layer.options.length !== layers) {
      const keep = this.layer.value;
      this.layer.replaceChildren(...Array.from({ length: layers }, (_, l) => Object.assign(el('option', {}, String(l + 1)), { value: String(l) })));
      this.layer.value = Number(keep) < layers ? keep : '0';
    }
    this.layerWrap.hidden = layers <= 1;
    const { layer, matrix, kind } = this.choice();
    this.norms.figure.hidden = !norms;
    this.note.textContent = norms ? '' : 'This recording has no weight norms (recorded by trainers from version 0.2 on).';
    this.note.hidden = norms;
    const symbol = NORM_MATRICES.find((m) => m.value === matrix)!.symbol;
    const where = layers > 1 ? `, layer ${layer + 1}` : '';
    this.norms.heading.textContent = `Norms: ‖${symbol}‖ (${kind})${where}`;
    this.heads.heading.textContent = `Variable creation per head${where}`;
    this.heads.figure.hidden = !heads;
    if (norms) this.draw(this.normsChart, normSeries(metrics, layer, matrix, kind));
    if (heads) this.draw(this.headsChart, headCreationSeries(metrics, layer));
  }

  private draw(chart: Chart<'line', StepPoint[]> | null, series: Series[]): void {
    if (!chart || !this.theme) return;
    const colours = this.theme.series;
    chart.data.datasets = series.map((s, i): ChartDataset<'line', StepPoint[]> => ({
      label: s.label,
      data: s.points,
      borderColor: colours[i % colours.length],
      backgroundColor: colours[i % colours.length],
      borderWidth: 2,
      pointRadius: s.points.length <= 40 ? 2 : 0,
    }));
    chart.update('none');
  }

  destroy(): void {
    this.normsChart?.destroy();
    this.headsChart?.destroy();
    this.normsChart = this.headsChart = null;
  }
}
