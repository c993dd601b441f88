// Colours for canvases and Chart.js, read from the --vscode-* variables VS Code sets on the page, so
// the charts follow the editor's theme (and change with it). Fallbacks are VS Code's Dark Modern.

import { VARIANT_PALETTE } from '../../src/protocol/variantColours';

export type Rgb = [number, number, number];

export interface Theme {
  foreground: string;
  muted: string;
  background: string;
  border: string;
  grid: string;
  focus: string;
  /** One colour per run or sweep variant, in order. */
  series: string[];
  /** The heatmap ramps from the background to this colour. */
  heat: string;
  /** Marks the relevant positions. */
  marker: string;
  fontFamily: string;
  fontSize: number;
}

// The one palette, shared with the HTML report (src/protocol/variantColours.ts).
const SERIES_VARS: [string, string][] = VARIANT_PALETTE.map(({ cssVar, hex }) => [cssVar, hex]);

export function readTheme(root: Element = document.documentElement): Theme {
  const style = getComputedStyle(root);
  const bodyStyle = getComputedStyle(document.body);
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const foreground = v('--vscode-editor-foreground', v('--vscode-foreground', '#cccccc'));
  return {
    foreground,
    muted: v('--vscode-descriptionForeground', '#9d9d9d'),
    background: v('--vscode-editor-background', '#1f1f1f'),
    border: v('--vscode-panel-border', v('--vscode-widget-border', '#80808059')),
    grid: v('--vscode-editorWidget-border', v('--vscode-panel-border', '#80808040')),
    focus: v('--vscode-focusBorder', '#0078d4'),
    series: SERIES_VARS.map(([name, fallback]) => v(name, fallback)),
    heat: v('--vscode-charts-blue', '#3794ff'),
    marker: v('--vscode-charts-red', '#f14c4c'),
    fontFamily: v('--vscode-font-family', bodyStyle.fontFamily || 'system-ui, sans-serif'),
    fontSize: parseFloat(v('--vscode-font-size', '13')) || 13,
  };
}

const colourProbe = (() => {
  let ctx: CanvasRenderingContext2D | null = null;
  return () => (ctx ??= document.createElement('canvas').getContext('2d', { willReadFrequently: true }));
})();

/** Any CSS colour as RGB (the canvas normalises names, hex with alpha, rgb(), hsl()...); alpha is blended onto black. */
export function toRgb(colour: string): Rgb {
  const ctx = colourProbe();
  if (!ctx) return [128, 128, 128];
  ctx.clearRect(0, 0, 1, 1);
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, 1, 1);
  ctx.fillStyle = colour;
  ctx.fillRect(0, 0, 1, 1);
  const d = ctx.getImageData(0, 0, 1, 1).data;
  return [d[0], d[1], d[2]];
}

/** The colour with an alpha, for translucent fills. */
export function withAlpha(colour: string, alpha: number): string {
  const [r, g, b] = toRgb(colour);
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

/** Calls back when VS Code switches theme: it rewrites the variables on <html> and the body's classes. */
export function onThemeChange(callback: () => void): void {
  const observer = new MutationObserver(() => callback());
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
