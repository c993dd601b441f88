// Learning curves: one Chart.js line chart per metric, every run overlaid in its own colour. The
// selected run is drawn thicker; runs can be hidden from the legend above the charts.
import type { ChartDataset } from 'chart.js';
import { Chart } from './charts';
import type { CurveKey } from './exportData';
import type { RunModel } from './state';
import type { Theme } from './theme';

export interface CurveSpec {
  key: CurveKey;
  title: string;
  /** Accuracies and the attention share live in [0, 1]; loss only has a floor. */
  bounded: boolean;
  description: string;
}

export const CURVES: CurveSpec[] = [
  { key: 'loss', title: 'Training loss', bounded: false, description: 'Mean cross-entropy over the steps since the previous evaluation.' },
  { key: 'trainAccuracy', title: 'Train accuracy', bounded: true, description: 'Accuracy on the training set.' },
  { key: 'testAccuracy', title: 'Test accuracy', bounded: true, description: 'Accuracy on held-out inputs.' },
  {
    key: 'attentionOnRelevant',
    title: 'Variable creation',
    bounded: true,
    description: 'Share of the best head\u2019s [CLS] attention on the relevant bits.',
  },
];

export type StepPoint = { x: number; y: number | null };

/**
 * A line chart over training steps: the options every such chart in the panel shares (learning curves,
 * the norms and per-head charts). `bounded`: a share in [0, 1]; `legend`/`yTitle` where the chart has them.
 */
export function stepLineChart(canvas: HTMLCanvasElement, theme: Theme, opts: { bounded: boolean; legend?: boolean; yTitle?: string }): Chart<'line', StepPoint[]> {
  return new Chart<'line', StepPoint[]>(canvas, {
    type: 'line',
    data: { datasets: [] },
    options: {
      animation: false,
      parsing: false,
      normalized: true,
      spanGaps: true,
      interaction: { mode: 'nearest', axis: 'x', intersect: false },
      plugins: {
        legend: opts.legend ? { position: 'bottom', labels: { boxHeight: 8 } } : { display: false },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${formatValue(item.parsed.y)}` } },
      },
      scales: {
        x: { type: 'linear', title: { display: true, text: 'step', color: theme.muted }, ticks: { maxTicksLimit: 6 }, grid: { color: theme.grid } },
        y: {
          type: 'linear',
          min: 0,
          max: opts.bounded ? 1 : undefined,
          ...(opts.yTitle ? { title: { display: true, text: opts.yTitle, color: theme.muted } } : {}),
          ticks: { maxTicksLimit: 6 },
          grid: { color: theme.grid },
        },
      },
    },
  });
}

export class CurveCharts {
  private charts = new Map<CurveKey, Chart<'line', StepPoint[]>>();

  constructor(private readonly canvases: Map<CurveKey, HTMLCanvasElement>) {}

  /** (Re)creates the charts, e.g. after a theme change: Chart.js resolves colours when a chart is built. */
  build(theme: Theme): void {
    this.destroy();
    for (const spec of CURVES) {
      const canvas = this.canvases.get(spec.key)!;
      const chart = stepLineChart(canvas, theme, { bounded: spec.bounded });
      this.charts.set(spec.key, chart);
    }
  }

  update(runs: RunModel[], colours: Map<string, string>, hidden: Set<string>, selectedRunId: string | undefined): void {
    for (const spec of CURVES) {
      const chart = this.charts.get(spec.key);
      if (!chart) continue;
      chart.data.datasets = runs.map((run): ChartDataset<'line', StepPoint[]> => {
        const selected = run.runId === selectedRunId;
        const colour = colours.get(run.runId) ?? '#888';
        return {
          label: run.label,
          data: run.metrics.map((m) => ({ x: m.step, y: m[spec.key] })),
          borderColor: colour,
          backgroundColor: colour,
          borderWidth: selected ? 2.5 : 1.5,
          pointRadius: run.metrics.length <= 40 ? (selected ? 2.5 : 1.5) : 0,
          pointHoverRadius: 4,
          hidden: hidden.has(run.runId),
          order: selected ? 0 : 1,
        };
      });
      chart.update('none');
    }
  }

  /** Draws the given datasets instead of one per run (the mean ± 95 % mode, bandCurves.ts). */
  showDatasets(datasetsFor: (key: CurveKey) => ChartDataset<'line', StepPoint[]>[]): void {
    for (const spec of CURVES) {
      const chart = this.charts.get(spec.key);
      if (!chart) continue;
      chart.data.datasets = datasetsFor(spec.key);
      chart.update('none');
    }
  }

  canvas(key: CurveKey): HTMLCanvasElement {
    return this.canvases.get(key)!;
  }

  destroy(): void {
    for (const c of this.charts.values()) c.destroy();
    this.charts.clear();
  }
}

export const formatValue = (v: number | null | undefined, digits = 3) => (v === null || v === undefined || Number.isNaN(v) ? '–' : v.toFixed(digits));
