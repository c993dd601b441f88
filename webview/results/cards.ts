// A chart card (heading, export buttons, note, canvas box) and the one way a card exports: flush
// pending redraws (export what the data says now, not the last throttled frame), let the view that
// owns the card make the file, send it to the host, or say in the log why there is nothing to send.
import { button, el } from './dom';
import { type ExportFormat, canvasPng, chartSvg, exportMessage } from './exporting';
import type { Panel } from './panel';

export interface ChartCard {
  figure: HTMLElement;
  heading: HTMLElement;
  canvas: HTMLCanvasElement;
  box: HTMLElement;
}

/** A file to send, or (a string) why nothing can be exported now. */
export type Exported = { name: string; content: string | null } | string;
/** PNG of any canvas; SVG re-draws a Chart.js chart as vectors (null for a canvas with no chart). */
export type ImageOf = (canvas: HTMLCanvasElement, title: string) => string | null;
export type OnExport = (format: ExportFormat) => void;

/** Chart.js charts export as PNG or vector SVG; pixel images (the attention heatmaps) as PNG only. */
export const CHART_FORMATS: ExportFormat[] = ['png', 'svg', 'csv', 'json'];
export const PIXEL_FORMATS: ExportFormat[] = ['png', 'csv', 'json'];

export function exportButtons(title: string, formats: ExportFormat[], onExport: OnExport): HTMLElement {
  const group = el('div', { className: 'export' });
  group.setAttribute('role', 'group');
  group.setAttribute('aria-label', `Export ${title}`);
  for (const f of formats) group.append(button(f.toUpperCase(), `Export ${title} as ${f.toUpperCase()}`, () => onExport(f), 'secondary small'));
  return group;
}

/** `id` names the card's elements (`${id}-title`, `${id}-canvas`, class `card-${id}`). */
export function chartCard(id: string, title: string, description: string, onExport: OnExport, boxClass = 'chart-box', formats = CHART_FORMATS): ChartCard {
  const heading = el('h3', { id: `${id}-title` }, title);
  const canvas = el('canvas', { id: `${id}-canvas` });
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `${title}. ${description}`);
  const box = el('div', { className: boxClass }, canvas);
  const figure = el(
    'figure',
    { className: `card card-${id}` },
    el('figcaption', { className: 'card-head' }, heading, exportButtons(title, formats, onExport)),
    el('p', { className: 'card-note' }, description),
    box,
  );
  figure.setAttribute('aria-labelledby', heading.id);
  return { figure, heading, canvas, box };
}

/** Exports one card in one format: `make` builds the file from what is shown now. */
export function exportCard(panel: Panel, card: string, format: ExportFormat, make: (image: ImageOf) => Exported): void {
  panel.flush();
  const background = panel.theme.background;
  const image: ImageOf = (canvas, title) => (format === 'png' ? canvasPng(canvas, background) : chartSvg(canvas, background, title));
  const made = make(image);
  if (typeof made === 'string') return panel.report('warn', made);
  if (made.content === null) return panel.report('warn', `nothing to export as ${format.toUpperCase()}: no chart is drawn for ${card}`);
  panel.send(exportMessage(format, made.name, made.content));
}
