// Draws one variant's T × m accuracy heatmap on a <canvas> from the shared layout
// (src/protocol/accuracyLayout.ts): cells coloured by accuracy (viridis 0.5 – 1.0) with their value,
// empty (grey) where no accuracy was recorded, the m*(T) boundary as a thick staircase, the axis
// labels and the numbered scale. A canvas, not chart elements: a protocol grid has hundreds of cells.
import type { AccuracyGrid } from '../../src/protocol/accuracyGrid';
import { type AccuracyLayout, accuracyLayout, cellBox } from '../../src/protocol/accuracyLayout';
import { accuracyColour, textOn } from '../../src/protocol/accuracyScale';
import { paintedCanvas } from './dom';
import type { Theme } from './theme';

export function drawAccuracyHeatmap(canvas: HTMLCanvasElement, grid: AccuracyGrid, theme: Theme, cssWidth: number): AccuracyLayout {
  const l = accuracyLayout(grid, cssWidth);
  const ctx = paintedCanvas(canvas, l.width, l.height, theme.background);
  ctx.font = `${theme.fontSize - 1}px ${theme.fontFamily}`;
  ctx.textBaseline = 'middle';
  for (const cell of grid.cells) {
    const b = cellBox(l, cell);
    ctx.fillStyle = cell.value === null ? theme.grid : accuracyColour(cell.value);
    ctx.fillRect(b.x + 0.5, b.y + 0.5, b.w - 1, b.h - 1);
    if (cell.value !== null && b.w >= 34) {
      ctx.fillStyle = textOn(cell.value);
      ctx.textAlign = 'center';
      ctx.fillText(cell.value.toFixed(2), b.x + b.w / 2, b.y + b.h / 2);
    }
  }
  ctx.fillStyle = theme.muted;
  ctx.textAlign = 'right';
  for (const t of l.rowLabels) ctx.fillText(t.text, t.x, t.y);
  ctx.textAlign = 'center';
  for (const t of l.colLabels) ctx.fillText(t.text, t.x, t.y);
  ctx.fillText(l.axisTitles.x.text, l.axisTitles.x.x, l.axisTitles.x.y);
  ctx.strokeStyle = theme.foreground;
  ctx.lineWidth = 3;
  ctx.lineCap = 'square';
  ctx.beginPath();
  for (const [x1, y1, x2, y2] of l.boundary) {
    ctx.moveTo(x1, y1);
    ctx.lineTo(x2, y2);
  }
  ctx.stroke();
  drawScale(ctx, l, grid, theme);
  return l;
}

function drawScale(ctx: CanvasRenderingContext2D, l: AccuracyLayout, grid: AccuracyGrid, theme: Theme): void {
  const s = l.scale;
  for (let i = 0; i < s.w; i++) {
    ctx.fillStyle = accuracyColour(0.5 + (0.5 * i) / s.w);
    ctx.fillRect(s.x + i, s.y, 1.5, s.h);
  }
  ctx.fillStyle = theme.muted;
  ctx.textAlign = 'center';
  for (const t of l.scaleTicks) ctx.fillText(t.text, t.x, l.scaleY + 20);
  ctx.textAlign = 'left';
  ctx.fillText(`${grid.stat} test accuracy`, s.x + s.w + 8, s.y + s.h / 2);
}
