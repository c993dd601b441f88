// Where the accuracy heatmap's pieces go, in CSS pixels: the grid of cells (rows T, columns m), the
// axis labels, the m*(T) boundary as a staircase on the cell edges, and the numbered colour scale.
// One geometry for the panel's canvas and the SVG of the report and exports, so both draw alike.
import type { AccuracyGrid, GridCell } from './accuracyGrid';
import { SCALE_HIGH, SCALE_LOW, SCALE_TICKS } from './accuracyScale';

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface AccuracyLayout {
  width: number;
  height: number;
  grid: Box;
  cellW: number;
  cellH: number;
  rowLabels: { text: string; x: number; y: number }[];
  colLabels: { text: string; x: number; y: number }[];
  axisTitles: { x: { text: string; x: number; y: number }; y: { text: string; x: number; y: number } };
  /** Line segments [x1, y1, x2, y2] of the m*(T) boundary: left edge of each row's m* cell, joined. */
  boundary: [number, number, number, number][];
  scale: Box;
  scaleTicks: { text: string; x: number }[];
  scaleY: number;
}

const LEFT = 70;
const TOP = 6;

export function accuracyLayout(grid: AccuracyGrid, width: number): AccuracyLayout {
  const cols = Math.max(1, grid.ms.length);
  const cellW = Math.max(30, Math.min(80, Math.floor((width - LEFT - 12) / cols)));
  const cellH = 28;
  const box: Box = { x: LEFT, y: TOP, w: cellW * cols, h: cellH * Math.max(1, grid.Ts.length) };
  const bottom = box.y + box.h;
  const rowLabels = grid.Ts.map((T, r) => ({ text: `T = ${T}`, x: LEFT - 8, y: TOP + (r + 0.5) * cellH }));
  const colLabels = grid.ms.map((m, c) => ({ text: String(m), x: LEFT + (c + 0.5) * cellW, y: bottom + 12 }));
  const edge = (col: number) => LEFT + col * cellW;
  const boundary: [number, number, number, number][] = [];
  grid.boundary.forEach((col, r) => {
    if (col === null) return;
    boundary.push([edge(col), TOP + r * cellH, edge(col), TOP + (r + 1) * cellH]);
    const next = grid.boundary[r + 1];
    if (next !== null && next !== undefined && next !== col) boundary.push([edge(col), TOP + (r + 1) * cellH, edge(next), TOP + (r + 1) * cellH]);
  });
  const scaleY = bottom + 44;
  const scale: Box = { x: LEFT, y: scaleY, w: Math.min(260, Math.max(160, box.w)), h: 10 };
  const scaleTicks = SCALE_TICKS.map((v) => ({ text: v.toFixed(1), x: scale.x + ((v - SCALE_LOW) / (SCALE_HIGH - SCALE_LOW)) * scale.w }));
  return {
    width: Math.max(width, box.x + box.w + 12),
    height: scaleY + 30,
    grid: box,
    cellW,
    cellH,
    rowLabels,
    colLabels,
    axisTitles: { x: { text: 'm (training samples)', x: LEFT + box.w / 2, y: bottom + 28 }, y: { text: 'context length', x: 4, y: TOP - 0 } },
    boundary,
    scale,
    scaleTicks,
    scaleY,
  };
}

/** A cell's box. */
export const cellBox = (l: AccuracyLayout, c: GridCell): Box => ({ x: l.grid.x + c.col * l.cellW, y: l.grid.y + c.row * l.cellH, w: l.cellW, h: l.cellH });

/** The cell under a point (CSS pixels), if any. */
export function cellAt(l: AccuracyLayout, grid: AccuracyGrid, x: number, y: number): GridCell | undefined {
  const col = Math.floor((x - l.grid.x) / l.cellW);
  const row = Math.floor((y - l.grid.y) / l.cellH);
  return grid.cells.find((c) => c.col === col && c.row === row);
}
