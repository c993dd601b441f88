// Turns what is on screen into files: PNG from a canvas (on the theme's background, since Chart.js
// draws on transparent), and SVG that wraps that PNG. The host writes whatever we send.
import type { PanelToHost } from '../../src/protocol/panelMessages';

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

const escapeXml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** An SVG document holding the PNG at the canvas's CSS size (crisp on high-DPI screens too). */
export function canvasSvg(canvas: HTMLCanvasElement, background: string, title: string): string {
  const w = canvas.clientWidth || canvas.width;
  const h = canvas.clientHeight || canvas.height;
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">
<title>${escapeXml(title)}</title>
<image width="${w}" height="${h}" href="${canvasPng(canvas, background)}"/>
</svg>
`;
}

export function exportMessage(format: ExportFormat, name: string, content: string): ExportMessage {
  return { type: 'export', format, name, content };
}
