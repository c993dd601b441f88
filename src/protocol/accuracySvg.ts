// The accuracy heatmap as a standalone SVG (the HTML report, and the panel's SVG export): the same
// layout (accuracyLayout.ts) and colours (accuracyScale.ts) the panel's canvas draws.
import { type AccuracyGrid } from './accuracyGrid';
import { type AccuracyLayout, accuracyLayout, cellBox } from './accuracyLayout';
import { accuracyColour, textOn } from './accuracyScale';

export interface SvgColours {
  background: string;
  foreground: string;
  muted: string;
  empty: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function cells(grid: AccuracyGrid, l: AccuracyLayout, c: SvgColours): string[] {
  return grid.cells.map((cell) => {
    const b = cellBox(l, cell);
    const fill = cell.value === null ? c.empty : accuracyColour(cell.value);
    const text = cell.value === null || l.cellW < 34 ? '' : `<text x="${b.x + b.w / 2}" y="${b.y + b.h / 2 + 4}" text-anchor="middle" font-size="11" fill="${textOn(cell.value)}">${cell.value.toFixed(2)}</text>`;
    return `<rect x="${b.x + 0.5}" y="${b.y + 0.5}" width="${b.w - 1}" height="${b.h - 1}" fill="${fill}"><title>${esc(`T = ${cell.T}, m = ${cell.m}: ${cell.value === null ? 'no accuracy' : cell.value.toFixed(3)} (${cell.runs} runs)`)}</title></rect>${text}`;
  });
}

export function accuracySvg(grid: AccuracyGrid, colours: SvgColours, width = 560): string {
  const l = accuracyLayout(grid, width);
  const label = (t: { text: string; x: number; y: number }, anchor: string, fill = colours.muted) =>
    `<text x="${t.x}" y="${t.y + 4}" text-anchor="${anchor}" font-size="11" fill="${fill}">${esc(t.text)}</text>`;
  const stops = Array.from({ length: 11 }, (_, i) => `<stop offset="${i * 10}%" stop-color="${accuracyColour(0.5 + i * 0.05)}"/>`).join('');
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${l.width}" height="${l.height}" viewBox="0 0 ${l.width} ${l.height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="${colours.background}"/>`,
    `<defs><linearGradient id="acc-scale">${stops}</linearGradient></defs>`,
    ...cells(grid, l, colours),
    ...l.rowLabels.map((t) => label(t, 'end')),
    ...l.colLabels.map((t) => label(t, 'middle')),
    label(l.axisTitles.x, 'middle'),
    ...l.boundary.map(([x1, y1, x2, y2]) => `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="${colours.foreground}" stroke-width="3" stroke-linecap="square"/>`),
    `<rect x="${l.scale.x}" y="${l.scale.y}" width="${l.scale.w}" height="${l.scale.h}" fill="url(#acc-scale)"/>`,
    ...l.scaleTicks.map((t) => label({ text: t.text, x: t.x, y: l.scaleY + 20 }, 'middle')),
    label({ text: `${grid.stat} test accuracy`, x: l.scale.x + l.scale.w + 8, y: l.scaleY + 5 }, 'start'),
    '</svg>',
  ];
  return parts.join('');
}
