// Cost of one live attention update in the results panel at context length T: the real bundle in
// Chromium (same page as test/webview/resultsPanel.test.ts), a synthetic attention event with
// n = T + 1 and maps pooled to 64 × 64 posted as the host would, timed from postMessage to the
// heatmap drawn (structured clone + zod validation + view model + canvas drawing), averaged over
// 20 updates after 3 warm-up ones. The redraw throttle is bypassed with the debug hook's flush(),
// so this is the cost per update, not the update rate.
import type { HostToPanel } from '../src/protocol/panelMessages';
import type { AttentionEvent } from '../src/protocol/runEvents';
import { buildPanelBundle, launchChromium, openPanel } from '../test/webview/panelPage';

const POOLED = 64;
const WARMUP = 3;
const UPDATES = 20;

/** A deterministic pseudo-random stream, so every run times the same pixels. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function syntheticAttention(T: number, step: number, relevant: number[], layers: number, heads: number): AttentionEvent {
  const rand = lcg(step + T);
  const n = T + 1;
  const size = Math.min(POOLED, n);
  const normalise = (v: number[]) => {
    const total = v.reduce((a, b) => a + b, 0);
    return v.map((x) => x / total);
  };
  return {
    type: 'attention',
    step,
    n,
    relevant,
    layers: Array.from({ length: layers }, () => ({
      heads: Array.from({ length: heads }, (_, h) => {
        // The first head finds the relevant bits as training goes on; the others stay diffuse.
        const focus = h === 0 ? Math.min(0.95, step / 2000) : 0;
        const cls = normalise(Array.from({ length: n }, (_, i) => rand() * (1 - focus) + (relevant.includes(i - 1) ? focus * n : 0)));
        const cells = Array.from({ length: size * size }, () => rand() / size);
        return { cls, size, cells };
      }),
    })),
  };
}

let bundle: ReturnType<typeof buildPanelBundle> | undefined;

export async function measureHeatmapRender(T: number, shape: { layers?: number; heads?: number } = {}): Promise<{ T: number; msPerUpdate: number }> {
  const layers = shape.layers ?? 1;
  const heads = shape.heads ?? 4;
  bundle ??= buildPanelBundle();
  const browser = await launchChromium();
  try {
    const panel = await openPanel(browser, await bundle, { width: 1100, height: 900 });
    const relevant = [Math.floor(T / 7), Math.floor(T / 2), T - 3];
    const runId = `bench-T${T}`;
    const snapshot: HostToPanel = {
      type: 'snapshot',
      runs: [{ runId, label: runId, status: 'running', metrics: [], attention: [syntheticAttention(T, 0, relevant, layers, heads)] }],
      sweeps: [],
      focus: runId,
    };
    await panel.post(snapshot);
    const updates: HostToPanel[] = Array.from({ length: WARMUP + UPDATES }, (_, i) => ({
      type: 'run-event',
      runId,
      label: runId,
      event: syntheticAttention(T, (i + 1) * 100, relevant, layers, heads),
    }));
    const times = await panel.page.evaluate(async (messages) => {
      const out: number[] = [];
      for (const m of messages) {
        const t0 = performance.now();
        window.postMessage(m, '*');
        // Added after the panel's own listener, so it runs once the panel has applied the message.
        await new Promise((r) => window.addEventListener('message', r, { once: true }));
        window.__panelDebug.flush();
        out.push(performance.now() - t0);
      }
      return out;
    }, updates);
    const drawn = await panel.page.evaluate(() => window.__panelDebug.heatmap()?.step);
    if (drawn !== UPDATES * 100 + WARMUP * 100) throw new Error(`the panel drew step ${drawn}, not the last update`);
    if (panel.problems.length) throw new Error(panel.problems.join('; '));
    await panel.close();
    const timed = times.slice(WARMUP);
    return { T, msPerUpdate: Math.round((timed.reduce((a, b) => a + b, 0) / timed.length) * 100) / 100 };
  } finally {
    await browser.close();
  }
}

// node --import tsx bench/heatmapRender.ts
if (require.main === module) {
  void (async () => {
    for (const T of [256, 1024]) console.log(await measureHeatmapRender(T));
  })();
}
