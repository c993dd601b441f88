// Draws one attention snapshot on a <canvas>: for every layer × head, the pooled n × n map and the
// [CLS] row as a strip, with the relevant positions marked. Pixels are written with ImageData (map,
// long strips) or a few fillRects (short strips), never one DOM node per cell, so T = 1024 stays cheap.
import type { AttentionEvent } from '../../src/protocol/runEvents';
import { type HeatmapLayout, type Rect, intensity, layoutHeatmaps, poolToPixels, pooledIndex } from './heatmapLayout';
import { paintedCanvas } from './dom';
import { snapshotMax } from './heatmapScale';
import { type Rgb, type Theme, toRgb } from './theme';

/** 256 colours from the background to the heat colour. */
function ramp(theme: Theme): Uint8ClampedArray {
  const from = toRgb(theme.background);
  const to = toRgb(theme.heat);
  const lut = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) for (let c = 0; c < 3; c++) lut[i * 3 + c] = from[c] + ((to[c] - from[c]) * i) / 255;
  return lut;
}

const rgbCss = ([r, g, b]: Rgb) => `rgb(${r},${g},${b})`;

/** A reusable offscreen canvas: ImageData is put there, then scaled onto the panel's canvas. */
const scratch = (() => {
  let canvas: HTMLCanvasElement | null = null;
  return (w: number, h: number) => {
    canvas ??= document.createElement('canvas');
    if (canvas.width !== w) canvas.width = w;
    if (canvas.height !== h) canvas.height = h;
    return canvas;
  };
})();

function blit(ctx: CanvasRenderingContext2D, values: ArrayLike<number>, w: number, h: number, max: number, lut: Uint8ClampedArray, dest: Rect): void {
  const image = new ImageData(w, h);
  const px = image.data;
  for (let i = 0; i < w * h; i++) {
    const k = Math.round(intensity(values[i], max) * 255) * 3;
    px[i * 4] = lut[k];
    px[i * 4 + 1] = lut[k + 1];
    px[i * 4 + 2] = lut[k + 2];
    px[i * 4 + 3] = 255;
  }
  const canvas = scratch(w, h);
  canvas.getContext('2d')!.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(canvas, 0, 0, w, h, dest.x, dest.y, dest.w, dest.h);
}

function drawStrip(ctx: CanvasRenderingContext2D, inputs: ArrayLike<number>, max: number, rect: Rect, dpr: number, lut: Uint8ClampedArray): void {
  const T = inputs.length;
  if (T * 3 <= rect.w) {
    // Few positions: one rect per position with a hairline between them reads as discrete bits.
    const cellW = rect.w / T;
    for (let i = 0; i < T; i++) {
      const k = Math.round(intensity(inputs[i], max) * 255) * 3;
      ctx.fillStyle = `rgb(${lut[k]},${lut[k + 1]},${lut[k + 2]})`;
      const x0 = Math.round(rect.x + i * cellW);
      const x1 = Math.round(rect.x + (i + 1) * cellW);
      ctx.fillRect(x0, rect.y, Math.max(1, x1 - x0 - (cellW >= 6 ? 1 : 0)), rect.h);
    }
    return;
  }
  const pixels = Math.max(1, Math.round(rect.w * dpr));
  blit(ctx, poolToPixels(inputs, pixels), pixels, 1, max, lut, rect);
}

function drawMarkers(ctx: CanvasRenderingContext2D, relevant: number[], T: number, strip: Rect, markers: Rect, colour: string): void {
  ctx.fillStyle = colour;
  ctx.strokeStyle = colour;
  ctx.lineWidth = 1.5;
  const cellW = strip.w / T;
  for (const i of relevant) {
    if (i < 0 || i >= T) continue;
    const cx = strip.x + (i + 0.5) * cellW;
    // An outline round the relevant cell where cells are wide enough to hold one.
    if (cellW >= 5) ctx.strokeRect(Math.round(strip.x + i * cellW) + 0.75, strip.y + 0.75, Math.max(1, Math.round(cellW) - 2.5), strip.h - 1.5);
    ctx.beginPath();
    ctx.moveTo(cx, markers.y + 2);
    ctx.lineTo(cx - 4, markers.y + markers.h);
    ctx.lineTo(cx + 4, markers.y + markers.h);
    ctx.closePath();
    ctx.fill();
  }
}

function drawMapTicks(ctx: CanvasRenderingContext2D, relevant: number[], n: number, size: number, map: Rect, colour: string): void {
  ctx.fillStyle = colour;
  const cellW = map.w / size;
  for (const i of relevant) {
    const col = pooledIndex(i + 1, n, size);
    ctx.fillRect(Math.round(map.x + (col + 0.5) * cellW) - 1, map.y - 5, 2, 4);
  }
}

export interface HeatmapRender {
  layout: HeatmapLayout;
  /** The per-head share of [CLS] attention on the relevant bits, [layer][head]. */
  mass: number[][];
  /** The weight the scale's full colour stands for (the snapshot's largest; see heatmapScale.ts). */
  scaleMax: number;
}

/** Draws the snapshot into the canvas at the given CSS width; returns the geometry for hit tests. */
export function drawHeatmaps(canvas: HTMLCanvasElement, event: AttentionEvent, theme: Theme, cssWidth: number): HeatmapRender {
  const heads = Math.max(1, ...event.layers.map((l) => l.heads.length));
  const layout = layoutHeatmaps(cssWidth, event.layers.length, heads);
  const dpr = window.devicePixelRatio || 1;
  const ctx = paintedCanvas(canvas, layout.width, layout.height, theme.background);
  const lut = ramp(theme);
  const marker = rgbCss(toRgb(theme.marker));
  const T = event.n - 1;
  const mass: number[][] = event.layers.map(() => []);
  const scaleMax = snapshotMax(event);
  for (const tile of layout.tiles) {
    const head = event.layers[tile.layer]?.heads[tile.head];
    if (!head) continue;
    // Computed by the trainer; for recordings from before 0.2 the folder reader fills it in (src/store),
    // so the renderer never computes attention mass. 0 only if a sender skipped both.
    const share = head.onRelevant ?? 0;
    mass[tile.layer][tile.head] = share;
    ctx.textBaseline = 'middle';
    ctx.font = `600 ${theme.fontSize}px ${theme.fontFamily}`;
    ctx.fillStyle = theme.foreground;
    ctx.textAlign = 'left';
    ctx.fillText(`L${tile.layer + 1} · H${tile.head + 1}`, tile.title.x, tile.title.y + tile.title.h / 2);
    ctx.font = `${theme.fontSize - 1}px ${theme.fontFamily}`;
    // Bright when the head has found the relevant bits, muted otherwise.
    ctx.fillStyle = share >= 0.5 ? theme.foreground : theme.muted;
    ctx.textAlign = 'right';
    // Narrow tiles drop the word; the canvas's aria-label and the legend say what the number is.
    const long = `${(share * 100).toFixed(1)}% on relevant`;
    const text = ctx.measureText(long).width + 60 <= tile.title.w ? long : `${(share * 100).toFixed(1)}%`;
    ctx.fillText(text, tile.title.x + tile.title.w, tile.title.y + tile.title.h / 2);

    blit(ctx, head.cells, head.size, head.size, scaleMax, lut, tile.map);
    drawMapTicks(ctx, event.relevant, event.n, head.size, tile.map, marker);
    drawStrip(ctx, head.cls.slice(1), scaleMax, tile.strip, dpr, lut);
    ctx.strokeStyle = theme.border;
    ctx.lineWidth = 1;
    ctx.strokeRect(tile.map.x - 0.5, tile.map.y - 0.5, tile.map.w + 1, tile.map.h + 1);
    ctx.strokeRect(tile.strip.x - 0.5, tile.strip.y - 0.5, tile.strip.w + 1, tile.strip.h + 1);
    drawMarkers(ctx, event.relevant, T, tile.strip, tile.markers, marker);
  }
  return { layout, mass, scaleMax };
}
