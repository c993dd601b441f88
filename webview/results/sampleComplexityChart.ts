// m*(T): the samples needed to learn, against the context length on a log axis, one colour per
// variant (the sweep's model and its compareWith models). Each m* carries its interval (the largest
// size that failed below it) as a bar, a censored T (no size passed) shows as a hollow triangle at
// the largest size tried — a lower bound. The best fit is solid, the other two dashed (on request),
// all drawn from the points the core computed (mstarDatasets.ts): this file evaluates no formula.
// The y axis turns logarithmic by itself when the variants' m* differ by more than ~5× (mstarAxis.ts),
// and a click on a variant's legend entry shows that variant alone.
import type { LegendItem, Plugin } from 'chart.js';
import { mstarLogY } from '../../src/protocol/mstarAxis';
import type { SweepPoint, VariantResult } from '../../src/protocol/sweepEvents';
import { Chart } from './charts';
import { type MStarDataset, type Point, applyIsolation, tagOf, variantDatasets } from './mstarDatasets';
import type { Theme } from './theme';

/** The cell an m*(T) point stands for: (T, m*), m* being the smallest training-set size that passed. */
export function mStarCell(p: SweepPoint): number | undefined {
  const passed = p.cells.filter((c) => c.status === 'passed').map((c) => c.m);
  if (p.mStar !== null && p.cells.some((c) => c.m === p.mStar)) return p.mStar;
  return passed.length ? Math.min(...passed) : undefined;
}

const intervalBars: Plugin<'scatter'> = {
  id: 'intervalBars',
  beforeDatasetsDraw(chart) {
    const { ctx, scales } = chart;
    const x = scales.x;
    const y = scales.y;
    chart.data.datasets.forEach((ds, i) => {
      const bars = tagOf.get(ds)?.intervals;
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
  private theme: Theme | null = null;
  private last: { variants: VariantResult[]; colours: string[] } | null = null;
  private logYAuto = false;
  private yFloor: number | undefined;
  private logYChoice: boolean | null = null;
  private allFits = false;
  private isolated: string | null = null;
  private readonly fitShown = new Map<string, boolean>();
  /** Called after each draw (the toolbar follows the automatic log-y choice). */
  onChange?: () => void;

  /** `onOpen` is called with the cell behind a clicked m* point. */
  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly onOpen?: (variant: string, T: number, m: number) => void,
  ) {}

  build(theme: Theme): void {
    this.destroy();
    this.theme = theme;
    this.chart = new Chart<'scatter', Point[]>(this.canvas, {
      type: 'scatter',
      data: { datasets: [] },
      plugins: [intervalBars],
      options: {
        animation: false,
        onClick: (event, elements, chart) => {
          const hit = elements.find((e) => tagOf.get(chart.data.datasets[e.datasetIndex])?.points);
          const source = hit && tagOf.get(chart.data.datasets[hit.datasetIndex]);
          const point = hit && source?.points?.[hit.index];
          const m = point && mStarCell(point);
          if (source && point && m !== undefined) this.onOpen?.(source.variant, point.T, m);
        },
        onHover: (event, elements, chart) => {
          // A pointer over a point that opens a cell says so.
          const opens = elements.some((e) => tagOf.get(chart.data.datasets[e.datasetIndex])?.points);
          chart.canvas.style.cursor = opens && this.onOpen ? 'pointer' : '';
        },
        plugins: {
          legend: { position: 'bottom', labels: { usePointStyle: true, boxHeight: 8 }, onClick: (_e, item) => this.legendClick(item) },
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
            // Before any T has a point Chart.js picks its own ticks ("0.7692307692307692"): no labels then.
            ticks: { callback: (v) => (this.Ts.length ? String(v) : '') },
          },
          y: this.yScale(theme),
        },
      },
    });
  }

  update(variants: VariantResult[], colours: string[]): void {
    this.last = { variants, colours };
    this.logYAuto = mstarLogY(variants);
    const ms = variants.flatMap((v) => v.points.flatMap((p) => [p.mStar, p.interval[0]]).filter((m): m is number => m !== null && m > 0));
    // A fit that dips towards 0 (a + b·ln T with a < 0) must not stretch a log axis down to 1.
    this.yFloor = ms.length ? Math.min(...ms) / 1.5 : undefined;
    const chart = this.chart;
    if (!chart) return;
    this.Ts = [...new Set(variants.flatMap((v) => v.points.map((p) => p.T)))].sort((a, b) => a - b);
    const datasets = variants.flatMap((v, i) => variantDatasets(v, colours[i % colours.length], this.allFits));
    for (const ds of datasets) {
      const tag = tagOf.get(ds);
      const shown = tag?.kind === 'fit' ? this.fitShown.get(`${tag.variant}|${tag.model}`) : undefined;
      if (shown !== undefined) ds.hidden = !shown;
    }
    applyIsolation(datasets, this.isolated);
    chart.data.datasets = datasets;
    const lo = this.Ts[0] ?? 1;
    const hi = this.Ts[this.Ts.length - 1] ?? 10;
    // A margin on the log axis so the end points and their bars are not cut by the frame.
    chart.options.scales!.x!.min = lo / 1.3;
    chart.options.scales!.x!.max = hi * 1.3;
    if (this.theme) chart.options.scales!.y = this.yScale(this.theme);
    chart.update('none');
    this.onChange?.();
  }

  /** Log y: the user's choice once made, else on when the variants' m* differ by more than ~5×. */
  logY(): boolean {
    return this.logYChoice ?? this.logYAuto;
  }

  setLogY(on: boolean): void {
    this.logYChoice = on;
    this.redraw();
  }

  /** Draws the two non-best fits of every variant too (dashed), or only the best. */
  setAllFits(on: boolean): void {
    this.allFits = on;
    this.fitShown.clear();
    this.redraw();
  }

  /** The variant shown alone (legend click on it), or null. */
  isolatedVariant(): string | null {
    return this.isolated;
  }

  /** What the chart draws now, for the debug hook: datasets and the y axis. */
  described(): { datasets: { label: string; hidden: boolean; borderDash: number[]; colour: string }[]; yType: string } | null {
    const chart = this.chart;
    if (!chart) return null;
    const datasets = chart.data.datasets.map((ds, i) => ({
      label: ds.label ?? '',
      hidden: !chart.isDatasetVisible(i),
      borderDash: ((ds as { borderDash?: number[] }).borderDash ?? []).slice(),
      colour: String(ds.borderColor ?? ''),
    }));
    return { datasets, yType: String(chart.options.scales?.y?.type ?? 'linear') };
  }

  /** Where a legend item is drawn (CSS pixels in the canvas), for tests that click it. */
  legendPoint(label: string): { x: number; y: number } | null {
    const legend = this.chart?.legend;
    const i = legend?.legendItems?.findIndex((item) => item.text === label) ?? -1;
    // Chart.js keeps the legend's hit boxes unexported; read them, only for tests that click.
    const boxes = (legend as unknown as { legendHitBoxes?: { left: number; top: number; width: number; height: number }[] } | undefined)?.legendHitBoxes;
    const box = i >= 0 ? boxes?.[i] : undefined;
    return box ? { x: box.left + box.width / 2, y: box.top + box.height / 2 } : null;
  }

  /**
   * A variant's m* entry isolates it (a second click restores all); a fit's or censored entry toggles
   * that dataset, and a fit's choice survives live updates.
   */
  private legendClick(item: LegendItem): void {
    const chart = this.chart;
    const ds = chart && item.datasetIndex !== undefined ? chart.data.datasets[item.datasetIndex] : undefined;
    const tag = ds && tagOf.get(ds);
    if (!chart || !ds || !tag) return;
    if (tag.kind === 'mstar') {
      this.isolated = this.isolated === tag.variant ? null : tag.variant;
      this.redraw();
      return;
    }
    const shown = !chart.isDatasetVisible(item.datasetIndex!);
    if (tag.kind === 'fit') this.fitShown.set(`${tag.variant}|${tag.model}`, shown);
    chart.setDatasetVisibility(item.datasetIndex!, shown);
    chart.update('none');
  }

  private redraw(): void {
    if (this.last) this.update(this.last.variants, this.last.colours);
  }

  private yScale(theme: Theme) {
    const log = this.logY();
    const title = { display: true, text: `m* (training samples needed${log ? ', log scale' : ''})`, color: theme.muted };
    return log
      ? { type: 'logarithmic' as const, min: this.yFloor, title, grid: { color: theme.grid }, ticks: { callback: (v: number | string) => String(v) } }
      : { type: 'linear' as const, min: 0, title, grid: { color: theme.grid } };
  }

  /** Where a variant's m* point at T is drawn (CSS pixels in the canvas), for tests that click it. */
  pointPixel(variant: string, T: number): { x: number; y: number } | null {
    const chart = this.chart;
    if (!chart) return null;
    for (let i = 0; i < chart.data.datasets.length; i++) {
      const source = tagOf.get(chart.data.datasets[i]);
      const j = source?.points && source.variant === variant ? source.points.findIndex((p) => p.T === T) : -1;
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
