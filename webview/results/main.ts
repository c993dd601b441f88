// The results panel (browser side). The host owns the data: the panel says `ready`, renders
// everything from the `snapshot` it gets back, then applies run/sweep events as they come. Every
// message is validated first; redraws are coalesced to a few per second.
import './zodConfig';
import type { HostToPanel, PanelToHost, SweepCellRef } from '../../src/protocol/panelMessages';
import type { AttentionEvent } from '../../src/protocol/runEvents';
import { runsTable, runsTableCsv } from '../../src/protocol/runsTable';
import { bandDatasets, buildCurveModeToggle } from './bandCurves';
import { CellView } from './cellView';
import { applyChartTheme } from './charts';
import { CURVES, CurveCharts } from './curves';
import { installDebugHook } from './debug';
import { type CurveKey, attentionCsv, attentionJson, bandCsv, bandJson, cellsCsv, curveCsv, curveJson, fileStem, mStarCsv, sweepJson } from './exportData';
import { type ExportFormat, canvasPng, chartSvg, exportMessage } from './exporting';
import { type HeatmapRender, drawHeatmaps } from './heatmap';
import { hitTest } from './heatmapLayout';
import { parseHostMessage } from './messages';
import { NormsView } from './normsView';
import { RenderScheduler, browserClock } from './renderScheduler';
import { SampleComplexityChart } from './sampleComplexityChart';
import { type ViewKey, pickSelection, readUiState, sliderChoiceAt, snapshotIndex, withTableRuns } from './selection';
import { type Change, type RunModel, type SweepModel, applyMessage, emptyModel } from './state';
import { buildRunsTableDom, nextSort, renderRunsTable, shownRows } from './runsTableView';
import { renderSweepTables } from './sweepTables';
import { onThemeChange, readTheme } from './theme';
import { type CardId, buildDom } from './ui';
import { renderLegend, renderPicker, renderRunFacts, renderSweepFacts } from './views';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** Charts redraw at most this often however fast events arrive (the host throttles too). */
const RENDER_INTERVAL_MS = 250;

type Part = 'list' | 'run' | 'curves' | 'attention' | 'sweep' | 'table' | 'norms' | 'cell';
const ALL_PARTS: Part[] = ['list', 'run', 'curves', 'attention', 'sweep', 'table', 'norms', 'cell'];

const vscode = acquireVsCodeApi();
const send = (m: PanelToHost) => vscode.postMessage(m);
const model = emptyModel();
let ui = readUiState(vscode.getState());
const saveUi = () => {
  ui = withTableRuns(ui, model);
  vscode.setState(ui);
};

let theme = readTheme();
applyChartTheme(theme);
const dom = buildDom(document.getElementById('app')!, onExport);
const curves = new CurveCharts(new Map([...dom.curves].map(([key, card]) => [key, card.canvas])));
const mstar = new SampleComplexityChart(dom.mstar.canvas, openCell);
// Drill-down into a sweep cell, and the run view's norms and per-head charts (their own sections).
const cellView = new CellView(closeCell);
dom.app.append(cellView.section);
const norms = new NormsView(() => scheduler.request(['norms'], true));
dom.attention.figure.previousElementSibling!.before(norms.section);
const tableDom = buildRunsTableDom({
  sort: (key) => updateTable({ sort: nextSort(ui.table.sort, key) }),
  filter: (text) => updateTable({ filter: text }),
  toggleRow: (runId, ticked) => updateTable({ selected: ticked ? [...new Set([...ui.table.selected, runId])] : ui.table.selected.filter((x) => x !== runId) }),
  toggleAll: (ticked) => {
    const shown = shownRows(runsTable(model.runs), ui.table).map((r) => r.runId);
    updateTable({ selected: ticked ? [...new Set([...ui.table.selected, ...shown])] : ui.table.selected.filter((x) => !shown.includes(x)) });
  },
  compare: compareSelected,
  exportCsv: exportRunsTable,
});
tableDom.section.hidden = true;
dom.app.append(tableDom.section);
const curveMode = buildCurveModeToggle((mode) => {
  ui.curveMode = mode;
  saveUi();
  scheduler.request(['curves'], true);
});
dom.legend.before(curveMode.root);
curves.build(theme);
mstar.build(theme);
cellView.build(theme);
norms.build(theme);

let heatmap: HeatmapRender | null = null;
let heatmapEvent: AttentionEvent | null = null;
let heatmapWidth = 0;

const scheduler = new RenderScheduler<Part>(RENDER_INTERVAL_MS, render, browserClock);

function report(level: 'warn' | 'error', message: string): void {
  (level === 'warn' ? console.warn : console.error)(`[results panel] ${message}`);
  send({ type: 'log', level, message });
}

const selectedRun = (): RunModel | undefined => (ui.selected?.startsWith('run:') ? model.runs.find((r) => `run:${r.runId}` === ui.selected) : undefined);
const selectedSweep = (): SweepModel | undefined => (ui.selected?.startsWith('sweep:') ? model.sweeps.find((s) => `sweep:${s.sweepId}` === ui.selected) : undefined);
const colourIndex = () => new Map(model.runs.map((r, i) => [r.runId, i % theme.series.length]));

// ---- Messages from the host ----

function partsFor(change: Change): Part[] {
  if (change.kind === 'snapshot') return ALL_PARTS;
  if (change.kind === 'cell') return ['list', 'cell'];
  if (change.kind === 'sweep') return change.added ? ['list', 'sweep'] : ['sweep', 'list'];
  const selected = ui.selected === `run:${change.runId}`;
  const parts: Part[] = change.added ? ['list', 'curves'] : [];
  if (ui.selected === 'table') parts.push('table');
  if (change.part === 'metrics') parts.push('curves', ...(selected ? (['run', 'norms'] as Part[]) : []));
  if (change.part === 'info') parts.push('list', 'run');
  if (change.part === 'attention' && selected) parts.push('attention');
  return parts;
}

function receive(raw: unknown): void {
  const parsed = parseHostMessage(raw);
  if (!parsed.ok) {
    report('warn', parsed.problem);
    return;
  }
  const msg = parsed.message;
  // A late answer for a cell the user has left since (Back, another view) is not shown.
  if (msg.type === 'cell-runs' && !(ui.cell && ui.cell.sweepId === msg.sweepId && ui.cell.variant === msg.variant && ui.cell.T === msg.T && ui.cell.m === msg.m)) return;
  const before = ui.selected;
  const change = applyMessage(model, msg);
  refreshCell(msg);
  if (msg.type === 'show-cell') showCell(msg);
  // A focus is obeyed once; the host repeats it in every snapshot it re-sends.
  const focus = change.kind === 'snapshot' && model.focus !== ui.lastFocus ? model.focus : undefined;
  if (focus) ui.lastFocus = focus;
  ui.selected = pickSelection(model, ui.selected, focus);
  // The table's runs are saved for a window reload: keep them current as runs arrive.
  const runsChanged = change.kind === 'snapshot' || (change.kind === 'run' && change.added);
  if (focus || (runsChanged && ui.selected === 'table')) saveUi();
  if (ui.selected !== before) {
    saveUi();
    scheduler.request(ALL_PARTS, true);
    return;
  }
  scheduler.request(partsFor(change), change.kind === 'snapshot' || change.kind === 'cell');
}

window.addEventListener('message', (event: MessageEvent) => receive(event.data));

// ---- Rendering ----

function render(parts: Set<Part>): void {
  try {
    const run = selectedRun();
    const sweep = selectedSweep();
    const cell = shownCell();
    if (parts.has('list')) {
      renderPicker(dom.picker, dom.pickerWrap, model, ui.selected);
      const table = ui.selected === 'table';
      dom.empty.hidden = !!(run || sweep || table);
      dom.runView.hidden = !run;
      dom.sweepView.hidden = !sweep || !!cell;
      cellView.section.hidden = !cell;
      tableDom.section.hidden = !table;
      dom.title.textContent = run ? run.label : cell ? `${sweep!.name} — ${cell.variant}, T = ${cell.T}, m = ${cell.m}` : sweep ? `${sweep.name} — m*(T)` : table ? 'Runs table' : 'Sparse Attention Results';
      dom.status.textContent = run?.status ?? sweep?.status ?? '';
      dom.status.className = `status-badge status-${run?.status ?? sweep?.status ?? 'none'}`;
      dom.status.hidden = !(run || sweep);
    }
    if (run) {
      if (parts.has('run')) renderRunFacts(dom.runFacts, dom.runProblem, run);
      if (parts.has('curves')) {
        const hidden = new Set(ui.hiddenRuns);
        const index = colourIndex();
        curveMode.render(ui.curveMode);
        if (ui.curveMode === 'bands') {
          const shown = model.runs.filter((r) => !hidden.has(r.runId));
          curves.showDatasets((key) => bandDatasets(shown, key, theme.series));
        } else curves.update(model.runs, new Map([...index].map(([id, i]) => [id, theme.series[i]])), hidden, run.runId);
        renderLegend(dom.legend, model.runs, index, hidden, toggleRun);
      }
      if (parts.has('attention')) renderAttention(run);
      if (parts.has('norms')) norms.update(run.metrics);
    }
    if (cell && parts.has('cell')) cellView.update(cell, sweep, theme);
    if (ui.selected === 'table' && parts.has('table')) renderRunsTable(tableDom, runsTable(model.runs), ui.table);
    if (sweep && parts.has('sweep')) {
      renderSweepFacts(dom.sweepFacts, sweep);
      mstar.update(sweep.variants, theme.series);
      renderSweepTables(dom.verdicts, sweep, theme.series, openCell);
    }
  } catch (err) {
    report('error', `drawing failed: ${(err as Error).stack ?? String(err)}`.slice(0, 2000));
  }
}

function renderAttention(run: RunModel): void {
  const a = dom.attention;
  const steps = run.attention.map((e) => e.step);
  const index = snapshotIndex(steps, ui.sliders[run.runId]);
  a.slider.max = String(Math.max(0, steps.length - 1));
  a.slider.value = String(Math.max(0, index));
  a.slider.disabled = steps.length < 2;
  a.controls.hidden = steps.length === 0;
  a.canvas.hidden = steps.length === 0;
  a.readout.hidden = steps.length === 0;
  if (index < 0) {
    heatmap = null;
    heatmapEvent = null;
    const arch = run.started?.spec && (run.started.spec as { model?: { arch?: unknown } }).model?.arch;
    a.heading.textContent = 'Attention';
    a.note.textContent = arch === 'mlp' ? 'This model has no attention layers.' : 'No attention snapshot yet: the first one comes with the first evaluation.';
    return;
  }
  const event = run.attention[index];
  a.note.textContent = '';
  a.heading.textContent = `Attention at step ${event.step}`;
  a.sliderValue.value = `step ${event.step} (${index + 1} of ${steps.length})`;
  a.slider.setAttribute('aria-valuetext', `step ${event.step}, snapshot ${index + 1} of ${steps.length}`);
  heatmapWidth = a.box.clientWidth;
  heatmap = drawHeatmaps(a.canvas, event, theme, heatmapWidth);
  heatmapEvent = event;
  const best = heatmap.mass.flatMap((heads, l) => heads.map((m, h) => ({ m, l, h }))).sort((x, y) => y.m - x.m)[0];
  a.canvas.setAttribute(
    'aria-label',
    `Attention maps of ${event.layers.length} layer(s) at step ${event.step}; relevant bits ${event.relevant.join(', ')}.` +
      (best ? ` Layer ${best.l + 1} head ${best.h + 1} puts ${(best.m * 100).toFixed(1)}% of its [CLS] attention on them.` : ''),
  );
}

// ---- User input ----

/** The drilled-into cell, while its sweep is the one shown. */
function shownCell() {
  const sweep = selectedSweep();
  return model.cell && sweep && model.cell.sweepId === sweep.sweepId ? model.cell : undefined;
}

/** Drill-down: the host reads the cell's run folders and answers `cell-runs`. */
function openCell(variant: string, T: number, m: number): void {
  const sweep = selectedSweep();
  if (!sweep) return;
  ui.cell = { sweepId: sweep.sweepId, variant, T, m };
  saveUi();
  send({ type: 'open-cell', ...ui.cell });
}

/** The host asks for a cell (clicked in the tree): its sweep is shown and the cell opened as if clicked. */
function showCell(ref: SweepCellRef): void {
  if (!model.sweeps.some((s) => s.sweepId === ref.sweepId)) {
    report('warn', `asked to show a cell of a sweep the panel does not hold: ${ref.sweepId.slice(0, 200)}`);
    return;
  }
  ui.selected = `sweep:${ref.sweepId}`;
  ui.cell = { sweepId: ref.sweepId, variant: ref.variant, T: ref.T, m: ref.m };
  saveUi();
  send({ type: 'open-cell', ...ui.cell });
}

/**
 * Asks for the open cell's runs again when they may have changed: the cell finished while shown, or
 * the panel was shown anew (its first snapshot) with a cell open before.
 */
function refreshCell(msg: HostToPanel): void {
  const c = ui.cell;
  if (!c) return;
  const finished = msg.type === 'sweep-event' && msg.sweepId === c.sweepId && msg.event.type === 'cell-finished' && msg.event.variant === c.variant && msg.event.T === c.T && msg.event.m === c.m;
  const reopened = msg.type === 'snapshot' && !model.cell && msg.sweeps.some((s) => s.sweepId === c.sweepId);
  if (finished || reopened) send({ type: 'open-cell', ...c });
}

function closeCell(): void {
  model.cell = undefined;
  ui.cell = undefined;
  saveUi();
  scheduler.request(ALL_PARTS, true);
}

function select(key: ViewKey | undefined): void {
  model.cell = undefined;
  ui.cell = undefined;
  ui.selected = key;
  saveUi();
  scheduler.request(ALL_PARTS, true);
}

function updateTable(change: Partial<typeof ui.table>): void {
  ui.table = { ...ui.table, ...change };
  saveUi();
  scheduler.request(['table'], true);
}

/** Shows the ticked runs (and only those) on the learning curves, in the table's order. */
function compareSelected(): void {
  const ticked = new Set(ui.table.selected);
  const order = shownRows(runsTable(model.runs), { ...ui.table, filter: '' }).filter((r) => ticked.has(r.runId));
  if (!order.length) return;
  ui.hiddenRuns = model.runs.filter((r) => !ticked.has(r.runId)).map((r) => r.runId);
  select(`run:${order[0].runId}`);
}

function exportRunsTable(): void {
  scheduler.flush();
  const table = runsTable(model.runs);
  send(exportMessage('csv', 'runs-table', runsTableCsv(table.columns, shownRows(table, ui.table))));
}

function toggleRun(runId: string): void {
  ui.hiddenRuns = ui.hiddenRuns.includes(runId) ? ui.hiddenRuns.filter((x) => x !== runId) : [...ui.hiddenRuns, runId];
  saveUi();
  scheduler.request(['curves'], true);
}

dom.picker.addEventListener('change', () => select(dom.picker.value as ViewKey));

dom.attention.slider.addEventListener('input', () => {
  const run = selectedRun();
  if (!run) return;
  ui.sliders[run.runId] = sliderChoiceAt(
    run.attention.map((e) => e.step),
    Number(dom.attention.slider.value),
  );
  saveUi();
  scheduler.request(['attention'], true);
});

dom.attention.canvas.addEventListener('mousemove', (e) => {
  if (!heatmap || !heatmapEvent) return;
  const rect = dom.attention.canvas.getBoundingClientRect();
  const ev = heatmapEvent;
  const size = ev.layers[0]?.heads[0]?.size ?? 0;
  const hit = hitTest(heatmap.layout, e.clientX - rect.left, e.clientY - rect.top, ev.n - 1, size);
  const head = hit && ev.layers[hit.tile.layer]?.heads[hit.tile.head];
  if (!hit || !head) return;
  const where = `Layer ${hit.tile.layer + 1}, head ${hit.tile.head + 1}`;
  if (hit.kind === 'strip') {
    const v = head.cls[hit.position + 1] ?? 0;
    const relevant = ev.relevant.includes(hit.position) ? ' (relevant)' : '';
    dom.attention.readout.textContent = `${where}: [CLS] → bit ${hit.position}${relevant}: ${v.toFixed(4)}`;
  } else {
    const tokens = (i: number) => `${Math.floor((i * ev.n) / head.size)}–${Math.floor(((i + 1) * ev.n) / head.size) - 1}`;
    const v = head.cells[hit.row * head.size + hit.col] ?? 0;
    dom.attention.readout.textContent = `${where}: tokens ${tokens(hit.row)} → ${tokens(hit.col)} (token 0 is [CLS]): ${v.toFixed(4)}`;
  }
});

// Redraw the heatmap when the panel is resized (Chart.js watches its own canvases).
new ResizeObserver(() => {
  if (dom.attention.box.clientWidth !== heatmapWidth) scheduler.request(['attention'], true);
}).observe(dom.attention.box);

onThemeChange(() => {
  theme = readTheme();
  applyChartTheme(theme);
  curves.build(theme);
  mstar.build(theme);
  cellView.build(theme);
  norms.build(theme);
  scheduler.request(ALL_PARTS, true);
});

// ---- Export ----

function onExport(card: CardId, format: ExportFormat): void {
  scheduler.flush(); // export what the data says now, not the last throttled frame
  const run = selectedRun();
  const sweep = selectedSweep();
  // PNG of any canvas; SVG re-draws a Chart.js chart as vectors (the heatmap canvas has no chart: null).
  const image = (canvas: HTMLCanvasElement, title: string) => (format === 'png' ? canvasPng(canvas, theme.background) : chartSvg(canvas, theme.background, title));
  let name: string;
  let content: string | null;
  if (card === 'attention') {
    if (!run || !heatmapEvent) return report('warn', 'nothing to export: no attention snapshot is shown');
    name = `${fileStem(run.label)}-attention-step${heatmapEvent.step}`;
    content = format === 'csv' ? attentionCsv(heatmapEvent) : format === 'json' ? attentionJson(heatmapEvent) : image(dom.attention.canvas, `${run.label}: attention at step ${heatmapEvent.step}`);
  } else if (card === 'mstar' || card === 'cells') {
    if (!sweep) return report('warn', 'nothing to export: no sweep is shown');
    name = `${fileStem(sweep.name)}-${card === 'mstar' ? 'mstar' : 'cells'}`;
    if (format === 'json') content = sweepJson(sweep);
    else if (format === 'csv') content = card === 'mstar' ? mStarCsv(sweep) : cellsCsv(sweep);
    else content = image(dom.mstar.canvas, `${sweep.name}: m*(T)`);
  } else {
    const key: CurveKey = card;
    const shown = model.runs.filter((r) => !ui.hiddenRuns.includes(r.runId));
    const title = CURVES.find((c) => c.key === key)!.title;
    // In "Mean ± 95 %" mode the data is what is drawn: each group's mean and band, not the runs.
    const bands = ui.curveMode === 'bands';
    name = `${fileStem(shown.length === 1 ? shown[0].label : run?.label ?? 'runs')}-${key}${bands ? '-bands' : ''}`;
    if (format === 'csv') content = bands ? bandCsv(shown, key) : curveCsv(shown, key);
    else if (format === 'json') content = bands ? bandJson(shown, key) : curveJson(shown, key);
    else content = image(dom.curves.get(key)!.canvas, title);
  }
  if (content === null) return report('warn', `nothing to export as ${format.toUpperCase()}: no chart is drawn for ${card}`);
  send(exportMessage(format, name, content));
}

installDebugHook({
  model: () => model,
  selected: () => ui.selected,
  scheduler,
  mstarPoint: (variant, T) => mstar.pointPixel(variant, T),
  heatmap: () => (heatmap && heatmapEvent ? { layout: heatmap.layout, step: heatmapEvent.step, n: heatmapEvent.n, relevant: heatmapEvent.relevant } : null),
});

send({ type: 'ready' });
