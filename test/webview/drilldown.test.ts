// The results panel's drill-down and its weights-and-heads charts, in real Chromium under the shipped
// CSP: success-table cells and m*(T) points ask the host for a cell's runs (click and Enter), the
// host's answer (read from run folders by the host's own code) is shown as the cell view, and the
// norms charts draw one line per head, follow their controls, and stay out of the way when a run has
// no norms. Run: node --import tsx --test test/webview/drilldown.test.ts
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { readCellRuns } from '../../src/extension/cellRuns';
import { PanelToHost } from '../../src/protocol/panelMessages';
import type { RunEvent } from '../../src/protocol/runEvents';
import { SWEEP_ID, runEvents, runSnapshot, sweepSnapshot } from './fixtures';
import { fakeNorms, runEventsWithNorms, tempSweepDir, writeCellRuns } from './drillFixtures';
import { DARK_THEME, buildPanelBundle, countColour, hex, launchChromium, openPanel } from './panelPage';

const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts');
const SERIES = ['blue', 'orange', 'green', 'purple'].map((c) => hex(DARK_THEME[`--vscode-charts-${c}`]));

/** The last request the page sent, leaving out its `shown` notes (what it shows, for Export Results). */
const lastSent = async (page: Page) => PanelToHost.parse((await page.evaluate(() => window.__sent)).filter((m) => m.type !== 'shown').at(-1));

describe('results panel: drill-down and weight norms', { timeout: 120_000 }, () => {
  let browser: Browser;
  let bundle: { script: string; style: string };
  const sweepDir = tempSweepDir();

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    bundle = await buildPanelBundle();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    rmSync(sweepDir, { recursive: true, force: true });
  });

  it('draws the norms per head, follows the matrix and Frobenius controls, and hides what a run lacks', { timeout: 30_000 }, async () => {
    const panel = await openPanel(browser, bundle);
    try {
      const { page } = panel;
      const events = runEventsWithNorms();
      await panel.post(runSnapshot(events, events.length));
      assert.equal(await page.isVisible('.norms-view'), true);
      assert.equal(await page.textContent('#norms-title'), 'Norms: ‖W_Q·W_Kᵀ‖ (spectral)');
      assert.equal(await page.isVisible('#norms-layer'), false, 'one layer: no layer selector');
      // One line per head, in the series colours, on both charts.
      for (const [i, colour] of SERIES.entries()) {
        assert.ok((await countColour(page, 'norms-canvas', colour)) > 100, `head ${i + 1} drawn on the norms chart`);
        assert.ok((await countColour(page, 'headCreation-canvas', colour)) > 100, `head ${i + 1} drawn on the per-head chart`);
      }
      await page.locator('.norms-view').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(ARTIFACTS, 'results-panel-norms.png'), fullPage: true });

      // The MLP has two matrices, not heads: two lines (blue, orange), no green.
      await page.selectOption('#norms-matrix', 'mlp');
      await page.waitForFunction(() => document.querySelector('#norms-title')?.textContent === 'Norms: ‖MLP‖ (spectral)');
      await page.evaluate(() => window.__panelDebug.flush());
      assert.ok((await countColour(page, 'norms-canvas', SERIES[1])) > 100);
      assert.equal(await countColour(page, 'norms-canvas', SERIES[2], 30), 0, 'no third line for the MLP');
      await page.check('#norms-frobenius');
      await page.waitForFunction(() => document.querySelector('#norms-title')?.textContent === 'Norms: ‖MLP‖ (frobenius)');
      await page.selectOption('#norms-matrix', 'v');
      await page.waitForFunction(() => document.querySelector('#norms-title')?.textContent === 'Norms: ‖W_V‖ (frobenius)');

      // Two layers: a layer selector; layer 2 has two heads (blue, orange), no green.
      const twoLayers = events.map((e): RunEvent => (e.type === 'metrics' ? { ...e, norms: [...e.norms!, ...fakeNorms(e.step, 2)], attentionPerHead: [...e.attentionPerHead, [0.5, 0.25]] } : e));
      await panel.post(runSnapshot(twoLayers, twoLayers.length));
      assert.equal(await page.isVisible('#norms-layer'), true);
      await page.selectOption('#norms-layer', { value: '1' });
      await page.waitForFunction(() => document.querySelector('#norms-title')?.textContent === 'Norms: ‖W_V‖ (frobenius), layer 2');
      await page.evaluate(() => window.__panelDebug.flush());
      assert.equal(await page.textContent('#headCreation-title'), 'Variable creation per head, layer 2');
      assert.ok((await countColour(page, 'headCreation-canvas', SERIES[1])) > 100);
      assert.equal(await countColour(page, 'headCreation-canvas', SERIES[2], 30), 0, 'layer 2 has two heads');

      // An old recording (no norms): the norms chart is gone with a note, the per-head chart stays.
      await panel.post(runSnapshot(runEvents(), runEvents().length));
      assert.equal(await page.isVisible('#norms-canvas'), false);
      assert.match((await page.textContent('.norms-view .muted')) ?? '', /no weight norms/);
      assert.equal(await page.isVisible('#headCreation-canvas'), true);
      // A model without attention: the whole section is hidden.
      const mlp = runEvents().map((e): RunEvent => (e.type === 'metrics' ? { ...e, attentionPerHead: [], attentionOnRelevant: null } : e));
      await panel.post(runSnapshot(mlp, mlp.length));
      assert.equal(await page.isVisible('.norms-view'), false);
      assert.deepEqual(await panel.violations(), []);
      assert.deepEqual(panel.problems, []);
    } finally {
      await panel.close();
    }
  });

  it('opens a cell from the success table (click, Enter) and from an m*(T) point, and shows the runs the host sends', { timeout: 30_000 }, async () => {
    const panel = await openPanel(browser, bundle);
    try {
      const { page } = panel;
      await panel.post(sweepSnapshot());
      const cell = (variant: string, T: number, m: number) => `td[data-variant="${variant}"][data-t="${T}"][data-m="${m}"]`;

      await page.click(cell('transformer', 10, 16));
      assert.deepEqual(await lastSent(page), { type: 'open-cell', sweepId: SWEEP_ID, variant: 'transformer', T: 10, m: 16 });
      // Keyboard: cells are focusable, Enter opens them.
      await page.focus(cell('mlp', 10, 16));
      await page.keyboard.press('Enter');
      assert.deepEqual(await lastSent(page), { type: 'open-cell', sweepId: SWEEP_ID, variant: 'mlp', T: 10, m: 16 });
      // Cells not tried are not openable.
      assert.equal(await page.$$eval('td.empty[tabindex]', (els) => els.length), 0);

      // An m*(T) point opens the cell at (T, m*): the smallest size that passed.
      await page.locator('#mstar-canvas').scrollIntoViewIfNeeded();
      const point = await page.evaluate(() => window.__panelDebug.mstarPoint('transformer', 10));
      assert.ok(point, 'the transformer’s m* at T = 10 is drawn');
      const before = (await panel.sent()).length;
      await page.locator('#mstar-canvas').click({ position: point });
      // Chart.js handles pointer events on the next animation frame.
      await page.waitForFunction((n) => window.__sent.length > n, before);
      assert.deepEqual(await lastSent(page), { type: 'open-cell', sweepId: SWEEP_ID, variant: 'transformer', T: 10, m: 16 });

      // The host answers with the cell's runs, read from their folders.
      const ids = writeCellRuns(sweepDir, 'transformer', 10, 16, [0, 1, 2]);
      const runs = readCellRuns(sweepDir, 'transformer', 10, 16, false);
      await panel.post({ type: 'cell-runs', sweepId: SWEEP_ID, variant: 'transformer', T: 10, m: 16, runs });
      assert.equal(await page.isVisible('.cell-view'), true);
      assert.equal(await page.isVisible('.sweep-view'), false);
      assert.equal(await page.textContent('h1'), 'and-sweep — transformer, T = 10, m = 16');
      assert.equal(await page.textContent('.cell-summary'), 'transformer, T = 10, m = 16: 3 runs; 2 of 3 seeds succeeded (passed)');
      assert.deepEqual(await page.$$eval('.cell-runs tbody tr', (rows) => rows.map((r) => (r as HTMLElement).dataset.runId)), ids);
      // Curves overlaid, one colour per run; one heatmap per run, drawn.
      for (const colour of SERIES.slice(0, 3)) assert.ok((await countColour(page, 'cell-testAccuracy-canvas', colour)) > 100, `run in ${colour} drawn`);
      const heatmaps = await page.$$eval('.cell-heatmap canvas', (cs) => cs.map((c) => (c as HTMLCanvasElement).width));
      assert.equal(heatmaps.length, 3);
      assert.ok(heatmaps.every((w) => w > 200), `heatmaps drawn at ${heatmaps.join(', ')} px`);
      assert.deepEqual(await page.$$eval('.cell-heatmap', (fs) => fs.map((f) => (f as HTMLElement).dataset.runId)), ids);
      await page.screenshot({ path: path.join(ARTIFACTS, 'results-panel-cell.png'), fullPage: true });

      // Back: the sweep's m*(T) and tables again.
      await page.click('button.back');
      await page.waitForFunction(() => !document.querySelector('.sweep-view')?.hasAttribute('hidden'));
      assert.equal(await page.isVisible('.cell-view'), false);
      // A cell-runs answer for a sweep not shown does not take over the view.
      await panel.post({ type: 'cell-runs', sweepId: 'another-sweep', variant: 'transformer', T: 10, m: 16, runs });
      assert.equal(await page.isVisible('.cell-view'), false);
      assert.deepEqual(await panel.violations(), []);
      assert.deepEqual(panel.problems, []);
    } finally {
      await panel.close();
    }
  });

  it('opens the cell the host names with show-cell (a cell clicked in the tree), from whatever view was shown', { timeout: 30_000 }, async () => {
    const panel = await openPanel(browser, bundle);
    try {
      const { page } = panel;
      const run = runSnapshot(runEvents(), runEvents().length);
      const sweep = sweepSnapshot();
      if (run.type !== 'snapshot' || sweep.type !== 'snapshot') throw new Error('fixtures are snapshots');
      // A run is shown, as when the user last looked at a single run.
      await panel.post({ ...run, sweeps: sweep.sweeps });
      assert.match((await page.evaluate(() => window.__panelDebug.selected())) ?? '', /^run:/);
      const cell = { sweepId: SWEEP_ID, variant: 'transformer', T: 10, m: 16 };
      await panel.post({ type: 'show-cell', ...cell });
      assert.deepEqual(await lastSent(page), { type: 'open-cell', ...cell }, 'the panel asks for the cell as if it had been clicked');
      assert.equal(await page.evaluate(() => window.__panelDebug.selected()), `sweep:${SWEEP_ID}`, 'its sweep is shown');
      const runs = readCellRuns(sweepDir, 'transformer', 10, 16, false);
      await panel.post({ type: 'cell-runs', ...cell, runs });
      assert.equal(await page.isVisible('.cell-view'), true);
      assert.equal(await page.textContent('h1'), 'and-sweep — transformer, T = 10, m = 16');
      assert.equal(await page.$$eval('.cell-runs tbody tr', (rows) => rows.length), runs.length);

      // A cell of a sweep the panel does not hold: a warning to the host's log, the view unchanged.
      await panel.post({ type: 'show-cell', ...cell, sweepId: 'not-a-sweep' });
      const warned = await lastSent(page);
      assert.equal(warned.type, 'log');
      assert.match(warned.type === 'log' ? warned.message : '', /not-a-sweep/);
      assert.equal(await page.isVisible('.cell-view'), true);
      // A malformed show-cell (no m) is refused by the contract before it touches the view.
      await panel.post({ type: 'show-cell', sweepId: SWEEP_ID, variant: 'transformer', T: 10 });
      const refused = await lastSent(page);
      assert.match(refused.type === 'log' ? refused.message : '', /show-cell/);
      assert.equal(await page.isVisible('.cell-view'), true);
      assert.deepEqual(await panel.violations(), []);
      assert.deepEqual(panel.problems, []);
    } finally {
      await panel.close();
    }
  });

  it('asks for the open cell again when the panel is shown anew and when the cell finishes', { timeout: 30_000 }, async () => {
    const open = { sweepId: SWEEP_ID, variant: 'transformer', T: 10, m: 16 };
    // The state the page saved before it was hidden: the sweep shown, a cell open.
    const panel = await openPanel(browser, bundle, { initialState: { selected: `sweep:${SWEEP_ID}`, sliders: {}, hiddenRuns: [], cell: open } });
    try {
      const { page } = panel;
      await panel.post(sweepSnapshot());
      assert.deepEqual(await lastSent(page), { type: 'open-cell', ...open });
      const runs = readCellRuns(sweepDir, 'transformer', 10, 16, false);
      await panel.post({ type: 'cell-runs', ...open, runs });
      assert.equal(await page.isVisible('.cell-view'), true);
      const sent = (await panel.sent()).length;
      // A re-sent snapshot does not ask again (the cell is shown); the cell finishing again does.
      await panel.post(sweepSnapshot());
      assert.equal((await panel.sent()).length, sent);
      await panel.post({
        type: 'sweep-event',
        sweepId: SWEEP_ID,
        event: { type: 'cell-finished', variant: 'transformer', T: 10, m: 16, successes: 2, trials: 3, failedRuns: 0, reused: 0, status: 'passed', runsDone: 40, plannedRuns: 40 },
      });
      assert.deepEqual(await lastSent(page), { type: 'open-cell', ...open });
      assert.equal((await panel.sent()).length, sent + 1);
      assert.deepEqual(panel.problems, []);
    } finally {
      await panel.close();
    }
  });
});
