// The numbers of the attention heatmap's colour scale, and the words of its hover. One scale per
// snapshot: every map and [CLS] strip is coloured against the snapshot's largest weight, so two heads
// compare by eye and the scale bar can carry numbers (before, each map had its own maximum and the bar
// said only "low … high").
import type { AttentionEvent } from '../../src/protocol/runEvents';
import { maxOf } from './heatmapLayout';

/** The largest attention weight drawn in the snapshot (pooled maps and [CLS] rows over the bits). */
export function snapshotMax(event: AttentionEvent): number {
  let max = 0;
  for (const layer of event.layers)
    for (const head of layer.heads) max = Math.max(max, maxOf(head.cells), maxOf(head.cls.slice(1)));
  return max;
}

/**
 * Tick labels for the bar: 0, ¼, ½ and all of `max`, each placed where its colour is (the colour
 * follows √(value / max), so small weights stay visible), `at` in 0…1 along the bar.
 */
export function scaleTicks(max: number): { value: number; at: number; text: string }[] {
  if (!(max > 0)) return [{ value: 0, at: 0, text: '0' }];
  const digits = max >= 0.1 ? 2 : 3;
  return [0, 0.25, 0.5, 1].map((f) => ({ value: f * max, at: Math.sqrt(f), text: f === 0 ? '0' : (f * max).toFixed(digits) }));
}

/** The tokens a pooled row or column `i` of `size` covers out of n, in words: "token 11" or "tokens 3–5". */
export function tokenSpan(i: number, n: number, size: number): string {
  const lo = Math.floor((i * n) / size);
  const hi = Math.max(lo, Math.floor(((i + 1) * n) / size) - 1);
  return lo === hi ? `token ${lo}` : `tokens ${lo}–${hi}`;
}
