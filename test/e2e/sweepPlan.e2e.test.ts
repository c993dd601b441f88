// A plan before the work (issue 22), in a real VS Code (code-server + Chromium, the VSIX installed):
// Run Sweep plans the sweep first and, above sparseAttention.confirmSweepsLongerThanMinutes, asks in a
// modal with its runs and time; Cancel starts nothing, Start Sweep starts it, and the results panel
// then shows runs done / planned with an ETA.
// Run: node --import tsx --test test/e2e/sweepPlan.e2e.test.ts   (needs `npm run build` first)
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { REPO_ROOT, assertNoErrorToast, clickActivityBar, findFrameWith, packageVsix, screenshot, waitFor } from './codeServer';
import { e2eSuite } from './e2eSuite';
import { tinySweep } from './tinySpecs';

/** 2 × 2 cells, 2 seeds: 8 runs, long enough (300 steps each) for the panel to show progress. */
const GRID = tinySweep('plan-grid', { search: 'grid', contextLengths: [4, 8], trainSizes: [16, 64], seeds: 2 });
GRID.base.training = { ...GRID.base.training, maxSteps: 300 };

/** The tree row's inline ▷ (Run Sweep), as a person starts it. */
async function startFromTree(page: Page): Promise<void> {
  const row = page.locator('.monaco-list-row', { hasText: 'plan-grid' }).first();
  await row.hover();
  await row.locator('.action-label').first().click();
}

/** The modal VS Code shows for the confirmation, once the plan (a first calibration) is done. */
async function confirmation(page: Page): Promise<{ message: string; detail: string }> {
  const box = page.locator('.monaco-dialog-box');
  await box.waitFor({ state: 'visible', timeout: 180_000 });
  return { message: (await box.locator('.dialog-message-text').textContent()) ?? '', detail: (await box.locator('.dialog-message-detail').textContent()) ?? '' };
}

describe('a sweep planned before it starts, in a real VS Code (code-server + Chromium)', () => {
  const suite = e2eSuite('sa-plan-');
  const { phase, tmp, workspace } = suite;

  it('asks before a sweep over the threshold; Cancel starts nothing, Start Sweep shows runs / planned · ETA', { timeout: 8 * 60_000 }, () =>
    suite.guard('sweep-plan-failure', async () => {
      const vsix = await phase('package VSIX', () => packageVsix(REPO_ROOT, path.join(tmp, 'sparse-attention-lab.vsix')));
      await suite.installVsix(vsix);
      mkdirSync(workspace, { recursive: true });
      writeFileSync(path.join(workspace, 'plan-grid.sweep.json'), JSON.stringify(GRID, null, 2) + '\n');
      // Ask above 0.001 minutes: every sweep's estimate is over it.
      const page = await suite.open({ settings: { 'sparseAttention.backend': 'wasm', 'sparseAttention.maxWorkers': 1, 'sparseAttention.confirmSweepsLongerThanMinutes': 0.001 } });
      const sweepDir = path.join(workspace, '.sparse-attention', 'sweeps', 'plan-grid');
      await phase('open sidebar', async () => {
        await clickActivityBar(page, 'Sparse Attention');
        await page.locator('.monaco-list-row', { hasText: 'plan-grid' }).first().waitFor({ timeout: 60_000 });
      });
      await phase('ask, then cancel', async () => {
        await startFromTree(page);
        const asked = await confirmation(page);
        process.stderr.write(`[e2e] confirmation: ${asked.message} | ${asked.detail}\n`);
        assert.match(asked.message, /^This sweep will take about \d+:\d\d on this machine\. Start it\?$/);
        assert.match(asked.detail, /^8 runs, (at most )?2,400 member-steps in \d+ ensembles? on 1 process/);
        await screenshot(page, 'sweep-plan-confirm');
        await page.locator('.monaco-dialog-box').getByRole('button', { name: 'Cancel' }).click();
        await page.waitForTimeout(3_000);
        assert.equal(existsSync(sweepDir), false, 'Cancel started no sweep');
      });
      await phase('ask, then start', async () => {
        await startFromTree(page);
        await confirmation(page);
        await page.locator('.monaco-dialog-box').getByRole('button', { name: 'Start Sweep' }).click();
        const results = await findFrameWith(page, '#sweep-verdict', 90_000);
        const text = await waitFor(async () => {
          const t = (await results.locator('.progress').first().textContent().catch(() => null)) ?? '';
          return /\d+ \/ 8 runs · ETA \d\d:\d\d/.test(t) ? t : undefined;
        }, 120_000, 'runs done / planned · ETA in the panel', 300);
        process.stderr.write(`[e2e] panel progress: ${text.trim()}\n`);
        await screenshot(page, 'sweep-plan-progress');
        await waitFor(() => existsSync(path.join(sweepDir, 'summary.json')) || undefined, 240_000, 'the sweep’s summary.json', 500);
        await assertNoErrorToast(page, 'the planned sweep');
      });
    }));
});
