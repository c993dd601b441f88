// The results page drawing a big sweep: the real bundle in Chromium (as heatmapRender.ts), sent the
// host's snapshot of the 5000-run sweep and then one cell's runs (drill-down), each timed from
// postMessage to drawn (structured clone + zod validation + the fold + m*(T), the tables and the
// T × m view, or the cell view's curves and heatmaps). The redraw throttle is bypassed with flush().
import type { HostToPanel } from '../src/protocol/panelMessages';
import { buildPanelBundle, launchChromium, openPanel } from '../test/webview/panelPage';

export interface SweepRender {
  snapshotMs: number;
  /** Cells the T × m view drew (behaviour: all of them). */
  cellsDrawn: number;
  cellMs: number;
}

type Page = Awaited<ReturnType<typeof openPanel>>['page'];

/** Posts one message, waits until the panel has applied it, flushes its redraw; ms in all. */
function drawTimed(page: Page, msg: HostToPanel): Promise<number> {
  return page.evaluate(async (m) => {
    const t0 = performance.now();
    const applied = new Promise((r) => window.addEventListener('message', r, { once: true }));
    window.postMessage(m, '*');
    await applied;
    window.__panelDebug.flush();
    return performance.now() - t0;
  }, msg);
}

export async function measureSweepRender(snapshot: HostToPanel, cell: Extract<HostToPanel, { type: 'cell-runs' }>): Promise<SweepRender> {
  const bundle = await buildPanelBundle();
  const browser = await launchChromium();
  try {
    const panel = await openPanel(browser, bundle, { width: 1100, height: 900 });
    const snapshotMs = await drawTimed(panel.page, snapshot);
    const cellsDrawn = await panel.page.evaluate(() => window.__panelDebug.accuracyCells().length);
    // As a cell clicked in the tree: the page opens the cell and asks for it; the host's answer is timed.
    await panel.post({ type: 'show-cell', sweepId: cell.sweepId, variant: cell.variant, T: cell.T, m: cell.m });
    const cellMs = await drawTimed(panel.page, cell);
    if (panel.problems.length) throw new Error(panel.problems.join('; '));
    await panel.close();
    return { snapshotMs, cellsDrawn, cellMs };
  } finally {
    await browser.close();
  }
}
