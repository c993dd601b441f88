// A sweep's page: its progress and facts, the m*(T) chart (a click on a point opens that cell), and
// per variant the verdict, the fits and the success table. Exports m*(T) and the cells as CSV/JSON
// and the chart as PNG or SVG.
import { chartCard, exportButtons, exportCard } from './cards';
import { el, facts } from './dom';
import { cellsCsv, fileStem, mStarCsv, sweepJson } from './exportData';
import type { ExportFormat } from './exporting';
import type { Panel } from './panel';
import { SampleComplexityChart } from './sampleComplexityChart';
import type { Change, SweepModel } from './state';
import { renderSweepTables } from './sweepTables';
import { markVerdict, mstarToolbar } from './sweepVerdict';
import type { Theme } from './theme';
import type { PanelView } from './view';
import { progressText } from '../../src/protocol/sweepProgress';

const MSTAR_NOTE =
  'Smallest training-set size at which enough seeds reach the target, per context length. Bars: the interval between the largest size that failed and m*. Solid: the best fit (dashed: the other two, with "all three fits"); a + b·ln T is a straight line on the log T axis. Click a variant in the legend to show it alone.';

export class SweepView implements PanelView {
  readonly id = 'sweep';
  readonly page = 'sweep';
  readonly slot = 80;
  readonly nodes: HTMLElement[];
  private readonly facts = el('dl', { className: 'facts' });
  private readonly verdicts = el('div', { className: 'variants' });
  private readonly mstar: SampleComplexityChart;
  private readonly open = (variant: string, T: number, m: number) => this.panel.openCell(variant, T, m);

  constructor(private readonly panel: Panel) {
    const card = chartCard('mstar', 'Sample complexity m*(T)', MSTAR_NOTE, (f) => this.export('mstar', f), 'chart-box tall');
    this.mstar = new SampleComplexityChart(card.canvas, this.open);
    card.box.before(mstarToolbar(this.mstar));
    const cellsHead = el('div', { className: 'section-head' }, el('h2', {}, 'Verdict and success table'), exportButtons('success table', ['csv', 'json'], (f) => this.export('cells', f)));
    this.nodes = [this.facts, card.figure, cellsHead, this.verdicts];
  }

  wants(change: Change): boolean {
    return change.kind === 'snapshot' || change.kind === 'sweep';
  }

  retheme(theme: Theme): void {
    this.mstar.build(theme);
  }

  render(): void {
    const sweep = this.panel.selectedSweep();
    if (!sweep) return;
    renderSweepFacts(this.facts, sweep);
    this.mstar.update(sweep.variants, this.panel.theme.series);
    renderSweepTables(this.verdicts, sweep, this.panel.theme.series, this.open);
    markVerdict(this.verdicts, sweep);
  }

  /** The m*(T) chart, for the debug hook (what it draws, where its legend entries are). */
  get mstarChart(): SampleComplexityChart {
    return this.mstar;
  }

  /** Where an m*(T) point is drawn, for the debug hook. */
  pointPixel(variant: string, T: number) {
    return this.mstar.pointPixel(variant, T);
  }

  private export(card: 'mstar' | 'cells', format: ExportFormat): void {
    exportCard(this.panel, card, format, (image) => {
      const sweep = this.panel.selectedSweep();
      if (!sweep) return 'nothing to export: no sweep is shown';
      const name = `${fileStem(sweep.name)}-${card === 'mstar' ? 'mstar' : 'cells'}`;
      if (format === 'json') return { name, content: sweepJson(sweep) };
      if (format === 'csv') return { name, content: card === 'mstar' ? mStarCsv(sweep) : cellsCsv(sweep) };
      return { name, content: image(this.mstar.canvas, `${sweep.name}: m*(T)`) };
    });
  }
}

function renderSweepFacts(list: HTMLDListElement, sweep: SweepModel): void {
  const progress = el('progress');
  // plannedRuns is an upper bound: a bisect search usually needs fewer, so a finished sweep is full.
  const planned = sweep.summary ? sweep.runsDone : sweep.plannedRuns;
  progress.max = Math.max(1, planned);
  progress.value = sweep.runsDone;
  progress.setAttribute('aria-label', 'Runs done');
  const done = el('span', { className: 'progress' }, progress, ` ${progressText(sweep, planned, Date.now())}`);
  const pairs: [string, string | Node][] = [['Progress', done]];
  if (sweep.successRate !== null) pairs.push(['Success needs', `${Math.round(sweep.successRate * 100)}% of seeds`]);
  if (sweep.queue) pairs.push(['Queue workers', `${sweep.queue.workers} connected${sweep.queue.hosts.length ? ` (${sweep.queue.hosts.join(', ')})` : ''}`]);
  if (sweep.active.length) {
    const shown = sweep.active.slice(0, 4).map((c) => `${c.variant} T=${c.T} m=${c.m}`);
    pairs.push(['Training now', shown.join('; ') + (sweep.active.length > 4 ? ` and ${sweep.active.length - 4} more` : '')]);
  }
  const s = sweep.summary;
  if (s) pairs.push(['Runs', `${s.runsExecuted} trained, ${s.runsReused} reused, ${s.runsFailed} crashed or refused`], ['Time', `${s.wallSeconds.toFixed(0)} s`]);
  if (s?.reason) pairs.push([s.status === 'incomplete' ? 'Incomplete' : 'Note', s.reason]);
  facts(list, pairs);
}
