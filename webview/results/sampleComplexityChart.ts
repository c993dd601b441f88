// m*(T): the samples needed to learn, against the context length on a log axis, one colour per
// variant (the sweep's model and its compareWith models). Each m* carries its interval (the largest
// size that failed below it) as a bar, a censored T (no size passed) shows as a hollow triangle at
// the largest size tried — a lower bound — and the best fit is a dashed curve drawn from the points
// the core computed (src/core/sweep/scalingFits.ts): this file evaluates no formula (fitModels.ts words it).
import type { ChartDataset, Plugin } from 'chart.js';
import { fitFormula } from '../../src/protocol/fitModels';
import type { SweepPoint, VariantResult } from '../../src/protocol/sweepEvents';
import { Chart } from './charts';
import type { Theme } from './theme';

type Point = { x: number; y: number };
type Interval = { x: number; lo: number; hi: number };

/** Drill-down: the variant and points behind each m* dataset, so a clicked point names its cell. */
const pointsOf = new WeakMap<object, { variant: string; points: SweepPoint[] }>();

/** The cell an m*(T) point stands for: (T, m*), m* being the smallest training-set size that passed. */
export function mStarCell(p: SweepPoint): number | undefined {
  const passed = p.cells.filter((c) => c.status === 'passed').map((c) => c.m);
  if (p.mStar !== null && p.cells.some((c) => c.m === p.mStar)) return p.mStar;
  return passed.length ? Math.min(...passed) : undefined;
}

/** Interval bars for the datasets registered here (a WeakMap, so datasets keep Chart.js's own type). */
const intervals = new WeakMap<object, Interval[]>();

const intervalBars: Plugin<'scatter'> = {
  id: 'intervalBars',
  beforeDatasetsDraw(chart) {
    const { ctx, scales } = chart;
    const x = scales.x;
    const y = scales.y;
    chart.data.datasets.forEach((ds, i) => {
      const bars = intervals.get(ds);
      if (!bars || !chart.isDatasetVisible(i)) return;
      ctx.save();
      ctx.strokeStyle = (ds.borderColor as string) ?? '#888';
      ctx.lineWidth = 1.5;
      for (const b of bars) {
        const px = x.getPixelForValue(b.x);
        const top = y.getPixelForValue(b.hi);
        const bottom = y.getPixelForValue(b.lo);
        ctx.beginPath();
        ctx.moveTo(px, top);
        ctx.lineTo(px, bottom);
        ctx.moveTo(px - 4, top);
        ctx.lineTo(px + 4, top);
        ctx.moveTo(px - 4, bottom);
        ctx.lineTo(px + 4, bottom);
        ctx.stroke();
      }
      ctx.restore();
    });
  },
};

export class SampleComplexityChart {
  private chart: Chart<'scatter', Point[]> | null = null;
  private Ts: number[] = [];

  /** `onOpen` is called with the cell behind a clicked m* point. */
  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly onOpen?: (variant: string, T: number, m: number) => void,
  ) {}

  build(theme: Theme): void {
    this.destroy();
    this.chart = new Chart<'scatter', Point[]>(this.canvas, {
      type: 'scatter',
      data: { datasets: [] },
      plugins: [intervalBars],
      options: {
        animation: false,
        onClick: (event, elements, chart) => {
          const hit = elements.find((e) => pointsOf.has(chart.data.datasets[e.datasetIndex]));
          const source = hit && pointsOf.get(chart.data.datasets[hit.datasetIndex]);
          const point = hit && source?.points[hit.index];
          const m = point && mStarCell(point);
          if (source && point && m !== undefined) this.onOpen?.(source.variant, point.T, m);
        },
        onHover: (event, elements, chart) => {
          // A pointer over a point that opens a cell says so.
          const opens = elements.some((e) => pointsOf.has(chart.data.datasets[e.datasetIndex]));
          chart.canvas.style.cursor = opens && this.onOpen ? 'pointer' : '';
        },
        plugins: {
          legend: { position: 'bottom', labels: { usePointStyle: true, boxHeight: 8 } },
          tooltip: { callbacks: { label: (item) => `${item.dataset.label}: T = ${item.parsed.x}, m* = ${Math.round(item.parsed.y ?? 0)}` } },
        },
        scales: {
          x: {
            type: 'logarithmic',
            title: { display: true, text: 'context length T (log scale)', color: theme.muted },
            grid: { color: theme.grid },
            // Ticks exactly at the T values measured, not at 1-2-5 decades.
            afterBuildTicks: (scale) => {
              if (this.Ts.length) scale.ticks = this.Ts.map((value) => ({ value }));
            },
            ticks: { callback: (v) => String(v) },
          },
          y: { type: 'linear', min: 0, title: { display: true, text: 'm* (training samples needed)', color: theme.muted }, grid: { color: theme.grid } },
        },
      },
    });
  }

  update(variants: VariantResult[], colours: string[]): void {
    const chart = this.chart;
    if (!chart) return;
    this.Ts = [...new Set(variants.flatMap((v) => v.points.map((p) => p.T)))].sort((a, b) => a - b);
    const datasets: ChartDataset<'scatter', Point[]>[] = [];
    variants.forEach((v, i) => {
      const colour = colours[i % colours.length];
      const found = v.points.filter((p) => p.status === 'found');
      const m: ChartDataset<'scatter', Point[]> = {
        label: `${v.label}: m*`,
        data: found.map((p) => ({ x: p.T, y: p.mStar! })),
        borderColor: colour,
        backgroundColor: colour,
        pointRadius: 5,
        pointHoverRadius: 7,
      };
      intervals.set(
        m,
        found.filter((p) => p.interval[0] !== null).map((p) => ({ x: p.T, lo: p.interval[0]!, hi: p.interval[1] ?? p.mStar! })),
      );
      pointsOf.set(m, { variant: v.label, points: found });
      datasets.push(m);
      const censored = v.points.filter((p) => p.status === 'censored' && p.interval[0] !== null);
      if (censored.length) {
        datasets.push({
          label: `${v.label}: censored (m* above)`,
          data: censored.map((p) => ({ x: p.T, y: p.interval[0]! })),
          borderColor: colour,
          backgroundColor: 'transparent',
          pointStyle: 'triangle',
          pointRadius: 7,
          borderWidth: 2,
        });
      }
      if (v.fits && v.best && v.curve.length) {
        datasets.push({
          label: `${v.label} fit: m* ≈ ${fitFormula(v.best, v.fits[v.best])}`,
          data: v.curve.map((p) => ({ x: p.T, y: p.m })),
          borderColor: colour,
          backgroundColor: colour,
          borderDash: [6, 4],
          borderWidth: 2,
          pointRadius: 0,
          pointStyle: 'line',
          showLine: true,
        });
      }
    });
    chart.data.datasets = datasets;
    const lo = this.Ts[0] ?? 1;
    const hi = this.Ts[this.Ts.length - 1] ?? 10;
    // A margin on the log axis so the end points and their bars are not cut by the frame.
    chart.options.scales!.x!.min = lo / 1.3;
    chart.options.scales!.x!.max = hi * 1.3;
    chart.update('none');
  }

  /** Where a variant's m* point at T is drawn (CSS pixels in the canvas), for tests that click it. */
  pointPixel(variant: string, T: number): { x: number; y: number } | null {
    const chart = this.chart;
    if (!chart) return null;
    for (let i = 0; i < chart.data.datasets.length; i++) {
      const source = pointsOf.get(chart.data.datasets[i]);
      const j = source?.variant === variant ? source.points.findIndex((p) => p.T === T) : -1;
      const el = j >= 0 ? chart.getDatasetMeta(i).data[j] : undefined;
      if (el) return { x: el.x, y: el.y };
    }
    return null;
  }

  destroy(): void {
    this.chart?.destroy();
    this.chart = null;
  }
}
