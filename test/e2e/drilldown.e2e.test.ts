// Drill-down and the norms chart in a real VS Code (code-server + Chromium, the VSIX installed): a
// tiny experiment shows its weight norms per head; a tiny sweep's success-table cell, clicked, shows
// that cell's runs, exactly the run folders the sweep wrote for it; so does a cell row of the sweep in
// the tree ("m = … · k/n passed" under "T = …"), whatever the panel showed before.
// Run: node --import tsx --test test/e2e/drilldown.e2e.test.ts   (needs `npm run build` first)
// Screenshots (norms.png, drilldown-cell.png) and code-server's log go to test-artifacts/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { REPO_ROOT, assertNoErrorToast, canvasInkedPixels, clearNotifications, clickActivityBar, findFrameWith, packageVsix, runCommand, screenshot, waitFor } from './codeServer';
import { tinyExperiment, tinySweep } from './tinySpecs';
import { e2eSuite } from './e2eSuite';

/** One tiny run with 2 heads (~2 s): noisy labels keep it from stopping early, so its norms chart has 24 evaluations. */
const EXPERIMENT = tinyExperiment('tiny-norms');

/** The e2e suite's tiny sweep, two seeds per cell so a cell holds more than one run. */
const SWEEP = tinySweep('tiny-drill', { contextLengths: [4, 8], trainSizes: [16, 64, 256], seeds: 2 });

describe('drill-down and norms in a real VS Code (code-server + Chromium)', () => {
  const suite = e2eSuite('sa-drill-');
  const { phase, tmp, workspace } = suite;

  it('shows a run’s norms per head, and a sweep cell’s runs on a click in the success table', { timeout: 6 * 60_000 }, () =>
    suite.guard('drilldown-failure', async () => {
      const vsix = await phase('package VSIX', () => packageVsix(REPO_ROOT, path.join(tmp, 'sparse-attention-lab.vsix')));
      await suite.installVsix(vsix);
      mkdirSync(workspace, { recursive: true });
      writeFileSync(path.join(workspace, 'tiny-norms.experiment.json'), JSON.stringify(EXPERIMENT, null, 2) + '\n');
      writeFileSync(path.join(workspace, 'tiny-drill.sweep.json'), JSON.stringify(SWEEP, null, 2) + '\n');
      const page = await suite.open({ settings: { 'sparseAttention.backend': 'wasm', 'sparseAttention.maxWorkers': 2 } });
      await phase('open sidebar', async () => {
        await clickActivityBar(page, 'Sparse Attention');
        await page.locator('.monaco-list-row', { hasText: 'tiny-norms' }).first().waitFor({ timeout: 60_000 });
      });

      // The run: its norms chart draws, and is the README's screenshot.
      await phase('run experiment', () => runCommand(page, 'Sparse Attention: Run Experiment'));
      const runsDir = path.join(workspace, '.sparse-attention', 'runs');
      await phase('wait for the run', () =>
        waitFor(() => (existsSync(runsDir) ? readdirSync(runsDir).some((id) => existsSync(path.join(runsDir, id, 'summary.json'))) || undefined : undefined), 120_000, 'the run’s summary.json'),
      );
      await phase('open results', () => runCommand(page, 'Sparse Attention: Open Results'));
      const panel = await phase('find results webview', () => findFrameWith(page, '#norms-canvas', 60_000));
      await phase('check norms chart', async () => {
        await waitFor(() => panel.evaluate(() => !document.querySelector('.norms-view')?.hasAttribute('hidden') && /W_Q·W_Kᵀ/.test(document.querySelector('#norms-title')?.textContent ?? '')), 30_000, 'the norms chart shown');
        const ink = await waitFor(async () => {
          const n = await canvasInkedPixels(panel, '#norms-canvas');
          return n > 500 ? n : undefined;
        }, 20_000, 'ink on the norms chart');
        process.stderr.write(`[e2e] norms canvas inked pixels: ${ink}\n`);
        assert.ok((await canvasInkedPixels(panel, '#headCreation-canvas')) > 500, 'the per-head variable-creation chart is drawn');
        await assertNoErrorToast(page, 'showing the norms');
        await clearNotifications(page);
        await panel.evaluate(() => {
          const view = document.querySelector('.norms-view')!;
          const header = document.querySelector('.toolbar')?.getBoundingClientRect().height ?? 0;
          window.scrollBy(0, view.getBoundingClientRect().top - header - 8);
        });
        await screenshot(page, 'norms');
      });

      // The sweep, then a click on one of its cells.
      await phase('run sweep', () => runCommand(page, 'Sparse Attention: Run Sweep'));
      const sweepDir = path.join(workspace, '.sparse-attention', 'sweeps', 'tiny-drill');
      await phase('wait for the sweep', () => waitFor(() => existsSync(path.join(sweepDir, 'summary.json')) || undefined, 180_000, 'the sweep’s summary.json', 500));
      const results = await phase('show the sweep', async () => {
        const frame = await findFrameWith(page, '#view-picker', 30_000);
        const option = await waitFor(
          () => frame.evaluate(() => Array.from(document.querySelectorAll<HTMLOptionElement>('#view-picker option')).find((o) => o.value.startsWith('sweep:'))?.value),
          20_000,
          'the sweep in the panel’s picker',
        );
        await frame.selectOption('#view-picker', option);
        await waitFor(() => frame.evaluate(() => /completed/.test(document.querySelector('.status-badge')?.textContent ?? '')), 20_000, 'the sweep shown as completed');
        return frame;
      });
      await phase('open a cell', async () => {
        const cell = results.locator('td[data-variant]').first();
        await cell.waitFor({ timeout: 20_000 });
        const [variant, T, m] = await cell.evaluate((td) => [td.dataset.variant!, td.dataset.t!, td.dataset.m!]);
        await cell.click();
        await results.locator('.cell-view').waitFor({ state: 'visible', timeout: 20_000 });
        const shown = await waitFor(async () => {
          const ids = await results.$$eval('.cell-runs tbody tr', (rows) => rows.map((r) => (r as HTMLElement).dataset.runId ?? ''));
          return ids.length ? ids : undefined;
        }, 20_000, 'the cell’s runs listed');
        const onDisk = readdirSync(path.join(sweepDir, 'runs'))
          .filter((name) => new RegExp(`^${variant.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-T${T}-m${m}-seed\\d+$`).test(name))
          .sort();
        process.stderr.write(`[e2e] cell ${variant} T=${T} m=${m}: shown ${shown.join(', ')}; on disk ${onDisk.join(', ')}\n`);
        assert.equal(onDisk.length, SWEEP.seeds, 'one run folder per seed');
        assert.deepEqual([...shown].sort(), onDisk, 'the panel lists exactly the cell’s run folders');
        assert.match((await results.textContent('h1')) ?? '', new RegExp(`T = ${T}, m = ${m}`));
        const heatmaps = await results.$$eval('.cell-heatmap canvas', (cs) => cs.length);
        assert.equal(heatmaps, onDisk.length, 'one heatmap per run');
        assert.ok((await canvasInkedPixels(results, '#cell-testAccuracy-canvas')) > 300, 'the cell’s learning curves are drawn');
        await assertNoErrorToast(page, 'opening the cell');
        await clearNotifications(page);
        await screenshot(page, 'drilldown-cell');
        // Back to the sweep.
        await results.click('button.back');
        await results.locator('.sweep-view').waitFor({ state: 'visible', timeout: 10_000 });
      });

      // The same drill-down from the tree: a cell row ("m = … · k/n passed" under "T = 8") clicked
      // while the panel shows the single run opens that cell's runs.
      await phase('open a cell from the tree', async () => {
        const runOption = await results.evaluate(() => Array.from(document.querySelectorAll<HTMLOptionElement>('#view-picker option')).find((o) => o.value.startsWith('run:'))?.value);
        assert.ok(runOption, 'the run is in the panel’s picker');
        await results.selectOption('#view-picker', runOption);
        await results.locator('.sweep-view').waitFor({ state: 'hidden', timeout: 10_000 });
        const tRow = page.locator('.monaco-list-row', { hasText: 'T = 8' }).first();
        await tRow.waitFor({ timeout: 30_000 });
        await waitFor(
          async () => {
            if ((await tRow.getAttribute('aria-expanded')) === 'true') return true;
            await tRow.locator('.monaco-tl-twistie').click();
            return (await tRow.getAttribute('aria-expanded')) === 'true';
          },
          20_000,
          '"T = 8" expanded',
        );
        const mRow = page.locator('.monaco-list-row', { hasText: /m = \d+/ }).first();
        await mRow.waitFor({ timeout: 20_000 });
        // The row's text runs its label and description together ("m = 161/2 passed"): m from the label.
        const label = (await mRow.textContent()) ?? '';
        const m = Number(/^m = (\d+)$/.exec(((await mRow.locator('.label-name').textContent()) ?? '').trim())?.[1]);
        assert.ok(m > 0, `a cell row labelled "m = …" (${label})`);
        assert.match(label, /passed|no verdict/, 'the cell row shows its verdict');
        await mRow.click();
        const frame = await findFrameWith(page, '.cell-view:not([hidden]) .cell-runs tbody tr', 30_000);
        await waitFor(async () => new RegExp(`T = 8, m = ${m}\\b`).test((await frame.textContent('h1')) ?? ''), 20_000, `the panel titled with T = 8, m = ${m}`);
        const shown = await frame.$$eval('.cell-runs tbody tr', (rows) => rows.map((r) => (r as HTMLElement).dataset.runId ?? ''));
        const onDisk = readdirSync(path.join(sweepDir, 'runs')).filter((name) => new RegExp(`^transformer-T8-m${m}-seed\\d+$`).test(name)).sort();
        process.stderr.write(`[e2e] tree cell T=8 m=${m} (${label.trim()}): shown ${shown.join(', ')}; on disk ${onDisk.join(', ')}\n`);
        assert.equal(onDisk.length, SWEEP.seeds, 'one run folder per seed');
        assert.deepEqual([...shown].sort(), onDisk, 'the panel lists exactly the tree cell’s run folders');
        await assertNoErrorToast(page, 'opening a cell from the tree');
        await screenshot(page, 'drilldown-tree-cell');
      });
      await assertNoErrorToast(page, 'finishing');
    }));
});
