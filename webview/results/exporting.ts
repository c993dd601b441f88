// Turns what is on screen into files: PNG from a canvas (on the theme's background, since Chart.js
// draws on transparent), and SVG of a Chart.js chart as vectors: the chart is drawn once more, with
// the same data and options, into svgcanvas's recording 2D context, so lines, points and axes come
// out as <path>s and labels as <text>. Heatmaps are pixel images: PNG only. The host writes whatever
// we send.
import { BasicPlatform, type ChartConfiguration, type Plugin } from 'chart.js';
import { Context as SvgContext } from 'svgcanvas';
import type { PanelToHost } from '../../src/protocol/panelMessages';
import { Chart } from './charts';

export type ExportFormat = 'png' | 'svg' | 'csv' | 'json';
export type ExportMessage = Extract<PanelToHost, { type: 'export' }>;

/** The canvas as a PNG data URL, composited on an opaque background so it reads outside the editor. */
export function canvasPng(canvas: HTMLCanvasElement, background: string): string {
  const out = document.createElement('canvas');
  out.width = canvas.width;
  out.height = canvas.height;
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(canvas, 0, 0);
  return out.toDataURL('image/png');
}

const TEXT_ANCHOR: Partial<Record<CanvasTextAlign, string>> = { left: 'start', right: 'end', center: 'middle', start: 'start', end: 'end' };
const BASELINE: Partial<Record<CanvasTextBaseline, string>> = { alphabetic: 'alphabetic', hanging: 'hanging', top: 'text-before-edge', bottom: 'text-after-edge', middle: 'central' };

/**
 * svgcanvas's context with its text drawing redone: it reads the `font` shorthand by setting a
 * `style` attribute on a <span>, which the panel's Content-Security-Policy blocks (and reports).
 * This is the same <text> element (svgcanvas 2.6.0's __applyText less link support) with the font
 * parsed through CSSOM, which the policy allows.
 */
class PanelSvgContext extends SvgContext {
  protected override __applyText(text: string, x: number, y: number, action: 'fill' | 'stroke'): void {
    const font = document.createElement('span').style;
    font.font = this.font;
    const parent = this.__closestGroupOrSvg();
    const element = this.__createElement(
      'text',
      {
        'font-family': font.fontFamily,
        'font-size': font.fontSize,
        'font-style': font.fontStyle,
        'font-weight': font.fontWeight,
        x,
        y,
        'text-anchor': TEXT_ANCHOR[this.textAlign] ?? 'start',
        'dominant-baseline': BASELINE[this.textBaseline] ?? 'alphabetic',
      },
      true,
    );
    element.appendChild(this.__document.createTextNode(text));
    this.__currentElement = element;
    this.__applyTransformation(element);
    this.__applyStyleToCurrentElement(action);
    parent.appendChild(element);
  }
}

/**
 * The Chart.js chart on `canvas` as a standalone vector SVG document at the chart's CSS size, on an
 * opaque background; null when no chart is drawn on the canvas.
 */
export function chartSvg(canvas: HTMLCanvasElement, background: string, title: string): string | null {
  const live = Chart.getChart(canvas);
  if (!live || !live.width || !live.height) return null;
  const width = Math.round(live.width);
  const height = Math.round(live.height);
  const svg = new PanelSvgContext({ width, height, document });
  // Chart.js's BasicPlatform (no DOM canvas, no resize observers) takes the context from getContext.
  Object.assign(svg, { getContext: () => svg });
  const fill: Plugin = {
    id: 'svgBackground',
    beforeDraw(chart) {
      const { ctx } = chart;
      ctx.save();
      ctx.fillStyle = background;
      ctx.fillRect(0, 0, chart.width, chart.height);
      ctx.restore();
    },
  };
  const { type, data, options, plugins } = live.config as unknown as ChartConfiguration;
  // Same datasets (plugins such as the m*(T) interval bars key their extras on them), same options,
  // but a fixed size, one pixel per CSS pixel, and no animation or events. `segment` (no segment
  // styles, just present) makes Chart.js stroke lines with moveTo/lineTo on the context: its default
  // path is a Path2D, which a recording context cannot read.
  const fixed = { ...options, responsive: false, maintainAspectRatio: false, animation: false as const, devicePixelRatio: 1, events: [], segment: {} };
  const copy = new Chart(svg as unknown as CanvasRenderingContext2D, {
    type,
    data,
    options: fixed,
    plugins: [fill, ...(plugins ?? [])],
    platform: BasicPlatform,
  });
  try {
    const root = svg.getSvg();
    root.setAttribute('viewBox', `0 0 ${width} ${height}`);
    const t = document.createElementNS('http://www.w3.org/2000/svg', 'title');
    t.textContent = title;
    root.insertBefore(t, root.firstChild);
    return `<?xml version="1.0" encoding="UTF-8"?>\n${svg.getSerializedSvg(true)}\n`;
  } finally {
    copy.destroy();
  }
}

export function exportMessage(format: ExportFormat, name: string, content: string): ExportMessage {
  return { type: 'export', format, name, content };
}
