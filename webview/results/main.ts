// The results panel (browser side). The host owns the data: the panel says `ready`, renders
// everything from the `snapshot` it gets back, then applies run/sweep events as they come. Every
// message is validated first and folded into the model (state.ts, the same fold as the host's);
// then each view says whether the change concerns it, and the render scheduler redraws those views
// a few times per second at most.
//
// To add a view: write its file (a class implementing PanelView from view.ts: its DOM, where it
// sits, which changes redraw it, how it renders and exports) and add one line to VIEWS in
// registry.ts. Nothing here changes.
import './zodConfig';
import { AccuracyHeatmapView } from './accuracyHeatmapView';
import { AttentionView } from './attentionView';
import { applyChartTheme } from './charts';
import { installDebugHook } from './debug';
import { FrameView } from './frameView';
import { parseHostMessage } from './messages';
import { Panel, type VsCodeApi } from './panel';
import { VIEWS } from './registry';
import { pickSelection } from './selection';
import { applyMessage } from './state';
import { SweepView } from './sweepView';
import { onThemeChange, readTheme } from './theme';
import type { PanelView } from './view';

declare function acquireVsCodeApi(): VsCodeApi;

const panel = new Panel(acquireVsCodeApi());
applyChartTheme(panel.theme);
const frame = new FrameView(panel);
const views: PanelView[] = [frame, ...VIEWS.map((make) => make(panel))];
frame.place(document.getElementById('app')!, views.slice(1));
panel.mount(views);
for (const v of views) v.retheme?.(panel.theme);

// ---- Messages from the host ----

function receive(raw: unknown): void {
  const parsed = parseHostMessage(raw);
  if (!parsed.ok) return panel.report('warn', parsed.problem);
  const msg = parsed.message;
  if (panel.isStale(msg)) return;
  const before = panel.ui.selected;
  const change = applyMessage(panel.model, msg);
  panel.refreshCell(msg);
  if (msg.type === 'show-cell') panel.showCell(msg);
  // A focus is obeyed once; the host repeats it in every snapshot it re-sends.
  const focus = change.kind === 'snapshot' && panel.model.focus !== panel.ui.lastFocus ? panel.model.focus : undefined;
  if (focus) panel.ui.lastFocus = focus;
  panel.ui.selected = pickSelection(panel.model, panel.ui.selected, focus);
  // The table's runs are saved for a window reload: keep them current as runs arrive.
  const runsChanged = change.kind === 'snapshot' || (change.kind === 'run' && change.added);
  if (focus || (runsChanged && panel.ui.selected === 'table')) panel.saveUi();
  if (panel.ui.selected !== before) {
    panel.saveUi();
    panel.redrawAll();
    return;
  }
  const due = views.filter((v) => v.wants(change)).map((v) => v.id);
  panel.redraw(due, change.kind === 'snapshot' || change.kind === 'cell');
}

window.addEventListener('message', (event: MessageEvent) => receive(event.data));

onThemeChange(() => {
  panel.theme = readTheme();
  applyChartTheme(panel.theme);
  for (const v of views) v.retheme?.(panel.theme);
  panel.redrawAll();
});

const attention = views.find((v): v is AttentionView => v instanceof AttentionView);
const sweep = views.find((v): v is SweepView => v instanceof SweepView);
const accuracy = views.find((v): v is AccuracyHeatmapView => v instanceof AccuracyHeatmapView);
installDebugHook({
  model: () => panel.model,
  selected: () => panel.ui.selected,
  scheduler: panel.scheduler,
  mstarPoint: (variant, T) => sweep?.pointPixel(variant, T) ?? null,
  mstarChart: () => sweep?.mstarChart.described() ?? null,
  mstarLegendPoint: (label) => sweep?.mstarChart.legendPoint(label) ?? null,
  heatmap: () => attention?.drawn() ?? null,
  accuracyCells: () => accuracy?.cells() ?? [],
});

panel.send({ type: 'ready' });
