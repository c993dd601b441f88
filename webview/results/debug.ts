// A read-only window into the panel for its browser tests and the render benchmark: what the model
// holds, where the heatmap tiles were drawn (so a test can read the pixels back), how often the
// panel redrew. Nothing here changes what the panel shows, except flush(), which draws what is
// already pending right away instead of on the next frame.
import type { HeatmapLayout } from './heatmapLayout';
import type { ViewKey } from './selection';
import { type PanelModel, digest } from './state';

export interface AccuracyCellShown {
  variant: string;
  T: number;
  m: number;
  runs: number;
  value: number | null;
}

export interface DebugSources {
  model: () => PanelModel;
  selected: () => ViewKey | undefined;
  scheduler: { readonly renders: number; pending(): boolean; flush(): void };
  heatmap: () => { layout: HeatmapLayout; step: number; n: number; relevant: number[] } | null;
  /** Where an m*(T) point is drawn, so a test can click it. */
  mstarPoint?: (variant: string, T: number) => { x: number; y: number } | null;
  /** The m*(T) chart's datasets (label, hidden, dash) and y axis type; where a legend entry is drawn. */
  mstarChart?: () => MStarChartState | null;
  /** The T × m accuracy heatmaps' cells as drawn. */
  accuracyCells?: () => AccuracyCellShown[];
  mstarLegendPoint?: (label: string) => { x: number; y: number } | null;
}

export type MStarChartState = { datasets: { label: string; hidden: boolean; borderDash: number[]; colour: string }[]; yType: string };

export interface PanelDebug {
  digest(): string;
  selected(): string | undefined;
  renders(): number;
  pending(): boolean;
  flush(): void;
  heatmap(): { layout: HeatmapLayout; step: number; n: number; relevant: number[] } | null;
  mstarPoint(variant: string, T: number): { x: number; y: number } | null;
  mstarChart(): MStarChartState | null;
  mstarLegendPoint(label: string): { x: number; y: number } | null;
  /** The learning-curve legend: each run's label, in order, and its colour class by run id. */
  legendLabels(): string[];
  legendColours(): Record<string, string>;
  accuracyCells(): AccuracyCellShown[];
}

export function installDebugHook(src: DebugSources): void {
  const api: PanelDebug = {
    digest: () => digest(src.model()),
    selected: () => src.selected(),
    renders: () => src.scheduler.renders,
    pending: () => src.scheduler.pending(),
    flush: () => src.scheduler.flush(),
    // A deep copy: callers cannot reach the panel's own objects.
    heatmap: () => JSON.parse(JSON.stringify(src.heatmap())),
    mstarPoint: (variant, T) => src.mstarPoint?.(variant, T) ?? null,
    accuracyCells: () => JSON.parse(JSON.stringify(src.accuracyCells?.() ?? [])),
    legendLabels: () => Array.from(document.querySelectorAll<HTMLElement>('.legend .legend-item')).map((b) => b.textContent ?? ''),
    legendColours: () =>
      Object.fromEntries(Array.from(document.querySelectorAll<HTMLElement>('.legend .legend-item')).map((b) => [b.dataset.runId ?? '', b.querySelector('.swatch')?.className ?? ''])),
    mstarChart: () => JSON.parse(JSON.stringify(src.mstarChart?.() ?? null)),
    mstarLegendPoint: (label) => src.mstarLegendPoint?.(label) ?? null,
  };
  Object.defineProperty(window, '__panelDebug', { value: Object.freeze(api), writable: false, configurable: false });
}
