// Results-panel render cost, measured by bench/heatmapRender.ts when that module exists (it is
// written separately). Loaded by a computed path so this file type-checks and runs without it.
import { existsSync } from 'node:fs';
import * as path from 'node:path';

export type PanelRender =
  | { skipped: false; results: { T: number; msPerUpdate: number }[] }
  | { skipped: true; reason: string };

const TIMEOUT_MS = 180_000;

/** The module may return ms directly or an object carrying them; accept the obvious shapes. */
function msOf(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object') {
    for (const key of ['msPerUpdate', 'ms', 'meanMs']) {
      const x = (v as Record<string, unknown>)[key];
      if (typeof x === 'number') return x;
    }
  }
  throw new Error(`measureHeatmapRender returned ${JSON.stringify(v)?.slice(0, 80)}, not a number of ms`);
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no result after ${ms / 1000}s`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export async function measurePanelRender(Ts: number[]): Promise<PanelRender> {
  const file = path.join(__dirname, 'heatmapRender.ts');
  if (!existsSync(file)) return { skipped: true, reason: 'bench/heatmapRender.ts does not exist' };
  try {
    const mod = (await import(file)) as { measureHeatmapRender?: unknown };
    const fn = mod.measureHeatmapRender;
    if (typeof fn !== 'function') return { skipped: true, reason: 'bench/heatmapRender.ts does not export measureHeatmapRender' };
    const results: { T: number; msPerUpdate: number }[] = [];
    for (const T of Ts) results.push({ T, msPerUpdate: msOf(await withTimeout(Promise.resolve(fn(T)), TIMEOUT_MS)) });
    return { skipped: false, results };
  } catch (err) {
    return { skipped: true, reason: (err as Error).message.split('\n')[0] };
  }
}
