// The panel's static skeleton: a header with the run/sweep picker, the run view (facts, curves,
// attention) and the sweep view (m*(T) chart, verdicts, tables). Built once; renderers fill it in.
import { CURVES } from './curves';
import { button, el } from './dom';
import type { CurveKey } from './exportData';
import type { ExportFormat } from './exporting';

export type CardId = CurveKey | 'attention' | 'mstar' | 'cells';

export interface ChartCard {
  figure: HTMLElement;
  heading: HTMLElement;
  canvas: HTMLCanvasElement;
  box: HTMLElement;
}

export interface Dom {
  app: HTMLElement;
  title: HTMLElement;
  status: HTMLElement;
  pickerWrap: HTMLElement;
  picker: HTMLSelectElement;
  empty: HTMLElement;
  runView: HTMLElement;
  runFacts: HTMLDListElement;
  runProblem: HTMLElement;
  legend: HTMLElement;
  curves: Map<CurveKey, ChartCard>;
  attention: ChartCard & { slider: HTMLInputElement; sliderValue: HTMLOutputElement; readout: HTMLElement; controls: HTMLElement; note: HTMLElement };
  sweepView: HTMLElement;
  sweepFacts: HTMLDListElement;
  mstar: ChartCard;
  verdicts: HTMLElement;
}

/** Chart.js charts export as PNG or vector SVG; the attention heatmaps are pixel images, so PNG only. */
const CHART_FORMATS: ExportFormat[] = ['png', 'svg', 'csv', 'json'];
const HEATMAP_FORMATS: ExportFormat[] = ['png', 'csv', 'json'];

function exportButtons(card: CardId, title: string, formats: ExportFormat[], onExport: (card: CardId, f: ExportFormat) => void): HTMLElement {
  const group = el('div', { className: 'export' });
  group.setAttribute('role', 'group');
  group.setAttribute('aria-label', `Export ${title}`);
  for (const f of formats) group.append(button(f.toUpperCase(), `Export ${title} as ${f.toUpperCase()}`, () => onExport(card, f), 'secondary small'));
  return group;
}

function chartCard(id: CardId, title: string, description: string, onExport: (card: CardId, f: ExportFormat) => void, boxClass = 'chart-box'): ChartCard {
  const heading = el('h3', { id: `${id}-title` }, title);
  const canvas = el('canvas', { id: `${id}-canvas` });
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `${title}. ${description}`);
  const box = el('div', { className: boxClass }, canvas);
  const figure = el(
    'figure',
    { className: `card card-${id}` },
    el('figcaption', { className: 'card-head' }, heading, exportButtons(id, title, id === 'attention' ? HEATMAP_FORMATS : CHART_FORMATS, onExport)),
    el('p', { className: 'card-note' }, description),
    box,
  );
  figure.setAttribute('aria-labelledby', heading.id);
  return { figure, heading, canvas, box };
}

export function buildDom(app: HTMLElement, onExport: (card: CardId, f: ExportFormat) => void): Dom {
  const title = el('h1', {}, 'Sparse Attention Results');
  const status = el('span', { className: 'status-badge' });
  const picker = el('select', { id: 'view-picker' });
  const pickerWrap = el('div', { className: 'picker' }, el('label', {}, 'Show'), picker);
  pickerWrap.querySelector('label')!.htmlFor = picker.id;
  const header = el('header', { className: 'toolbar' }, el('div', { className: 'title-row' }, title, status), pickerWrap);

  const empty = el(
    'section',
    { className: 'empty' },
    el('h2', {}, 'No results yet'),
    el('p', {}, 'Run an experiment or a sweep: its learning curves, attention maps and m*(T) appear here live.'),
  );

  const runFacts = el('dl', { className: 'facts' });
  const runProblem = el('p', { className: 'problem' });
  runProblem.setAttribute('role', 'alert');
  const legend = el('div', { className: 'legend' });
  legend.setAttribute('role', 'group');
  legend.setAttribute('aria-label', 'Runs shown on the learning curves');
  const curves = new Map<CurveKey, ChartCard>();
  for (const spec of CURVES) curves.set(spec.key, chartCard(spec.key, spec.title, spec.description, onExport));

  const attentionCard = chartCard(
    'attention',
    'Attention',
    'Per layer and head: the attention map pooled to at most 64 × 64 (queries down, keys across, [CLS] first) and, below it, the [CLS] row over the input bits. Brighter is more attention; ▲ marks a relevant bit.',
    onExport,
    'heatmap-box',
  );
  const slider = el('input', { id: 'step-slider', type: 'range' });
  slider.min = '0';
  slider.step = '1';
  const sliderValue = el('output', { className: 'slider-value' });
  sliderValue.htmlFor.add(slider.id);
  const sliderLabel = el('label', {}, 'Snapshot');
  sliderLabel.htmlFor = slider.id;
  const scale = el('span', { className: 'scale' }, el('span', {}, 'low'), el('span', { className: 'scale-bar' }), el('span', {}, 'high'), el('span', { className: 'marker-key' }, '▲ relevant bit'));
  scale.setAttribute('aria-hidden', 'true');
  const controls = el('div', { className: 'slider-row' }, sliderLabel, slider, sliderValue, scale);
  const readout = el('p', { className: 'readout' }, 'Point at a map or strip to read its value.');
  const note = el('p', { className: 'muted' });
  attentionCard.box.before(controls);
  attentionCard.box.after(readout);
  attentionCard.figure.append(note);

  const runView = el(
    'section',
    { className: 'run-view' },
    runFacts,
    runProblem,
    el('h2', {}, 'Learning curves'),
    legend,
    el('div', { className: 'curve-grid' }, ...[...curves.values()].map((c) => c.figure)),
    el('h2', {}, 'Attention'),
    attentionCard.figure,
  );

  const sweepFacts = el('dl', { className: 'facts' });
  const mstar = chartCard(
    'mstar',
    'Sample complexity m*(T)',
    'Smallest training-set size at which enough seeds reach the target, per context length. Bars: the interval between the largest size that failed and m*. Dashed: the best fit; a + b·ln T is a straight line on this log axis.',
    onExport,
    'chart-box tall',
  );
  const verdicts = el('div', { className: 'variants' });
  const cellsHead = el('div', { className: 'section-head' }, el('h2', {}, 'Verdict and success table'), exportButtons('cells', 'success table', ['csv', 'json'], onExport));
  const sweepView = el('section', { className: 'sweep-view' }, sweepFacts, mstar.figure, cellsHead, verdicts);

  app.replaceChildren(header, empty, runView, sweepView);
  app.removeAttribute('aria-busy');
  return {
    app,
    title,
    status,
    pickerWrap,
    picker,
    empty,
    runView,
    runFacts,
    runProblem,
    legend,
    curves,
    attention: { ...attentionCard, slider, sliderValue, readout, controls, note },
    sweepView,
    sweepFacts,
    mstar,
    verdicts,
  };
}
