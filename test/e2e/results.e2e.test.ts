// Results a researcher cannot misread (issue 20), in a real VS Code (code-server + Chromium, the VSIX
// installed): a grid sweep's verdict is marked provisional while it runs and final once it has
// finished; its T × m accuracy heatmap inks one cell per (T, m) that has runs; two runs of one
// experiment that differ only in T carry different labels in the tree, the Compare Runs picker and
// the learning-curve legend.
// Run: node --import tsx --test test/e2e/results.e2e.test.ts   (needs `npm run build` first)
// Screenshots (results-verdict.png, results-accuracy-heatmap.png, compare-labels.png) go to test-artifacts/.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { REPO_ROOT, assertNoErrorToast, clearNotifications, clickActivityBar, findFrameWith, openFromTree, packageVsix, runCommand, screenshot, waitFor } from './codeServer';
import { tickInQuickPick } from './quickPick';
import { e2eSuite } from './e2eSuite';
import { tinyExperiment, tinySweep } from './tinySpecs';

/** Every (T, m) cell trained (grid search), 2 seeds: 18 runs. */
const GRID = tinySweep('tiny-grid', { search: 'grid', contextLengths: [4, 8, 16], trainSizes: [16, 64, 256], seeds: 2 });
// A slower learning rate: small m fail their 400 steps, so m* grows with T and the sweep runs long enough to be watched.
GRID.base.training = { ...GRID.base.training, learningRate: 0.002, maxSteps: 400 };

/** Two runs of one experiment, T = 12 and T = 16, trained by the CLI into the workspace. */
function trainTwoT(workspace: string): void {
  for (const T of [12, 16]) {
    const spec = tinyExperiment('two-t', { maxSteps: 60 });
    spec.task.T = T;
    const file = path.join(workspace, 'two-t.experiment.json');
    writeFileSync(file, JSON.stringify(spec, null, 2) + '\n');
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'sparse-attention.js'), 'run', 'two-t.experiment.json', '--backend', 'wasm'], { cwd: workspace, encoding: 'utf8' });
    assert.equal(r.status, 0, `the CLI run with T = ${T}: ${r.stderr}`);
  }
}

/** The results panel's frame once it shows the sweep (Run Sweep brings the panel up on the sweep). */
const showSweep = (page: Page): Promise<Frame> => findFrameWith(page, '#sweep-verdict', 90_000);

const verdictState = (frame: Frame) => frame.evaluate(() => document.querySelector('#sweep-verdict')?.getAttribute('data-provisional') ?? null);

describe('results a researcher cannot misread, in a real VS Code (code-server + Chromium)', () => {
  const suite = e2eSuite('sa-results-');
  const { phase, tmp, workspace } = suite;

  it('marks a running sweep’s verdict provisional, draws its T × m heatmap, and tells two runs apart', { timeout: 8 * 60_000 }, () =>
    suite.guard('results-failure', async () => {
      const vsix = await phase('package VSIX', () => packageVsix(REPO_ROOT, path.join(tmp, 'sparse-attention-lab.vsix')));
      await suite.installVsix(vsix);
      mkdirSync(workspace, { recursive: true });
      writeFileSync(path.join(workspace, 'tiny-grid.sweep.json'), JSON.stringify(GRID, null, 2) + '\n');
      await phase('two CLI runs', () => trainTwoT(workspace));
      const page = await suite.open({ settings: { 'sparseAttention.backend': 'wasm', 'sparseAttention.maxWorkers': 2 } });
      await phase('open sidebar', async () => {
        await clickActivityBar(page, 'Sparse Attention');
        await page.locator('.monaco-list-row', { hasText: 'tiny-grid' }).first().waitFor({ timeout: 60_000 });
      });

      // The sweep: provisional while it runs, final once summary.json is written.
      const sweepDir = path.join(workspace, '.sparse-attention', 'sweeps', 'tiny-grid');
      await phase('run sweep', async () => {
        await openFromTree(page, 'tiny-grid.sweep.json');
        await runCommand(page, 'Sparse Attention: Run Sweep');
      });
      const results = await phase('show the sweep', () => showSweep(page));
      await phase('provisional while running', async () => {
        // Before any m* the block only says it is waiting; once cells finish, a verdict appears, and it
        // must say it is provisional (at 26 of 96 runs a fit of first probes once read as final).
        const seen = await waitFor(async () => {
          const text = (await results.textContent('#sweep-verdict')) ?? '';
          const running = !existsSync(path.join(sweepDir, 'summary.json'));
          return running && /Provisional \(\d+ of \d+ runs\)/.test(text) ? { text, flag: await verdictState(results) } : undefined;
        }, 180_000, 'a provisional verdict while the sweep runs', 200);
        process.stderr.write(`[e2e] provisional verdict: ${seen.text.trim()}\n`);
        assert.equal(seen.flag, 'true', 'the running verdict block is marked data-provisional');
      });
      await phase('final after', async () => {
        await waitFor(() => existsSync(path.join(sweepDir, 'summary.json')) || undefined, 240_000, 'the sweep’s summary.json', 500);
        await waitFor(async () => ((await verdictState(results)) === 'false' ? true : undefined), 30_000, 'the verdict marked final');
        const text = (await results.textContent('#sweep-verdict')) ?? '';
        process.stderr.write(`[e2e] final verdict: ${text.trim()}\n`);
        assert.doesNotMatch(text, /provisional/i, 'the final verdict is not called provisional');
        await assertNoErrorToast(page, 'running the sweep');
        await clearNotifications(page);
        await results.evaluate(() => document.querySelector('#sweep-verdict')?.scrollIntoView({ block: 'start' }));
        await screenshot(page, 'results-verdict');
      });
      await phase('T × m heatmap', async () => {
        const canvas = results.locator('#accuracy-heatmap');
        await canvas.waitFor({ timeout: 20_000 });
        const cells = await waitFor(async () => Number((await canvas.getAttribute('data-cells')) ?? 0) || undefined, 20_000, 'inked heatmap cells');
        assert.equal(cells, 3 * 3, 'one inked cell per (T, m) of the 3 × 3 grid');
        const model = await results.evaluate(() => (window as unknown as { __panelDebug: { accuracyCells(): Array<{ runs: number }> } }).__panelDebug.accuracyCells());
        assert.ok(model.every((c) => c.runs === GRID.seeds), `every cell holds its ${GRID.seeds} seeds`);
        await canvas.evaluate((c) => c.scrollIntoView({ block: 'center' }));
        await screenshot(page, 'results-accuracy-heatmap');
      });

      // Two runs of two-t: their labels name T in the tree, the Compare Runs picker and the legend.
      await phase('labels in the tree', async () => {
        // Under "two-t": "T = 12 · seed 1" and "T = 16 · seed 1" (not two rows of "seed 1 · <stamp>").
        for (const T of [12, 16]) await page.locator('.monaco-list-row', { hasText: `T = ${T} · seed 1` }).first().waitFor({ timeout: 30_000 });
        await screenshot(page, 'tree-labels');
      });
      await phase('compare runs', async () => {
        await tickInQuickPick(page, 'Sparse Attention: Compare Runs', ['two-t · T = 12', 'two-t · T = 16']);
        const widget = page.locator('.quick-input-widget');
        const sweepRows = await widget.locator('.monaco-list-row', { hasText: 'transformer · T = ' }).count();
        process.stderr.write(`[e2e] Compare Runs lists ${sweepRows} sweep runs (shown of the list)\n`);
        assert.ok(sweepRows > 0, 'Compare Runs lists the sweep’s runs too');
        await screenshot(page, 'compare-runs-picker');
        await page.keyboard.press('Enter');
        const frame = await findFrameWith(page, '#view-picker', 30_000);
        const labels = await waitFor(async () => {
          const l = await frame.evaluate(() => (window as unknown as { __panelDebug: { legendLabels(): string[] } }).__panelDebug.legendLabels());
          return l.length >= 2 ? l : undefined;
        }, 30_000, 'two legend labels');
        process.stderr.write(`[e2e] legend labels: ${labels.join(' | ')}\n`);
        assert.equal(new Set(labels).size, labels.length, 'the legend’s labels differ');
        assert.ok(labels.some((l) => /T = 12/.test(l)) && labels.some((l) => /T = 16/.test(l)), 'the labels name T');
        await frame.evaluate(() => document.querySelector('.legend')?.scrollIntoView({ block: 'center' }));
        await screenshot(page, 'compare-labels');
      });
      await assertNoErrorToast(page, 'finishing');
    }));
});
