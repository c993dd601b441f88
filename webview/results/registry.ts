// The results page's views, in the order they draw when several are due in one frame (the page frame,
// frameView.ts, always draws first). Where each one sits on the page is its own `page` and `slot`.
import { AccuracyHeatmapView } from './accuracyHeatmapView';
import { AttentionView } from './attentionView';
import { CellView } from './cellView';
import { CurvesView } from './curvesView';
import { NormsView } from './normsView';
import type { Panel } from './panel';
import { RunFactsView } from './runFactsView';
import { RunsTableView } from './runsTableView';
import { SweepView } from './sweepView';
import { UntilView } from './untilView';
import type { PanelView } from './view';

export const VIEWS: ((panel: Panel) => PanelView)[] = [
  (p) => new RunFactsView(p),
  (p) => new CurvesView(p),
  (p) => new AttentionView(p),
  (p) => new NormsView(p),
  (p) => new CellView(p),
  (p) => new RunsTableView(p),
  (p) => new SweepView(p),
  (p) => new AccuracyHeatmapView(p),
  (p) => new UntilView(p),
];
