// The runs table and the mean ± 95 % curves in real Chromium: the shipped bundle under its CSP, fed
// a snapshot of three runs (seeds and learning rates differ) the way the host sends it.
// Run: node --import tsx --test test/webview/runsTable.test.ts
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { PanelToHost } from '../../src/protocol/panelMessages';
import { runViewLabels } from '../../src/protocol/runLabels';
import { runsTable, runsTableCsv, sortRows } from '../../src/protocol/runsTable';
import { DARK_THEME, buildPanelBundle, countColour, hex, launchChromium, openPanel } from './panelPage';
import { bandCsv } from '../../webview/results/exportData';
import { STUDY, studyRuns } from './runsFixtures';

const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts');
const BLUE = hex(DARK_THEME['--vscode-charts-blue']);
const ORANGE = hex(DARK_THEME['--vscode-charts-orange']);

const rowIds = (page: Page) => page.$$eval('#runs-table tbody tr', (trs) => trs.map((tr) => (tr as HTMLElement).dataset.runId ?? ''));
const headers = (page: Page) => page.$$eval('#runs-table thead th[data-key]', (ths) => ths.map((th) => (th as HTMLElement).dataset.key ?? ''));

describe('runs table in Chromium', { timeout: 120_000 }, () => {
  let browser: Browser;
  let bundle: { script: string; style: string };

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    bundle = await buildPanelBundle();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  it('lists the runs with the parameters that differ, sorts, filters, exports CSV and compares the ticked runs', { timeout: 30_000 }, async () => {
    const panel = await openPanel(browser, bundle);
    try {
      const { page } = panel;
      const runs = studyRuns();
      await panel.post({ type: 'snapshot', runs, sweeps: [] });
      await page.selectOption('#view-picker', 'table');
      await page.waitForSelector('#runs-table tbody tr');
      assert.equal(await page.textContent('h1'), 'Runs table');
      assert.deepEqual(await headers(page), ['label', 'training.learningRate', 'seed', 'testAccuracy', 'attentionOnRelevant', 'steps', 'wallSeconds', 'backend', 'status']);
      assert.deepEqual(await rowIds(page), ['run-a', 'run-b', 'run-c']);
      assert.deepEqual(await page.$$eval('#runs-table tbody td[data-key="testAccuracy"]', (tds) => tds.map((t) => t.textContent)), ['80.0%', '100.0%', '60.0%']);
      const overflows = await page.$eval('.runs-scroll', (b) => b.scrollWidth > b.clientWidth + 1);
      assert.equal(await page.isVisible('#runs-scroll-hint'), overflows, 'the scroll hint shows exactly when columns lie out of view');

      // Sort by test accuracy with the mouse: ascending, then descending.
      const accuracy = '#runs-table button[data-sort="testAccuracy"]';
      await page.click(accuracy);
      await page.waitForFunction(() => document.querySelector('th[data-key="testAccuracy"]')?.getAttribute('aria-sort') === 'ascending');
      assert.deepEqual(await rowIds(page), ['run-c', 'run-a', 'run-b']);
      await page.click(accuracy);
      await page.waitForFunction(() => document.querySelector('th[data-key="testAccuracy"]')?.getAttribute('aria-sort') === 'descending');
      assert.deepEqual(await rowIds(page), ['run-b', 'run-a', 'run-c']);
      // From the keyboard: the header keeps focus across the redraw, Enter sorts.
      await page.focus('#runs-table button[data-sort="seed"]');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelector('th[data-key="seed"]')?.getAttribute('aria-sort') === 'ascending');
      assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.sort), 'seed');
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => document.querySelector('th[data-key="seed"]')?.getAttribute('aria-sort') === 'descending');
      assert.deepEqual(await rowIds(page), ['run-c', 'run-b', 'run-a']);
      await page.screenshot({ path: path.join(ARTIFACTS, 'results-panel-runs-table.png'), fullPage: true });

      // Filter: a substring of one row.
      await page.fill('#runs-filter', '0.003');
      await page.waitForFunction(() => document.querySelectorAll('#runs-table tbody tr').length === 1);
      assert.deepEqual(await rowIds(page), ['run-c']);
      await page.fill('#runs-filter', '');
      await page.waitForFunction(() => document.querySelectorAll('#runs-table tbody tr').length === 3);

      // Export CSV: the shown rows in the shown order (by seed, descending), as the pure module writes them.
      await page.click(accuracy);
      await page.waitForFunction(() => document.querySelector('th[data-key="testAccuracy"]')?.getAttribute('aria-sort') === 'ascending');
      const before = (await panel.sent()).length;
      await page.click('#runs-export');
      const [exported] = (await panel.sent()).slice(before).map((m) => PanelToHost.parse(m));
      // The panel labels runs among each other (runLabels.ts): "parity-T16 · lr = 0.001 (seed 0)".
      const labels = runViewLabels(runs);
      const table = runsTable(runs.map((r, i) => ({ ...r, label: labels[i] })));
      assert.deepEqual(exported, {
        type: 'export',
        format: 'csv',
        name: 'runs-table',
        content: runsTableCsv(table.columns, sortRows(table.rows, { key: 'testAccuracy', direction: 'asc' })),
      });

      // Compare selected: tick two rows; the learning curves show those two only.
      assert.equal(await page.isDisabled('#runs-compare'), true, 'nothing ticked yet');
      await page.check('#runs-table input[data-run-id="run-b"]');
      await page.check('#runs-table input[data-run-id="run-c"]');
      await page.waitForFunction(() => document.querySelector('.runs-count')?.textContent === '3 of 3 runs shown, 2 selected');
      assert.equal(await page.isDisabled('#runs-compare'), false);
      await page.click('#runs-compare');
      await page.waitForFunction(() => window.__panelDebug.selected() === 'run:run-c');
      await page.evaluate(() => window.__panelDebug.flush());
      const state = (await page.evaluate(() => window.__states.at(-1))) as { hiddenRuns: string[]; table: { selected: string[] } };
      assert.deepEqual(state.hiddenRuns, ['run-a']);
      assert.deepEqual([...state.table.selected].sort(), ['run-b', 'run-c']);
      assert.equal(await page.isVisible('.run-view'), true);
      assert.equal(await page.isVisible('.table-view'), false);
      assert.deepEqual(panel.problems, []);
      assert.deepEqual(await panel.violations(), []);
    } finally {
      await panel.close();
    }
  });

  it('in a narrow panel scrolls the columns sideways under a sticky run label, and says so', { timeout: 30_000 }, async () => {
    const panel = await openPanel(browser, bundle, { width: 380 });
    try {
      const { page } = panel;
      await panel.post({ type: 'snapshot', runs: studyRuns(), sweeps: [] });
      await page.selectOption('#view-picker', 'table');
      await page.waitForSelector('#runs-table tbody tr');
      await page.waitForSelector('#runs-scroll-hint', { state: 'visible' });
      const label = page.locator('#runs-table tbody th.run-label').first();
      const status = page.locator('#runs-table tbody td[data-key="status"]').first();
      const box = page.locator('.runs-scroll');
      const viewRight = async () => (await box.boundingBox())!.x + (await box.boundingBox())!.width;
      assert.ok((await status.boundingBox())!.x > (await viewRight()), 'the status column starts out of view');
      const labelX = (await label.boundingBox())!.x;
      await box.evaluate((b) => b.scrollTo({ left: b.scrollWidth }));
      await page.waitForSelector('#runs-scroll-hint', { state: 'hidden' });
      const s = (await status.boundingBox())!;
      assert.ok(s.x + s.width <= (await viewRight()) + 1, 'scrolled to the end, the status column is in view');
      assert.ok(Math.abs((await label.boundingBox())!.x - labelX) < 3, 'the run label stayed where it was (it overlaps the tick column by 2 px)');
      assert.ok(s.x >= (await label.boundingBox())!.x + (await label.boundingBox())!.width - 3, 'no column is drawn over the label');
      await page.screenshot({ path: path.join(ARTIFACTS, 'results-panel-runs-table-narrow.png') });
      assert.deepEqual(panel.problems, []);
      assert.deepEqual(await panel.violations(), []);
    } finally {
      await panel.close();
    }
  });

  it('draws one mean curve with its 95 % band per experiment instead of every run', { timeout: 30_000 }, async () => {
    const panel = await openPanel(browser, bundle);
    try {
      const { page } = panel;
      // Three seeds of one experiment: every run has its own colour; as mean ± 95 % only the group's.
      const runs = studyRuns(STUDY.map((v) => ({ ...v, learningRate: 0.001 })));
      await panel.post({ type: 'snapshot', runs, sweeps: [], focus: 'run-a' });
      assert.equal(await page.getAttribute('.curve-mode button[data-mode="runs"]', 'aria-pressed'), 'true');
      const orangeRuns = await countColour(page, 'testAccuracy-canvas', ORANGE, 40);
      assert.ok(orangeRuns > 100, `every run: the second run's colour is drawn (${orangeRuns} px)`);

      await page.click('.curve-mode button[data-mode="bands"]');
      await page.waitForFunction(() => document.querySelector('.curve-mode button[data-mode="bands"]')?.getAttribute('aria-pressed') === 'true');
      await page.evaluate(() => window.__panelDebug.flush());
      await page.screenshot({ path: path.join(ARTIFACTS, 'results-panel-bands.png'), fullPage: true });
      const orangeBands = await countColour(page, 'testAccuracy-canvas', ORANGE, 40);
      const blueBands = await countColour(page, 'testAccuracy-canvas', BLUE, 40);
      assert.ok(orangeBands < 5, `one group: no second colour (${orangeBands} px)`);
      assert.ok(blueBands > 100, `the group's mean is drawn (${blueBands} px)`);
      // The band: the group's colour, translucent (the chart canvas itself is transparent), between the bounds.
      const tinted = await page.evaluate((rgb) => {
        const canvas = document.getElementById('testAccuracy-canvas') as HTMLCanvasElement;
        const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 30 && d[i + 3] < 90 && Math.abs(d[i] - rgb[0]) + Math.abs(d[i + 1] - rgb[1]) + Math.abs(d[i + 2] - rgb[2]) < 30) n++;
        return n;
      }, BLUE);
      assert.ok(tinted > 5000, `a filled band is drawn (${tinted} px)`);
      const state = (await page.evaluate(() => window.__states.at(-1))) as { curveMode: string };
      assert.equal(state.curveMode, 'bands', 'the choice is kept with setState');
      assert.deepEqual(panel.problems, []);
    } finally {
      await panel.close();
    }
  });

  it('splits the bands by settings (one colour per learning rate) and exports each group\u2019s mean and band', { timeout: 30_000 }, async () => {
    const panel = await openPanel(browser, bundle, { initialState: { selected: 'run:run-a', curveMode: 'bands' } });
    try {
      const { page } = panel;
      // STUDY: two seeds at learning rate 0.001, one at 0.003: two groups, not one band over both.
      const runs = studyRuns();
      await panel.post({ type: 'snapshot', runs, sweeps: [], focus: 'run-a' });
      await page.evaluate(() => window.__panelDebug.flush());
      assert.equal(await page.getAttribute('.curve-mode button[data-mode="bands"]', 'aria-pressed'), 'true');
      assert.ok((await countColour(page, 'testAccuracy-canvas', BLUE, 40)) > 100, 'the first group is drawn');
      assert.ok((await countColour(page, 'testAccuracy-canvas', ORANGE, 40)) > 100, 'the second group (another learning rate) has its own colour');
      const before = (await panel.sent()).length;
      await page.click('.card-testAccuracy .export button[title$="as CSV"]');
      await page.waitForFunction((n) => window.__sent.length > n, before);
      const [exported] = (await panel.sent()).slice(before).map((m) => PanelToHost.parse(m));
      assert.deepEqual(exported, { type: 'export', format: 'csv', name: 'parity-T16-lr-0.001-seed-0-testAccuracy-bands', content: bandCsv(runs, 'testAccuracy') });
      assert.match((exported as { content: string }).content, /^group,metric,step,mean,lower,upper,n\nparity-T16 · training\.learningRate = 0\.001,testAccuracy,0,/);
      assert.deepEqual(panel.problems, []);
    } finally {
      await panel.close();
    }
  });

  it('comes back on the runs table after a reload: the page saved the runs the table listed', { timeout: 30_000 }, async () => {
    // The state a reloaded webview gets back, as the table view saved it.
    const panel = await openPanel(browser, bundle, { initialState: { selected: 'table', tableRuns: ['run-a', 'run-b', 'run-c'] } });
    try {
      const { page } = panel;
      await panel.post({ type: 'snapshot', runs: studyRuns(), sweeps: [] });
      await page.waitForSelector('#runs-table tbody tr');
      assert.equal(await page.textContent('h1'), 'Runs table');
      assert.deepEqual(await rowIds(page), ['run-a', 'run-b', 'run-c']);
      const state = (await page.evaluate(() => window.__states.at(-1))) as { selected: string; tableRuns: string[] };
      assert.equal(state.selected, 'table');
      assert.deepEqual(state.tableRuns, ['run-a', 'run-b', 'run-c'], 'the list stays current for the next reload');
      assert.deepEqual(panel.problems, []);
    } finally {
      await panel.close();
    }
  });
});
