// Geometry and number crunching behind the attention heatmaps, kept apart from the drawing so it is
// tested in Node: where each layer × head tile goes, and how a [CLS] row of T + 1 values becomes
// one value per pixel column when T is larger than the strip is wide.

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Tile {
  layer: number;
  head: number;
  /** Where "L1 · H2" and the head's mass on the relevant positions are written. */
  title: Rect;
  /** The pooled n × n map (rows: queries, columns: keys; [CLS] is row and column 0). */
  map: Rect;
  /** The [CLS] row over the T input positions ([CLS] → itself left out). */
  strip: Rect;
  /** Under the strip: the relevant-position markers. */
  markers: Rect;
}

export interface HeatmapLayout {
  width: number;
  height: number;
  tiles: Tile[];
}

const PAD = 12;
const TITLE_H = 18;
const TICK_H = 6;
const GAP = 6;
const STRIP_H = 18;
const MARKER_H = 9;
const MIN_TILE = 120;
const MAX_TILE = 280;

/** Tiles in a grid: one row of heads per layer (wrapping when the panel is narrow), all in CSS pixels. */
export function layoutHeatmaps(width: number, layers: number, heads: number): HeatmapLayout {
  const avail = Math.max(MIN_TILE + 2 * PAD, width);
  const cols = Math.max(1, Math.min(heads, Math.floor((avail - PAD) / (MIN_TILE + PAD))));
  const side = Math.floor(Math.min(MAX_TILE, (avail - PAD * (cols + 1)) / cols));
  const tileH = TITLE_H + TICK_H + side + GAP + STRIP_H + MARKER_H;
  const rowsPerLayer = Math.ceil(heads / cols);
  const tiles: Tile[] = [];
  for (let layer = 0; layer < layers; layer++) {
    for (let head = 0; head < heads; head++) {
      const x = PAD + (head % cols) * (side + PAD);
      const y = PAD + (layer * rowsPerLayer + Math.floor(head / cols)) * (tileH + PAD);
      const mapY = y + TITLE_H + TICK_H;
      const stripY = mapY + side + GAP;
      tiles.push({
        layer,
        head,
        title: { x, y, w: side, h: TITLE_H },
        map: { x, y: mapY, w: side, h: side },
        strip: { x, y: stripY, w: side, h: STRIP_H },
        markers: { x, y: stripY + STRIP_H, w: side, h: MARKER_H },
      });
    }
  }
  const rows = layers * rowsPerLayer;
  return { width: avail, height: PAD + rows * (tileH + PAD), tiles };
}

/**
 * One value per pixel column: the maximum of the positions the column covers. Max (not mean) keeps a
 * single sharply attended position visible when a thousand positions share a few hundred pixels.
 */
export function poolToPixels(values: ArrayLike<number>, pixels: number): Float32Array {
  const out = new Float32Array(pixels);
  const n = values.length;
  if (n === 0 || pixels <= 0) return out;
  for (let px = 0; px < pixels; px++) {
    const from = Math.floor((px * n) / pixels);
    const to = Math.max(from + 1, Math.floor(((px + 1) * n) / pixels));
    let m = values[from];
    for (let i = from + 1; i < to; i++) if (values[i] > m) m = values[i];
    out[px] = m;
  }
  return out;
}

export function maxOf(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > m) m = values[i];
  return m;
}

/** The pooled row/column holding token `token` of n when n tokens are mean-pooled into `size` cells. */
export const pooledIndex = (token: number, n: number, size: number) => Math.min(size - 1, Math.floor((token * size) / n));

/** Ramp position for a value: a square root so that weak but real attention is still visible. */
export const intensity = (value: number, max: number) => (max > 0 ? Math.sqrt(Math.min(1, Math.max(0, value / max))) : 0);

/** Which tile, and which input position or map cell, a point (CSS pixels) falls on. */
export function hitTest(
  layout: HeatmapLayout,
  x: number,
  y: number,
  inputs: number,
  size: number,
): { tile: Tile; kind: 'strip'; position: number } | { tile: Tile; kind: 'map'; row: number; col: number } | null {
  const inside = (r: Rect) => x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
  for (const tile of layout.tiles) {
    if (inside(tile.strip) && inputs > 0) return { tile, kind: 'strip', position: Math.floor(((x - tile.strip.x) * inputs) / tile.strip.w) };
    if (inside(tile.map) && size > 0) {
      return { tile, kind: 'map', row: Math.floor(((y - tile.map.y) * size) / tile.map.h), col: Math.floor(((x - tile.map.x) * size) / tile.map.w) };
    }
  }
  return null;
}
