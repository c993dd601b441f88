// The runs table as a user meets it: the real VSIX in code-server, three tiny runs of one experiment
// (learning rates differ) started from the palette, then the results panel's runs table sorted by
// test accuracy with a click on its header. The rows' order and values are checked against the
// runs' own summary.json files.
// Run: node --import tsx --test test/e2e/runsTable.e2e.test.ts   (needs `npm run build` first)
// Screenshots and code-server's log go to test-artifacts/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { REPO_ROOT, assertNoErrorToast, clearNotifications, clickActivityBar, findFrameWith, packageVsix, runCommand, screenshot, waitFor } from './codeServer';
import { tinyExperiment } from './tinySpecs';
import { e2eSuite } from './e2eSuite';

/** A noisy AND on 24 samples, ~1-2 s per run; the learning rate moves where it ends. */
const experiment = (learningRate: number) => tinyExperiment('tiny-and', { learningRate, maxSteps: 120, evalEvery: 20 }, 256);
const LEARNING_RATES = [0.003, 0.0003, 0.01];

interface Summary {
  runId: string;
  testAccuracy: number | null;
  status: string;
}

const percent = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);

describe('the runs table in a real VS Code (code-server + Chromium)', () => {
  const suite = e2eSuite('sa-e2e-table-');
  const { phase, tmp, workspace } = suite;

  it('sorts three runs by test accuracy, as their summary.json files say', { timeout: 6 * 60_000 }, () =>
    suite.guard('runs-table-failure', async () => {
      const vsix = await phase('package VSIX', () => packageVsix(REPO_ROOT, path.join(tmp, 'sparse-attention-lab.vsix')));
      await suite.installVsix(vsix);
      mkdirSync(workspace, { recursive: true });
      const file = path.join(workspace, 'tiny-and.experiment.json');
      writeFileSync(file, JSON.stringify(experiment(LEARNING_RATES[0]), null, 2) + '\n');
      const page = await suite.open({ settings: { 'sparseAttention.backend': 'wasm', 'sparseAttention.maxWorkers': 2 } });
      await phase('open sidebar', async () => {
        await clickActivityBar(page, 'Sparse Attention');
        await page.locator('.monaco-list-row', { hasText: 'tiny-and' }).first().waitFor({ timeout: 60_000 });
      });

      // Three runs, one after the other: the file is rewritten with the next learning rate once the
      // previous run has finished (the trainer reads it when it starts).
      const runsDir = path.join(workspace, '.sparse-attention', 'runs');
      const summaries = () =>
        (existsSync(runsDir) ? readdirSync(runsDir) : [])
          .map((id) => path.join(runsDir, id, 'summary.json'))
          .filter((f) => existsSync(f))
          .map((f) => JSON.parse(readFileSync(f, 'utf8')) as Summary);
      for (const [i, lr] of LEARNING_RATES.entries()) {
        if (i > 0) writeFileSync(file, JSON.stringify(experiment(lr), null, 2) + '\n');
        await phase(`run ${i + 1}`, async () => {
          await runCommand(page, 'Sparse Attention: Run Experiment');
          await waitFor(
            async () => {
              await assertNoErrorToast(page, `waiting for run ${i + 1}`);
              return summaries().length > i ? true : undefined;
            },
            120_000,
            `run ${i + 1}’s summary.json`,
            500,
          );
        });
      }
      const byId = new Map(summaries().map((s) => [s.runId, s]));
      assert.equal(byId.size, 3);

      await phase('open results', () => runCommand(page, 'Sparse Attention: Open Results'));
      const panel = await phase('find results webview', () => findFrameWith(page, '#view-picker', 60_000));
      const order = await phase('sort the runs table by accuracy', async () => {
        await waitFor(() => panel.evaluate(() => Array.from(document.querySelectorAll<HTMLOptionElement>('#view-picker option')).some((o) => o.value === 'table')), 20_000, 'the runs table in the picker');
        await panel.selectOption('#view-picker', 'table');
        await waitFor(async () => ((await panel.locator('#runs-table tbody tr').count()) === 3 ? true : undefined), 20_000, 'three rows in the runs table');
        await panel.click('#runs-table button[data-sort="testAccuracy"]');
        await waitFor(() => panel.evaluate(() => document.querySelector('#runs-table th[data-key="testAccuracy"]')?.getAttribute('aria-sort') === 'ascending'), 10_000, 'the table sorted by accuracy');
        return panel.$$eval('#runs-table tbody tr', (trs) =>
          trs.map((tr) => ({ runId: (tr as HTMLElement).dataset.runId ?? '', accuracy: tr.querySelector('td[data-key="testAccuracy"]')?.textContent ?? '' })),
        );
      });
      process.stderr.write(`[e2e] runs table by accuracy: ${order.map((r) => `${r.runId} ${r.accuracy}`).join(', ')}\n`);

      // Every row is one of the runs, showing its summary's accuracy; rows ascend by that accuracy.
      assert.deepEqual(order.map((r) => r.runId).sort(), [...byId.keys()].sort());
      for (const row of order) assert.equal(row.accuracy, percent(byId.get(row.runId)!.testAccuracy), `row ${row.runId}`);
      const accuracies = order.map((r) => byId.get(r.runId)!.testAccuracy ?? -1);
      assert.deepEqual(accuracies, [...accuracies].sort((a, b) => a - b), `rows in ascending accuracy: ${accuracies.join(', ')}`);
      // The parameter that differs is a column; the ones that do not are not.
      const heads = await panel.$$eval('#runs-table thead th[data-key]', (ths) => ths.map((th) => (th as HTMLElement).dataset.key));
      assert.ok(heads.includes('training.learningRate'), `columns: ${heads.join(', ')}`);
      assert.ok(!heads.includes('task.T'), `columns: ${heads.join(', ')}`);

      await assertNoErrorToast(page, 'finishing');
      await clearNotifications(page);
      await screenshot(page, 'results-runs-table');
    }));
});
