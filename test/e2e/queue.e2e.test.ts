// The run queue as a user meets it, in a real VS Code (code-server + Chromium): with
// `sparseAttention.maxConcurrentRuns` = 1, a second Run Experiment waits as "queued" in the tree while
// the first trains; Cancel Run on the queued row removes it without touching the first, which
// finishes; the cancelled run never starts a trainer (no run folder on disk). Then a tiny sweep's runs
// appear under it in the tree, grouped by T and m, with each cell's verdict.
// Run: node --import tsx --test test/e2e/queue.e2e.test.ts   (needs `npm run build` first)
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { REPO_ROOT, clickActivityBar, openFromTree, packageVsix, runCommand, screenshot, waitFor } from './codeServer';
import { tinyExperiment } from './tinySpecs';
import { e2eSuite } from './e2eSuite';

/** A noisy AND never reaches 100 % test accuracy, so a run trains all of `maxSteps`. */
const experiment = (name: string, maxSteps: number) => tinyExperiment(name, { maxSteps, evalEvery: 20 }, 256);

/** Four runs of 40 steps: two T, two m, one seed. */
const SWEEP = {
  version: 1,
  kind: 'sweep',
  name: 'grouped',
  base: {
    task: { kind: 'and', s: 2 },
    data: { testSize: 64 },
    model: { arch: 'transformer', layers: 1, heads: 1, dModel: 8, mlpRatio: 1 },
    training: { learningRate: 0.01, batchSize: 'full', maxSteps: 40, evalEvery: 20, targetAccuracy: 0.95 },
    seed: 0,
  },
  contextLengths: [4, 6],
  trainSizes: [16, 32],
  search: 'grid',
  seeds: 1,
  successRate: 0.5,
  bootstrap: 0,
};

const runsOf = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);
const row = (page: Page, text: string | RegExp) => page.locator('.monaco-list-row', { hasText: text }).first();

/** Expands a collapsed tree row by its twistie (a click on a cell row opens the cell instead). */
async function expand(page: Page, text: string | RegExp): Promise<void> {
  const r = row(page, text);
  await r.waitFor({ timeout: 30_000 });
  await waitFor(
    async () => {
      if ((await r.getAttribute('aria-expanded')) === 'true') return true;
      await r.locator('.monaco-tl-twistie').click();
      return (await r.getAttribute('aria-expanded')) === 'true';
    },
    20_000,
    `"${text}" expanded`,
  );
}

describe('Sparse Attention Lab queues runs (code-server + Chromium)', () => {
  const suite = e2eSuite('sa-queue-');
  const { phase, tmp, workspace } = suite;
  const runsDir = path.join(workspace, '.sparse-attention', 'runs');

  it('queues a second run behind the first, cancels it from the tree, lets the first finish, and groups a sweep\'s runs by T and m', { timeout: 8 * 60_000 }, () =>
    suite.guard('queue-failure', async () => {
      const vsix = await phase('package VSIX', () => packageVsix(REPO_ROOT, path.join(tmp, 'sparse-attention-lab.vsix')));
      await suite.installVsix(vsix);
      mkdirSync(workspace, { recursive: true });
      // The first trains long enough (several seconds) for the second to be queued and cancelled meanwhile.
      writeFileSync(path.join(workspace, 'first.experiment.json'), JSON.stringify(experiment('first', 3_000), null, 2));
      writeFileSync(path.join(workspace, 'second.experiment.json'), JSON.stringify(experiment('second', 40), null, 2));
      writeFileSync(path.join(workspace, 'grouped.sweep.json'), JSON.stringify(SWEEP, null, 2));
      const page = await suite.open({ settings: { 'sparseAttention.backend': 'wasm', 'sparseAttention.maxConcurrentRuns': 1, 'sparseAttention.maxWorkers': 2 } });
      await clickActivityBar(page, 'Sparse Attention');
      await row(page, 'second.experiment.json').waitFor({ timeout: 60_000 });

      let firstId = '';
      await phase('first run starts', async () => {
        await openFromTree(page, 'first.experiment.json');
        await runCommand(page, 'Sparse Attention: Run Experiment');
        firstId = await waitFor(() => runsOf(runsDir).find((id) => id.startsWith('first-s1-')), 60_000, 'the first run folder');
      });

      await phase('second run waits in the queue', async () => {
        await openFromTree(page, 'second.experiment.json');
        await runCommand(page, 'Sparse Attention: Run Experiment');
        await row(page, 'queued #1').waitFor({ timeout: 20_000 });
        assert.equal(existsSync(path.join(runsDir, firstId, 'summary.json')), false, 'the first run is still training while the second waits');
        assert.deepEqual(runsOf(runsDir).filter((id) => id.startsWith('second-')), [], 'a queued run has no trainer and no folder');
        assert.match((await row(page, 'queued #1').textContent()) ?? '', /waiting for a free slot/);
        await screenshot(page, 'queue-queued');
      });

      await phase('cancel the queued run from the tree', async () => {
        // The row's inline "Cancel Run" button, clicked once while the first run trains, the button
        // held down 250 ms as a person's click is: a redraw of the row in between (the whole tree was
        // redrawn every ~300 ms) would replace the button and lose the click. The tree now redraws
        // only the training run's row, so the queued row's button stays put.
        const queuedRows = page.locator('.monaco-list-row', { hasText: 'queued #' });
        const r = queuedRows.first();
        await r.hover();
        await r.locator('.action-label[aria-label="Cancel Run"]').click({ timeout: 10_000, delay: 250 });
        await waitFor(async () => (await queuedRows.count()) === 0, 10_000, 'the queued row gone after one click on Cancel Run');
        assert.equal(existsSync(path.join(runsDir, firstId, 'summary.json')), false, 'the first run still trains after the cancel');
      });

      await phase('the first run finishes', async () => {
        const summaryFile = path.join(runsDir, firstId, 'summary.json');
        await waitFor(() => existsSync(summaryFile), 240_000, 'the first run\'s summary.json', 500);
        const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as { status: string };
        assert.ok(['succeeded', 'not-reached'].includes(summary.status), `the first run ended ${summary.status}, not stopped by the cancel`);
        const firstRow = row(page, firstId.replace(/^.*?-s\d+-/, '')); // the id's stamp ends its row
        await waitFor(async () => ((await firstRow.textContent()) ?? '').includes(summary.status), 20_000, `the first run shown as ${summary.status}`);
        // Give a wrongly started second run time to leave a folder before checking there is none.
        await page.waitForTimeout(2_000);
        assert.deepEqual(runsOf(runsDir).filter((id) => id.startsWith('second-')), [], 'the cancelled run never started');
        assert.equal(await page.locator('.monaco-list-row', { hasText: 'queued #' }).count(), 0);
      });

      await phase('a sweep\'s runs grouped by T and m', async () => {
        await runCommand(page, 'Sparse Attention: Run Sweep');
        const sweepDir = path.join(workspace, '.sparse-attention', 'sweeps', 'grouped');
        await waitFor(() => existsSync(path.join(sweepDir, 'summary.json')), 180_000, 'the sweep\'s summary.json', 500);
        const cellRuns = runsOf(path.join(sweepDir, 'runs')).sort();
        assert.deepEqual(cellRuns, ['transformer-T4-m16-seed0', 'transformer-T4-m32-seed0', 'transformer-T6-m16-seed0', 'transformer-T6-m32-seed0']);
        const verdicts = readFileSync(path.join(sweepDir, 'events.jsonl'), 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l))
          .filter((e) => e.type === 'cell-finished' && e.T === 6 && e.m === 32);
        const cell = verdicts.at(-1) as { successes: number; trials: number };
        // The tree reads the sweep folder: one level per T, one per m with its verdict, then the seed.
        await expand(page, 'T = 6');
        await waitFor(async () => (await page.locator('.monaco-list-row', { hasText: /m = \d+/ }).count()) === 2, 20_000, 'two m rows under T = 6');
        const mRow = row(page, 'm = 32');
        assert.match((await mRow.textContent()) ?? '', new RegExp(`${cell.successes}/${cell.trials} passed`));
        await expand(page, 'm = 32');
        await row(page, 'seed 0').waitFor({ timeout: 20_000 });
        await screenshot(page, 'queue-sweep-tree');
      });
    }),
  );
});
