// The T × m accuracy heatmap in the results panel (issue 20), in Chromium: one inked cell per
// (T, m) cell with an accuracy, the hover names the cell and its runs, a click asks for its runs
// (the drill-down), the median/mean toggle redraws, exports are PNG, SVG and CSV.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { accuracyGrid } from '../../src/protocol/accuracyGrid';
import { accuracyLayout, cellBox } from '../../src/protocol/accuracyLayout';
import { PanelToHost } from '../../src/protocol/panelMessages';
import { sweepSnapshot } from './fixtures';
import { buildPanelBundle, launchChromium, openPanel } from './panelPage';

const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts');

/** The recorded sweep with an accuracy read-out per cell (the recording predates it); one cell left without. */
function snapshotWithAccuracy() {
  const snap = sweepSnapshot() as { sweeps: { sweepId: string; variants: { points: { cells: { trials: number; successes: number; medianTestAccuracy?: number | null; meanTestAccuracy?: number | null }[] }[] }[] }[] };
  let first = true;
  for (const v of snap.sweeps[0].variants)
    for (const p of v.points)
      for (const c of p.cells) {
        if (first) {
          first = false; // an older cell: no accuracy recorded, drawn empty
          continue;
        }
        c.medianTestAccuracy = 0.5 + (0.5 * c.successes) / Math.max(1, c.trials);
        c.meanTestAccuracy = c.medianTestAccuracy - 0.01;
      }
  return snap;
}

describe('T × m accuracy heatmap (Chromium)', () => {
  let browser: Browser;
  let bundle: { script: string; style: string };
  before(async () => {
    browser = await launchChromium();
    bundle = await buildPanelBundle();
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  after(() => browser?.close());

  it('inks one cell per (T, m) with an accuracy, reads a cell on hover, opens it on click, exports', { timeout: 30_000 }, async () => {
    const panel = await openPanel(browser, bundle, { height: 1400 });
    try {
      const { page } = panel;
      const snap = snapshotWithAccuracy();
      await panel.post(snap);
      const canvas = page.locator('#accuracy-heatmap');
      await canvas.waitFor();
      // The panel tells the host what it shows, so Export Results from the palette exports this sweep.
      assert.ok((await panel.sent()).some((m) => m.type === 'shown' && m.selected === `sweep:${snap.sweeps[0].sweepId}`), 'the panel said it shows the sweep');
      const variant = snap.sweeps[0].variants[0] as Parameters<typeof accuracyGrid>[0];
      const grid = accuracyGrid(variant, 'median');
      const withValue = grid.cells.filter((c) => c.value !== null).length;
      assert.equal(Number(await canvas.getAttribute('data-cells')), withValue, 'data-cells counts the cells with an accuracy');
      assert.equal(grid.cells.length, withValue + 1, 'the first cell has none');
      const shown = await page.evaluate(() => window.__panelDebug.accuracyCells());
      assert.deepEqual(shown.filter((c) => c.variant === grid.variant).map((c) => [c.T, c.m, c.runs]), grid.cells.map((c) => [c.T, c.m, c.runs]));
      assert.equal(await page.locator('canvas.accuracy-heatmap').count(), snap.sweeps[0].variants.length, 'one heatmap per variant');

      // Each cell with an accuracy is painted in its own colour: sample the centre pixel of every cell.
      const layout = accuracyLayout(grid, (await canvas.boundingBox())!.width);
      const painted = await canvas.evaluate((c: HTMLCanvasElement, boxes: { x: number; y: number }[]) => {
        const ctx = c.getContext('2d')!;
        const k = c.width / c.clientWidth;
        return boxes.map((b) => Array.from(ctx.getImageData(Math.round(b.x * k), Math.round(b.y * k), 1, 1).data.slice(0, 3)).join(','));
      }, grid.cells.map((c) => { const b = cellBox(layout, c); return { x: b.x + 3, y: b.y + 3 }; }));
      const background = await canvas.evaluate((c: HTMLCanvasElement) => Array.from(c.getContext('2d')!.getImageData(1, 1, 1, 1).data.slice(0, 3)).join(','));
      assert.ok(painted.every((p) => p !== background), `every cell is painted (${painted.join(' ')})`);

      // Hover, then click: the drill-down request for that cell.
      const cell = grid.cells.find((c) => c.value !== null)!;
      const b = cellBox(layout, cell);
      await canvas.scrollIntoViewIfNeeded();
      const at = (await canvas.boundingBox())!;
      await page.mouse.move(at.x + b.x + b.w / 2, at.y + b.y + b.h / 2);
      assert.match((await page.textContent('#accuracy-tooltip')) ?? '', new RegExp(`T = ${cell.T}, m = ${cell.m}: median test accuracy ${cell.value!.toFixed(3)} of ${cell.runs} runs?`));
      await page.screenshot({ path: path.join(ARTIFACTS, 'results-accuracy-heatmap-panel.png'), fullPage: true });
      const before = (await panel.sent()).length;
      await page.mouse.click(at.x + b.x + b.w / 2, at.y + b.y + b.h / 2);
      await page.waitForFunction((n) => window.__sent.length > n, before);
      const asked = (await panel.sent()).slice(before).find((m) => m.type === 'open-cell');
      assert.deepEqual(asked && { variant: asked.variant, T: asked.T, m: asked.m }, { variant: grid.variant, T: cell.T, m: cell.m }, 'asked the host for that cell’s runs (the drill-down)');

      // Mean on the toggle; exports.
      await page.selectOption('#accuracy-stat', 'mean');
      await page.waitForFunction(() => /mean test accuracy/.test(document.querySelector('#accuracy-heatmap')?.getAttribute('aria-label') ?? ''));
      const n = (await panel.sent()).length;
      for (const f of ['PNG', 'SVG', 'CSV']) await page.locator(`button[aria-label="Export ${grid.variant} accuracy heatmap as ${f}"]`).click();
      const exports = (await panel.sent()).slice(n).map((m) => PanelToHost.parse(m)).filter((m) => m.type === 'export');
      assert.deepEqual(exports.map((m) => (m.type === 'export' ? m.format : '')), ['png', 'svg', 'csv']);
      const [png, svg, csv] = exports.map((m) => (m.type === 'export' ? m.content : ''));
      assert.match(png, /^data:image\/png;base64,/);
      assert.match(svg, /^<svg [^>]*>.*<rect .*<line /s);
      assert.equal(csv.trim().split('\n').length, 1 + grid.cells.length);
      assert.match(csv.split('\n')[0], /meanTestAccuracy/);
      assert.deepEqual(panel.problems, []);
      assert.deepEqual(await panel.violations(), []);
    } finally {
      await panel.close();
    }
  });
});
